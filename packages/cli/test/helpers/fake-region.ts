// A small MAAS-shaped region on 127.0.0.1 for the CLI's tests: real HTTP, real OAuth header
// parsing, bodies and statuses as docs/maas-compatibility.md describes them. It records every request so
// tests can assert the exact wire (op first in the query, form fields, Authorization shape).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseAuthorizationHeader } from "@hwsync/shared";
import {
  DESCRIPTION_HASH,
  type FakeMachine,
  fixtureDescription,
  fixtureMachines,
  HARDWARE,
  HISTORY,
  minutesAgo,
} from "./fixtures.ts";

export { DESCRIPTION_HASH, type FakeMachine, fixtureDescription, fixtureMachines } from "./fixtures.ts";

export const API_KEY = "ck1234:tk5678:secret90";

export interface RecordedRequest {
  method: string;
  path: string;
  /** The raw query string, without `?`. */
  query: string;
  authorization: string | undefined;
  contentType: string | undefined;
  form: Array<[string, string]>;
  files: Array<{ name: string; filename: string; content: string }>;
}

export interface FakeRegionOptions {
  /** Document `sync_unhealthy` in MachinesHandler.read, as our region does. */
  supportsSyncUnhealthy?: boolean;
  /** Machine reads after a deploy before it leaves Deploying. */
  deployPolls?: number;
  /** Where a deploy ends. */
  deployOutcome?: "Deployed" | "Failed deployment";
}

export interface FakeRegion {
  url: string;
  requests: RecordedRequest[];
  machines: Map<string, FakeMachine>;
  config: Map<string, string>;
  close(): Promise<void>;
}

const STATUS = { Ready: 4, Deployed: 6, Deploying: 9, "Failed deployment": 11 } as const;

/** Replaces `@N` markers with a timestamp N minutes before now (negative: in the future). */
function resolveTimes<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (_key, item) =>
    typeof item === "string" && /^@-?\d+$/.test(item) ? minutesAgo(Number(item.slice(1))) : item,
  ) as T;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function parseForm(
  request: IncomingMessage,
  body: Buffer,
): Promise<Pick<RecordedRequest, "form" | "files">> {
  const type = request.headers["content-type"] ?? "";
  if (type.startsWith("application/x-www-form-urlencoded"))
    return { form: [...new URLSearchParams(body.toString("utf8"))], files: [] };
  if (type.startsWith("multipart/form-data")) {
    const data = await new Request("http://x/", {
      method: "POST",
      headers: { "content-type": type },
      body: new Uint8Array(body),
    }).formData();
    const form: Array<[string, string]> = [];
    const files: RecordedRequest["files"] = [];
    for (const [name, value] of data as unknown as Iterable<[string, string | File]>) {
      if (typeof value === "string") form.push([name, value]);
      else files.push({ name, filename: value.name, content: await value.text() });
    }
    return { form, files };
  }
  return { form: [], files: [] };
}

