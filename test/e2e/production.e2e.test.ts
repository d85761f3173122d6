// Production mode: two `maas-region start` processes on different ports sharing one PostgreSQL
// schema (DATABASE_URL). A deploy through one is visible through the other, a WebSocket client
// of A hears a change made through B, and the same push sent to both applies once.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeResult, killAll } from "@hwsync/testkit/process";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { cleanUp, ensureBuilt, tempDir } from "./lib/build.ts";
import { agent, Cli } from "./lib/cli.ts";
import {
  type RegionDatabase,
  type RegionProcess,
  regionCommand,
  regionDatabase,
  startRegionProcess,
} from "./lib/region.ts";
import { CREDENTIALS_PATH, file, readVendorData } from "./lib/vendor-data.ts";
import { RegionSocket } from "./lib/ws.ts";

interface HistoryEntry {
  changes: unknown[];
}

beforeAll(ensureBuilt, 300_000);
afterEach(() => killAll("test"));
afterAll(() => killAll());

describe("two region processes on one PostgreSQL schema", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let database: RegionDatabase;
  let a: RegionProcess;
  let b: RegionProcess;
  let apiKey: string;
  let viaA: Cli;
  let viaB: Cli;
  let socket: RegionSocket | undefined;

  beforeAll(async () => {
    dir = await tempDir("production");
    database = regionDatabase("postgres", dir.path);
    // Both start at once on an empty schema: migrations and the admin must not trip over each other.
    // A is configured as a production unit would be (DATABASE_URL), B with the flags.
    [a, b] = await Promise.all([
      startRegionProcess(database, { configure: "env" }),
      startRegionProcess(database, { configure: "flags" }),
    ]);
    apiKey = await regionCommand(database, ["apikey", "--username", "admin"]);
    viaA = new Cli(join(dir.path, "cli"), "region-a");
    viaB = new Cli(join(dir.path, "cli"), "region-b");
    await viaA.login(a.url, apiKey);
    await viaB.login(b.url, apiKey);
  }, 120_000);

  afterAll(() =>
    cleanUp(
      async () => socket?.close(),
      () => Promise.all([a?.stop(), b?.stop()]),
      () => database?.drop(),
      () => dir?.remove(),
    ),
  );

  test("the two processes listen on different ports and serve one machine list", async () => {
    expect(new URL(a.url).port).not.toBe(new URL(b.url).port);
    for (const region of [a, b]) {
      expect(region.process.stderr()).toMatch(new RegExp(`\\(PostgreSQL \\S+, ${database.describe}\\)`));
    }
    const created = await viaA.createMachine("e2e-prod-list", "52:54:00:e2:e0:a1");
    const listed = await viaB.json<Array<{ system_id: string }>>(["machines", "read"]);
    expect(listed.map((machine) => machine.system_id)).toContain(created);
  });

  test("a deploy through A is visible through B", async () => {
    const systemId = await viaA.createMachine("e2e-prod-deploy", "52:54:00:e2:e0:a2");
    await viaA.deploy(systemId, "20m");
    expect(await viaB.readMachine(systemId)).toMatchObject({
      status_name: "Deploying",
      enable_hw_sync: true,
      sync_interval: 1200,
    });
  });

  test("a WebSocket client of A hears a deploy made through B", async () => {
    socket = await RegionSocket.open(a.url, apiKey);
    const systemId = await viaB.createMachine("e2e-prod-ws", "52:54:00:e2:e0:a3");
    const heard = socket.waitFor(
      (message) =>
        message.type === 2 &&
        message.name === "machine" &&
        message.data?.system_id === systemId &&
        message.data?.status_name === "Deploying",
    );
    await viaB.deploy(systemId, "15m");
    expect((await heard).data).toMatchObject({ enable_hw_sync: true });
  });

  test("the same payload pushed to A and to B at once applies once: one history entry, one event per change", async () => {
    const systemId = await viaA.createMachine("e2e-prod-push", "52:54:00:e2:e0:a4");
    await viaA.deploy(systemId, "15m");
    const credentials = file(await readVendorData(viaA, systemId), CREDENTIALS_PATH).content;
    const credentialsA = join(dir.path, "creds-a.yml");
    const credentialsB = join(dir.path, "creds-b.yml");
    writeFileSync(credentialsA, credentials, { mode: 0o600 });
    writeFileSync(credentialsB, credentials.replace(a.url, b.url), { mode: 0o600 });
    expect(credentials).toContain(a.url);

    const runs = await Promise.all(
      [credentialsA, credentialsB].map((config, index) =>
        agent(["run", "--config", config, "--state-dir", join(dir.path, `state-${index}`)]),
      ),
    );
    for (const result of runs) expect(result.code, describeResult(result)).toBe(0);
    const outcomes = runs.map((result) =>
      result.stderr.includes("hardware synced") ? "synced" : "unchanged",
    );
    expect(outcomes.sort()).toEqual(["synced", "unchanged"]);

    const history = await viaB.json<HistoryEntry[]>(["machine", "hardware-history", systemId]);
    expect(history).toHaveLength(1);
    const { events } = await viaA.json<{ events: Array<{ type: string }> }>([
      "events",
      "query",
      `id=${systemId}`,
      "limit=1000",
    ]);
    const syncEvents = events.filter((event) => event.type.includes("hardware sync state change"));
    expect(syncEvents).toHaveLength(history[0]!.changes.length);
    for (const via of [viaA, viaB]) {
      expect(await via.readMachine(systemId)).toMatchObject({
        status_name: "Deployed",
        is_sync_healthy: true,
      });
    }
  });
});
