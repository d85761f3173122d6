import type { FastifyInstance } from "fastify";
import type { WebSocket } from "ws";
import { type PrincipalUser, requireUser } from "../auth.ts";
import { listMachines } from "../db/machines.ts";
import { listenForChanges } from "../db/notify.ts";
import { getUserById } from "../db/users.ts";
import type { AppDeps } from "../deps.ts";
import { databaseError } from "../error-handler.ts";
import { hasCode, RegionError } from "../errors.ts";
import { getConfig, listConfig, setConfig } from "../services/config.ts";
import { deployMachine } from "../services/deploy.ts";
import { filterParamsFromWs, resolveMachineFilter } from "../services/machine-filter.ts";
import { wsMachineJson } from "../services/machine-json.ts";
import { canSee, findVisibleMachine, releaseMachine } from "../services/machines.ts";
import { parseDeployForm } from "./forms/deploy.ts";

// MAAS's WebSocket envelope (docs/maas-compatibility.md#websocket): requests {type:0, request_id, method,
// params}, answers {type:1, request_id, rtype:0|1, result|error}, pushes {type:2, name, action, data}.
const REQUEST = 0;
const RESPONSE = 1;
const NOTIFY = 2;

interface Client {
  socket: WebSocket;
  user: PrincipalUser;
}

type Params = Record<string, unknown>;
type Method = (params: Params, user: PrincipalUser) => Promise<unknown>;

/** A WebSocket error answer; for validation errors the string is JSON text, as MAAS sends it. */
class WsError extends Error {}

function text(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  return typeof value === "string" ? value : String(value);
}

function errorText(error: unknown): string | null {
  if (error instanceof WsError) return error.message;
  const database = databaseError(error);
  if (database) return database.message;
  // MAAS's WebSocket words it differently from its REST API.
  if (hasCode(error, "HWS_HW_SYNC_OS_UNSUPPORTED"))
    return "enable_hw_sync can only be set on Linux based deploys";
  if (error instanceof RegionError) {
    return error.fields ? JSON.stringify(error.fields) : (error.body ?? error.message);
  }
  return null;
}

function send(socket: WebSocket, message: unknown): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

