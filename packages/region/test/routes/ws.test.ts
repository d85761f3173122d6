import { buildAuthorizationHeader, parseApiKey } from "@hwsync/shared";
import { apiClient, ENGINES, POSTGRES_URL, raw, useTestRegion } from "@hwsync/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { fakeClock } from "../../src/clock.ts";
import { openDatabase } from "../../src/db/db.ts";
import { getMachineBySystemId, updateMachine } from "../../src/db/machines.ts";
import { startRegion } from "../../src/server.ts";
import { addMachine } from "../helpers/api.ts";

interface Message {
  type: number;
  request_id?: number;
  rtype?: number;
  result?: unknown;
  error?: string;
  name?: string;
  action?: string;
  data?: Record<string, unknown>;
}

// A guard so a missing notification fails the test instead of hanging it; not a timing assertion.
const GUARD_MS = 10_000;

class WsClient {
  private nextId = 1;
  private readonly waiters: Array<{ match: (m: Message) => boolean; resolve: (m: Message) => void }> = [];
  readonly received: Message[] = [];
  private readonly socket: WebSocket;
  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString()) as Message;
      this.received.push(message);
      const index = this.waiters.findIndex((waiter) => waiter.match(message));
      if (index >= 0) this.waiters.splice(index, 1)[0]!.resolve(message);
    });
  }

  static open(url: string, headers: Record<string, string>): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      socket.once("open", () => resolve(new WsClient(socket)));
      socket.once("unexpected-response", (_request, response) =>
        reject(new Error(`HTTP ${response.statusCode}`)),
      );
      socket.once("error", reject);
    });
  }

  wait(match: (m: Message) => boolean): Promise<Message> {
    const seen = this.received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no matching WebSocket message")), GUARD_MS);
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  async call(method: string, params: Record<string, unknown> = {}): Promise<Message> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ type: 0, request_id: id, method, params }));
    return this.wait((m) => m.type === 1 && m.request_id === id);
  }

  close(): void {
    this.socket.close();
  }
}

const WS_DATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\. \d{4} \d\d:\d\d:\d\d$/;