export async function startFakeRegion(options: FakeRegionOptions = {}): Promise<FakeRegion> {
  const requests: RecordedRequest[] = [];
  const machines = new Map(fixtureMachines().map((machine) => [machine.system_id, machine]));
  const config = new Map([
    ["hardware_sync_interval", "15m"],
    ["maas_name", "lab"],
  ]);
  const pollsLeft = new Map<string, number>();
  const [consumerKey, tokenKey, tokenSecret] = API_KEY.split(":");

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const body = await readBody(request);
    const { form, files } = await parseForm(request, body);
    const recorded: RecordedRequest = {
      method: request.method ?? "GET",
      path: url.pathname,
      query: url.search.slice(1),
      authorization: request.headers.authorization,
      contentType: request.headers["content-type"],
      form,
      files,
    };
    requests.push(recorded);
    try {
      handle(recorded, url, response);
    } catch (error) {
      send(response, 500, String(error));
    }
  });

  function send(response: ServerResponse, status: number, body: unknown, json = typeof body !== "string") {
    response.writeHead(status, {
      "content-type": json ? "application/json" : "text/plain; charset=utf-8",
      "x-maas-api-hash": DESCRIPTION_HASH,
    });
    response.end(json ? JSON.stringify(resolveTimes(body), null, 4) : String(body));
  }

  function authorised(recorded: RecordedRequest): string | null {
    const params = parseAuthorizationHeader(recorded.authorization);
    if (!params) return "Forbidden";
    if (params.oauth_consumer_key !== consumerKey) return "Authorization Error: Invalid API key.";
    if (params.oauth_token !== tokenKey)
      return `Authorization Error: 'Invalid access token: ${params.oauth_token}'`;
    if (params.oauth_signature !== `&${tokenSecret}`) return "Authorization Error: 'Invalid signature'";
    return null;
  }

  function handle(recorded: RecordedRequest, url: URL, response: ServerResponse) {
    const api = url.pathname.replace(/^\/MAAS\/api\/2\.0\//, "");
    const op = url.searchParams.get("op");
    const field = (name: string) => recorded.form.findLast(([key]) => key === name)?.[1];
    if (api === "describe/" && recorded.method === "GET")
      return send(response, 200, fixtureDescription(options.supportsSyncUnhealthy ?? true));
    const refusal = authorised(recorded);
    if (refusal) return send(response, 401, refusal);
    const signature = () =>
      send(response, 400, `Unrecognised signature: method=${recorded.method} op=${op ?? "None"}`);

    if (api === "users/")
      return op === "whoami"
        ? send(response, 200, { username: "admin", email: "admin@example.com", is_superuser: true })
        : signature();
    if (api === "machines/" && recorded.method === "GET" && !op) {
      let list = [...machines.values()];
      const hostnames = url.searchParams.getAll("hostname");
      if (hostnames.length > 0) list = list.filter((machine) => hostnames.includes(machine.hostname));
      if (url.searchParams.get("sync_unhealthy") === "true")
        list = list.filter((machine) => machine.system_id === "def456");
      return send(response, 200, list);
    }
    if (api === "maas/") {
      const name = recorded.method === "GET" ? url.searchParams.get("name") : field("name");
      if (!name) return send(response, 400, "No provided name!");
      if (!config.has(name))
        return send(response, 400, {
          [name]: [
            `${name} is not a valid config setting (valid settings are: hardware_sync_interval, maas_name).`,
          ],
        });
      if (recorded.method === "GET" && op === "get_config") return send(response, 200, config.get(name));
      if (recorded.method === "POST" && op === "set_config") {
        const value = field("value");
        if (value === undefined) return send(response, 400, "No provided value!");
        config.set(name, value);
        return send(response, 200, "OK");
      }
      return signature();
    }
    if (api === "events/" && op === "query") {
      const id = url.searchParams.get("id");
      return send(response, 200, {
        count: 1,
        events: [
          {
            id: 4711,
            node: id,
            hostname: "web-07",
            username: "admin",
            level: "INFO",
            created: "Tue, 24 Nov. 2026 15:55:01",
            type: "Node Block Device hardware sync state change",
            description: "block device nvme0n1 was added",
          },
        ],
        next_uri: null,
        prev_uri: null,
      });
    }
    const match = /^machines\/([^/]+)\/$/.exec(api);
    if (!match) return send(response, 404, "Not Found");
    const machine = machines.get(decodeURIComponent(match[1]!));
    if (!machine) return send(response, 404, "No Machine matches the given query.");

    if (recorded.method === "GET" && !op) {
      const left = pollsLeft.get(machine.system_id);
      if (left !== undefined) {
        if (left <= 1) {
          pollsLeft.delete(machine.system_id);
          const outcome = options.deployOutcome ?? "Deployed";
          Object.assign(machine, { status: STATUS[outcome], status_name: outcome });
        } else pollsLeft.set(machine.system_id, left - 1);
      }
      return send(response, 200, machine);
    }
    if (recorded.method === "GET" && op === "get_token")
      return send(response, 200, { token_key: "mtk", token_secret: "mts", consumer_key: "mck" });
    if (recorded.method === "GET" && op === "hardware") return send(response, 200, HARDWARE);
    if (recorded.method === "GET" && op === "hardware_history") return send(response, 200, HISTORY);
    if (recorded.method === "POST" && op === "deploy") {
      if (machine.status !== STATUS.Ready)
        return send(response, 409, `Can't deploy a machine that is in the '${machine.status_name}' state`);
      const enable = field("enable_hw_sync");
      if (enable !== undefined && !/^(true|false|1|0|yes|no|on|off|t|f|y|n)$/i.test(enable)) {
        return send(response, 400, "Invalid enable_hw_sync: Value should be 'true' or 'false'");
      }
      const enabled = enable !== undefined && /^(true|1|yes|on|t|y)$/i.test(enable);
      Object.assign(machine, {
        status: STATUS.Deploying,
        status_name: "Deploying",
        owner: "admin",
        osystem: field("osystem") ?? "ubuntu",
        distro_series: field("distro_series") ?? "noble",
        enable_hw_sync: enabled,
        sync_interval: enabled ? Number(field("sync_interval") ?? 900) : null,
      });
      pollsLeft.set(machine.system_id, options.deployPolls ?? 2);
      return send(response, 200, machine);
    }
    if (recorded.method === "POST" && op === "release") {
      Object.assign(machine, {
        status: STATUS.Ready,
        status_name: "Ready",
        owner: null,
        enable_hw_sync: false,
        sync_interval: null,
        last_sync: null,
        next_sync: null,
      });
      return send(response, 200, machine);
    }
    return signature();
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/MAAS/`,
    requests,
    machines,
    config,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