export function registerWsRoutes(app: FastifyInstance, { db, clock, config }: AppDeps): void {
  const clients = new Set<Client>();
  let listening: Promise<(() => Promise<void>) | null> | null = null;

  // Loads each batch of changed machines once, then fans out to the clients allowed to see them.
  const onMachines = async (systemIds: string[]) => {
    if (clients.size === 0) return;
    const rows = await listMachines(db, { systemIds });
    const now = clock.now();
    for (const row of rows) {
      // A row never updated since its INSERT is new (the trigger stamps `updated` with the
      // transaction time, so both match only within the creating transaction).
      const action = row.created.getTime() === row.updated.getTime() ? "create" : "update";
      const message = JSON.stringify({
        type: NOTIFY,
        name: "machine",
        action,
        data: wsMachineJson(row, now),
      });
      for (const client of clients) {
        if (canSee(client.user, row) && client.socket.readyState === client.socket.OPEN)
          client.socket.send(message);
      }
    }
  };
  const onConfig = async (name: string) => {
    if (clients.size === 0) return;
    const value = await getConfig(db, name);
    for (const client of clients)
      send(client.socket, { type: NOTIFY, name: "config", action: "update", data: { name, value } });
  };
  const startListening = () => {
    listening ??= listenForChanges(db, {
      onMachines: (ids) => void onMachines(ids).catch(() => {}),
      onConfig: (name) => void onConfig(name).catch(() => {}),
    }).catch(() => {
      listening = null; // try again with the next client
      return null;
    });
  };
  // Listen from start-up, not from the first client: a change right after a client connects
  // must not slip through before LISTEN is in place.
  app.addHook("onReady", async () => {
    startListening();
    await listening;
  });
  app.addHook("onClose", async () => {
    const stop = await listening;
    await stop?.();
  });

  const methods: Record<string, Method> = {
    "config.list": async () => listConfig(db),
    "config.get": async (params) => {
      const name = text(params, "name");
      if (!name) throw new WsError("Missing name in params");
      return { name, value: await getConfig(db, name) };
    },
    "config.update": async (params, user) => {
      if (!user.isSuperuser) throw new WsError("Permission denied");
      const name = text(params, "name");
      if (!name) throw new WsError("Missing name in params");
      const value = text(params, "value");
      if (value === undefined) throw new WsError("Missing value in params");
      await setConfig(db, name, value, "value");
      return { name, value };
    },
    "machine.list": async (params, user) => {
      // MAAS's list filters, checked as the REST list checks them (services/machine-filter.ts).
      const filter = await resolveMachineFilter(db, filterParamsFromWs(params.filter), user);
      const rows = await listMachines(db, filter);
      const now = clock.now();
      return rows.map((row) => wsMachineJson(row, now));
    },
    "machine.get": async (params, user) => {
      const systemId = text(params, "system_id");
      if (!systemId) throw new WsError("Missing system_id in params");
      return wsMachineJson(await findVisibleMachine(db, user, systemId), clock.now());
    },
    "machine.action": async (params, user) => {
      const systemId = text(params, "system_id");
      if (!systemId) throw new WsError("Missing system_id in params");
      const extra = (params.extra && typeof params.extra === "object" ? params.extra : {}) as Params;
      const action = text(params, "action");
      let row: Awaited<ReturnType<typeof releaseMachine>>;
      if (action === "deploy") {
        await findVisibleMachine(db, user, systemId);
        const form: Record<string, string> = {};
        for (const key of [
          "osystem",
          "distro_series",
          "enable_hw_sync",
          "sync_interval",
          "user_data",
          "comment",
        ]) {
          const value = text(extra, key);
          if (value !== undefined) form[key] = value;
        }
        row = await deployMachine(db, user, systemId, parseDeployForm(form), {
          clock,
          deployImmediately: config.deployImmediately,
        });
      } else if (action === "release") {
        row = await releaseMachine(db, user, systemId, { comment: text(extra, "comment") }, clock);
      } else {
        throw new WsError(`'${action}' is not a machine action here: use deploy or release.`);
      }
      return wsMachineJson(row, clock.now());
    },
    "user.auth_user": async (_params, user) => {
      const row = await getUserById(db, user.id);
      return {
        id: user.id,
        username: user.username,
        email: row?.email ?? "",
        is_superuser: user.isSuperuser,
      };
    },
  };

  const handleMessage = async (client: Client, data: string) => {
    let message: { type?: unknown; request_id?: unknown; method?: unknown; params?: unknown };
    try {
      message = JSON.parse(data);
    } catch {
      send(client.socket, {
        type: RESPONSE,
        request_id: null,
        rtype: 1,
        error: "Message is not valid JSON.",
      });
      return;
    }
    const requestId = message?.request_id ?? null;
    const fail = (error: string) =>
      send(client.socket, { type: RESPONSE, request_id: requestId, rtype: 1, error });
    if (message?.type !== REQUEST || typeof message.method !== "string") {
      return fail("Expected a request: {type: 0, request_id, method: 'handler.method', params}.");
    }
    const method = Object.hasOwn(methods, message.method) ? methods[message.method] : undefined;
    if (!method) return fail(`Unknown method '${message.method}'.`);
    const params = (message.params && typeof message.params === "object" ? message.params : {}) as Params;
    try {
      const result = await method(params, client.user);
      send(client.socket, { type: RESPONSE, request_id: requestId, rtype: 0, result });
    } catch (error) {
      const known = errorText(error);
      if (known === null) {
        process.stderr.write(
          `maas-region: internal error in ${message.method}: ${(error as Error)?.stack}\n`,
        );
      }
      fail(known ?? "Internal server error");
    }
  };

  app.get(
    "/MAAS/ws",
    {
      websocket: true,
      // Runs before the upgrade: no session or key → a plain HTTP 401, no socket.
      preHandler: async (request) => {
        requireUser(request);
      },
    },
    (socket, request) => {
      const client: Client = { socket, user: requireUser(request) };
      clients.add(client);
      startListening(); // no-op unless LISTEN failed at start-up
      socket.on("message", (data) => void handleMessage(client, data.toString()));
      socket.on("close", () => clients.delete(client));
    },
  );
}