describe.each(ENGINES)("WebSocket /MAAS/ws on %s", (engine) => {
  const t = useTestRegion({ engine, clock: fakeClock(new Date()) });
  let admin: WsClient;
  let user: WsClient;
  let wsUrl: string;

  async function sessionCookie(username: string, password: string): Promise<string> {
    const login = await raw(t.region, { path: "/MAAS/accounts/login/", form: { username, password } });
    return login.headers.get("set-cookie")!.split(";")[0]!;
  }

  beforeAll(async () => {
    wsUrl = `${t.region.origin.replace("http", "ws")}/MAAS/ws`;
    admin = await WsClient.open(wsUrl, { cookie: await sessionCookie(t.adminName, t.adminPassword) });
    user = await WsClient.open(wsUrl, { cookie: await sessionCookie(t.userName, t.userPassword) });
  });
  afterAll(async () => {
    admin?.close();
    user?.close();
  });

  test("an unauthenticated upgrade is refused with HTTP 401", async () => {
    await expect(WsClient.open(wsUrl, {})).rejects.toThrow("HTTP 401");
    await expect(WsClient.open(wsUrl, { cookie: "sessionid=stale" })).rejects.toThrow("HTTP 401");
  });

  test("an OAuth Authorization header on the upgrade request is accepted too", async () => {
    const client = await WsClient.open(wsUrl, {
      authorization: buildAuthorizationHeader(parseApiKey(t.userKey)),
    });
    expect((await client.call("user.auth_user")).result).toMatchObject({ is_superuser: false });
    client.close();
  });

  test("config.list and config.get carry hardware_sync_interval", async () => {
    const list = await user.call("config.list");
    expect(list.rtype).toBe(0);
    expect(list.result).toContainEqual({ name: "hardware_sync_interval", value: "15m" });
    expect((await user.call("config.get", { name: "hardware_sync_interval" })).result).toEqual({
      name: "hardware_sync_interval",
      value: "15m",
    });
  });

  test.each([
    ["a non-admin", "user", { name: "hardware_sync_interval", value: "5m" }, "Permission denied"],
    ["no value", "admin", { name: "hardware_sync_interval" }, "Missing value in params"],
    [
      "an invalid interval",
      "admin",
      { name: "hardware_sync_interval", value: "1 year" },
      JSON.stringify({
        value: [
          "'1 year' is not a valid interval. Only 'h|hr|hour|hours, m|min|minute|minutes, s|sec|second|seconds' are valid units",
        ],
      }),
    ],
  ])("config.update from %s is an error answer", async (_case, who, params, error) => {
    const response = await (who === "admin" ? admin : user).call("config.update", params);
    expect(response).toMatchObject({ type: 1, rtype: 1, error });
  });

  test("config.update answers the new value and every client hears about it", async () => {
    const pushed = user.wait((m) => m.type === 2 && m.name === "config" && m.data?.value === "45m");
    const response = await admin.call("config.update", { name: "hardware_sync_interval", value: "45m" });
    expect(response).toMatchObject({ rtype: 0, result: { name: "hardware_sync_interval", value: "45m" } });
    expect(await pushed).toEqual({
      type: 2,
      name: "config",
      action: "update",
      data: { name: "hardware_sync_interval", value: "45m" },
    });
    await admin.call("config.update", { name: "hardware_sync_interval", value: "15m" });
  });

  test("machine.get has hw-sync keys only when enabled, with MAAS's WebSocket date format", async () => {
    const plain = await addMachine(t);
    const synced = await addMachine(t);
    await t.admin.post(`machines/${synced.system_id}/`, "deploy", { enable_hw_sync: "true" });
    const row = (await getMachineBySystemId(t.db, synced.system_id))!;
    await updateMachine(t.db, row.id, { lastSync: new Date("2026-11-24T15:55:01Z") });
    const off = (await admin.call("machine.get", { system_id: plain.system_id })).result as Record<
      string,
      unknown
    >;
    expect(off.enable_hw_sync).toBe(false);
    for (const key of ["last_sync", "next_sync", "sync_interval", "is_sync_healthy"])
      expect(off).not.toHaveProperty(key);
    const on = (await admin.call("machine.get", { system_id: synced.system_id })).result as Record<
      string,
      unknown
    >;
    expect(on).toMatchObject({
      enable_hw_sync: true,
      last_sync: "Tue, 24 Nov. 2026 15:55:01",
      next_sync: "Tue, 24 Nov. 2026 16:10:01",
      sync_interval: 900,
    });
    expect(typeof on.is_sync_healthy).toBe("boolean");
    const list = (await admin.call("machine.list")).result as Array<Record<string, unknown>>;
    expect(list.find((m) => m.system_id === synced.system_id)).toMatchObject({
      last_sync: expect.stringMatching(WS_DATE),
    });
  });

  test("machine.action deploys with extra.enable_hw_sync and releases", async () => {
    const machine = await addMachine(t);
    const deployed = await admin.call("machine.action", {
      system_id: machine.system_id,
      action: "deploy",
      extra: { osystem: "ubuntu", distro_series: "jammy", enable_hw_sync: true, sync_interval: "10m" },
    });
    expect(deployed.result).toMatchObject({
      status_name: "Deploying",
      enable_hw_sync: true,
      sync_interval: 600,
      last_sync: "",
    });
    const released = await admin.call("machine.action", { system_id: machine.system_id, action: "release" });
    expect(released.result).toMatchObject({ status_name: "Ready", enable_hw_sync: false });
  });

  test.each([
    [
      "a non-Linux OS with hw sync",
      { action: "deploy", extra: { osystem: "windows", enable_hw_sync: true } },
      "enable_hw_sync can only be set on Linux based deploys",
    ],
    [
      "an unknown action",
      { action: "power_on" },
      "'power_on' is not a machine action here: use deploy or release.",
    ],
  ])("machine.action with %s is an error answer", async (_case, params, error) => {
    const machine = await addMachine(t);
    expect(await admin.call("machine.action", { system_id: machine.system_id, ...params })).toMatchObject({
      rtype: 1,
      error,
    });
  });

  test("a machine change pushes an update to clients that may see it, and only to them", async () => {
    const machine = await addMachine(t);
    const toAdmin = admin.wait(
      (m) => m.type === 2 && m.data?.system_id === machine.system_id && m.data?.status_name === "Deploying",
    );
    await t.admin.post(`machines/${machine.system_id}/`, "deploy", { enable_hw_sync: "true" });
    expect(await toAdmin).toMatchObject({
      type: 2,
      name: "machine",
      action: "update",
      data: { enable_hw_sync: true },
    });
    // The admin owns it now: the plain user must not hear about it. A later config push proves
    // the user's stream is flowing, so absence of the machine update is meaningful.
    const marker = user.wait((m) => m.type === 2 && m.name === "config" && m.data?.value === "marker-name");
    await admin.call("config.update", { name: "maas_name", value: "marker-name" });
    await marker;
    // A Ready machine is everyone's to see, so its "create" push may reach the user when the
    // notification is handled before the deploy commits; no update may.
    expect(
      user.received.some(
        (m) => m.type === 2 && m.data?.system_id === machine.system_id && m.action !== "create",
      ),
    ).toBe(false);
  });

  test("a new machine is pushed with action 'create', later changes with 'update'", async () => {
    const created = admin.wait(
      (m) => m.type === 2 && m.action === "create" && m.data?.hostname === "ws-new-machine",
    );
    const machine = await addMachine(t, { hostname: "ws-new-machine" });
    expect((await created).data).toMatchObject({ system_id: machine.system_id, status_name: "Ready" });
    const updated = admin.wait(
      (m) => m.type === 2 && m.action === "update" && m.data?.system_id === machine.system_id,
    );
    await t.admin.post(`machines/${machine.system_id}/`, "deploy", {});
    expect((await updated).data).toMatchObject({ status_name: "Deploying" });
  });

  test("unknown methods and malformed messages get error answers", async () => {
    expect(await admin.call("machine.explode")).toMatchObject({
      rtype: 1,
      error: "Unknown method 'machine.explode'.",
    });
    expect(await admin.call("machine.get", { system_id: "nope00" })).toMatchObject({
      rtype: 1,
      error: "No Machine matches the given query.",
    });
  });

  // Only PostgreSQL can be shared by two region processes; PGlite is one process's own.
  const acrossProcesses = engine === "postgres" ? test : () => undefined;
  acrossProcesses(
    "a change made through another region process reaches this one's clients (LISTEN/NOTIFY)",
    async () => {
      const otherDb = await openDatabase({ databaseUrl: POSTGRES_URL, schema: t.schema! });
      const other = await startRegion({ db: otherDb, clock: t.clock });
      try {
        const machine = await addMachine(t);
        const heard = admin.wait(
          (m) =>
            m.type === 2 && m.data?.system_id === machine.system_id && m.data?.status_name === "Deploying",
        );
        await apiClient(other, t.adminKey).post(`machines/${machine.system_id}/`, "deploy", {});
        expect((await heard).name).toBe("machine");
      } finally {
        await other.close();
        await otherDb.close();
      }
    },
  );
});
