import { afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type * as SocketModule from "../src/api/region-socket.ts";
import type * as StoreModule from "../src/state/region-store.ts";
import { EnvelopeServer } from "./support/envelope-server.ts";
import { closeWebModules, loadWebModule } from "./support/web-modules.ts";

let RegionSocket: typeof SocketModule.RegionSocket;
let RegionStore: typeof StoreModule.RegionStore;
beforeAll(async () => {
  ({ RegionSocket } = await loadWebModule<typeof SocketModule>("src/api/region-socket.ts"));
  ({ RegionStore } = await loadWebModule<typeof StoreModule>("src/state/region-store.ts"));
  await closeWebModules();
});

let server: EnvelopeServer;
let url: string;
let socket: SocketModule.RegionSocket;

beforeEach(async () => {
  server = new EnvelopeServer();
  url = await server.listen();
  socket = new RegionSocket({ url, reconnectDelaysMs: [20] });
});
afterEach(async () => {
  socket.close();
  await server.close();
});

/** Resolves when `check` passes, polling; vitest's timeout bounds it. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
}

const DEPLOYED = {
  system_id: "abc123",
  hostname: "web-07",
  status: 6,
  status_name: "Deployed",
  enable_hw_sync: true,
  last_sync: "Tue, 24 Nov. 2026 15:55:01",
  next_sync: "Tue, 24 Nov. 2026 16:10:01",
  sync_interval: 900,
  is_sync_healthy: true,
};

describe("RegionSocket", () => {
  test("matches answers to requests by request_id when they arrive out of order", async () => {
    server.handlers.set("slow.echo", async (params) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return params;
    });
    server.handlers.set("fast.echo", (params) => params);
    await socket.connect();
    const [slow, fast] = await Promise.all([
      socket.call("slow.echo", { n: 1 }),
      socket.call("fast.echo", { n: 2 }),
    ]);
    expect([slow, fast]).toEqual([{ n: 1 }, { n: 2 }]);
  });

  test("rejects with field messages when the region answers a validation error", async () => {
    server.handlers.set("config.update", () => {
      throw new Error(JSON.stringify({ value: ["'1 year' is not a valid interval."] }));
    });
    await socket.connect();
    await expect(
      socket.call("config.update", { name: "hardware_sync_interval", value: "1 year" }),
    ).rejects.toMatchObject({
      code: "HWS_VALIDATION_FAILED",
      fields: { value: ["'1 year' is not a valid interval."] },
    });
  });

  test("connect rejects with advice when the region refuses the handshake", async () => {
    server.refuse = true;
    await expect(socket.connect()).rejects.toMatchObject({
      code: "HWS_AUTH_REJECTED",
      message:
        "The region refused the WebSocket connection. Log in again, or check that the region is running.",
    });
    expect(socket.state).toBe("closed");
  });

  test("a dropped connection fails pending calls, then reconnects by itself", async () => {
    server.handlers.set("never.answers", () => new Promise(() => {}));
    server.handlers.set("ping", () => "pong");
    await socket.connect();
    const states: string[] = [];
    socket.onState((state) => states.push(state));
    const pending = socket.call("never.answers");
    await until(() => server.received.length === 1);
    server.dropAll();
    await expect(pending).rejects.toMatchObject({ code: "HWS_NET_UNREACHABLE" });
    await until(() => socket.state === "open");
    expect(states).toEqual(["reconnecting", "open"]);
    expect(await socket.call("ping")).toBe("pong");
  });

  test("a call while disconnected is refused at once instead of queued", async () => {
    await expect(socket.call("machine.list")).rejects.toMatchObject({ code: "HWS_NET_UNREACHABLE" });
  });
});

describe("RegionStore", () => {
  beforeEach(() => {
    server.handlers.set("machine.list", () => [
      DEPLOYED,
      { ...DEPLOYED, system_id: "def456", hostname: "db-01" },
    ]);
    server.handlers.set("config.list", () => [
      { name: "hardware_sync_interval", value: "15m" },
      { name: "maas_name", value: "lab" },
    ]);
  });

  test("loads machines and config once the socket opens", async () => {
    await socket.connect();
    const store = new RegionStore(socket);
    store.start();
    await until(() => store.getSnapshot().machinesLoaded);
    const snapshot = store.getSnapshot();
    expect([...snapshot.machines.keys()]).toEqual(["abc123", "def456"]);
    expect(snapshot.config).toEqual({ hardware_sync_interval: "15m", maas_name: "lab" });
  });

  test("an update notification replaces the machine, dropping fields the region no longer sends", async () => {
    await socket.connect();
    const store = new RegionStore(socket);
    store.start();
    await until(() => store.getSnapshot().machinesLoaded);
    const released = {
      system_id: "abc123",
      hostname: "web-07",
      status: 4,
      status_name: "Ready",
      enable_hw_sync: false,
    };
    server.notify("machine", "update", released);
    await until(() => store.getSnapshot().machines.get("abc123")?.status === 4);
    expect(store.getSnapshot().machines.get("abc123")).toEqual(released);
  });

  test("delete and config notifications update the snapshot", async () => {
    await socket.connect();
    const store = new RegionStore(socket);
    store.start();
    await until(() => store.getSnapshot().machinesLoaded);
    server.notify("machine", "delete", "def456");
    server.notify("config", "update", { name: "hardware_sync_interval", value: "30m" });
    await until(() => store.getSnapshot().config.hardware_sync_interval === "30m");
    expect([...store.getSnapshot().machines.keys()]).toEqual(["abc123"]);
  });

  test("list items without hw-sync keys (MAAS 3.5+) are completed with machine.get", async () => {
    const {
      enable_hw_sync: _e,
      last_sync: _l,
      next_sync: _n,
      sync_interval: _s,
      is_sync_healthy: _h,
      ...bare
    } = DEPLOYED;
    server.handlers.set("machine.list", () => [bare]);
    server.handlers.set("machine.get", () => DEPLOYED);
    await socket.connect();
    const store = new RegionStore(socket);
    store.start();
    await until(() => store.getSnapshot().machines.get("abc123")?.enable_hw_sync === true);
    expect(server.received.filter((r) => r.method === "machine.get")).toEqual([
      { method: "machine.get", params: { system_id: "abc123" } },
    ]);
  });

  test("deploy sends machine.action with the extra fields and shows the answer", async () => {
    server.handlers.set("machine.action", (params) => ({
      ...DEPLOYED,
      status: 9,
      status_name: "Deploying",
      params,
    }));
    await socket.connect();
    const store = new RegionStore(socket);
    store.start();
    await until(() => store.getSnapshot().machinesLoaded);
    await store.deploy("abc123", {
      osystem: "ubuntu",
      distro_series: "noble",
      enable_hw_sync: true,
      sync_interval: 600,
    });
    expect(server.received.at(-1)).toEqual({
      method: "machine.action",
      params: {
        system_id: "abc123",
        action: "deploy",
        extra: { osystem: "ubuntu", distro_series: "noble", enable_hw_sync: true, sync_interval: 600 },
      },
    });
    expect(store.getSnapshot().machines.get("abc123")?.status_name).toBe("Deploying");
  });

  test("reconnecting reloads everything, since notifications sent meanwhile are lost", async () => {
    await socket.connect();
    const store = new RegionStore(socket);
    store.start();
    await until(() => store.getSnapshot().machinesLoaded);
    server.handlers.set("machine.list", () => [{ ...DEPLOYED, last_sync: "Tue, 24 Nov. 2026 16:10:01" }]);
    server.dropAll();
    await until(() => store.getSnapshot().machines.get("abc123")?.last_sync === "Tue, 24 Nov. 2026 16:10:01");
    expect(store.getSnapshot().machines.size).toBe(1);
  });
});
