// 1,000 simulated agents (distinct deployed machines, each with its own token) push at once, one
// request in flight each, for a bounded time against one region process on PostgreSQL: zero
// errors, zero lost syncs (every machine's last_sync advanced past its last acknowledged push),
// and the region's resident memory steady once warm.
import {
  createAdmin,
  createMachine,
  deployMachine as deployWithService,
  getOrCreateApiKey,
  machineToken,
  systemClock,
} from "@hwsync/region";
import { type ApiCredentials, HARDWARE_SYNC_PATH } from "@hwsync/shared";
import {
  type EncodedPush,
  encodePush,
  openTestDatabase,
  POSTGRES_URL,
  signedHeaders,
  type TestDatabase,
  uniqueMac,
} from "@hwsync/testkit";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  LONG,
  MiB,
  payloadFor,
  percentile,
  type RegionProcess,
  report,
  rssOf,
  scaled,
  sleep,
  spawnRegion,
} from "./helpers.ts";

const AGENTS = 1000;
const DURATION_MS = scaled(15_000, 120_000);
/** One push in ten carries a real hardware change (a USB stick in or out); the rest are heartbeats. */
const CHANGE_EVERY = 10;

interface SimulatedAgent {
  systemId: string;
  creds: ApiCredentials;
  bodies: EncodedPush[];
  deployedSync: number;
  lastAckSentAt: number;
  pushes: number;
}

describe("1,000 agents pushing at once", { timeout: 240_000 }, () => {
  let database: TestDatabase;
  let region: RegionProcess;
  const agents: SimulatedAgent[] = [];
  let setupMs = 0;

  beforeAll(async () => {
    const began = performance.now();
    database = await openTestDatabase("postgres");
    const db = database.db;
    const adminRow = await createAdmin(db, { username: "admin", password: "load-test-password" });
    await getOrCreateApiKey(db, "admin");
    const principal = { id: adminRow.id, username: adminRow.username, isSuperuser: true };
    // The services the REST API calls, straight on the database: 1,000 deploys in seconds.
    const deployOne = async (i: number) => {
      const row = await createMachine(
        db,
        { hostname: `load-${process.pid}-${i}`, macAddresses: [uniqueMac()] },
        systemClock,
      );
      const deployed = await deployWithService(
        db,
        principal,
        row.systemId,
        { enableHwSync: true, syncInterval: 900 },
        { clock: systemClock, deployImmediately: true },
      );
      const token = (await machineToken(db, row.systemId))!;
      const bodies = [0, 1].map((variant) => encodePush(payloadFor(i + 1, variant)));
      agents[i] = {
        systemId: row.systemId,
        creds: { ...token, consumerSecret: "" },
        bodies,
        deployedSync: deployed.lastSync?.getTime() ?? 0,
        lastAckSentAt: 0,
        pushes: 0,
      };
    };
    for (let i = 0; i < AGENTS; i += 10)
      await Promise.all(Array.from({ length: 10 }, (_, j) => deployOne(i + j)));
    region = await spawnRegion({ databaseUrl: POSTGRES_URL, schema: database.schema! });
    setupMs = Math.round(performance.now() - began);
  });

  afterAll(async () => {
    await region?.stop();
    await database?.close();
  });

  test("zero errors, zero lost syncs and steady memory", async () => {
    const dispatcher = new Agent({ connections: AGENTS, keepAliveTimeout: 30_000 });
    const errors: Record<string, number> = {};
    const latencies: number[] = [];
    const rss: number[] = [];
    let stop = false;
    const deadline = Date.now() + DURATION_MS;
    const url = `${region.origin}${HARDWARE_SYNC_PATH}`;

    const simulate = async (agent: SimulatedAgent, index: number) => {
      while (Date.now() < deadline) {
        // The first push is the machine's first full sync; then mostly heartbeats.
        const variant = Math.floor((agent.pushes + index) / CHANGE_EVERY) % 2;
        const body = agent.bodies[variant]!;
        const sentAt = Date.now();
        try {
          const response = await request(url, {
            method: "POST",
            dispatcher,
            body: body.body,
            headers: signedHeaders(body, agent.creds),
          });
          const text = await response.body.text();
          if (response.statusCode === 200) {
            agent.lastAckSentAt = sentAt;
            agent.pushes += 1;
            latencies.push(Date.now() - sentAt);
          } else {
            const key = `${response.statusCode} ${text.slice(0, 80)}`;
            errors[key] = (errors[key] ?? 0) + 1;
          }
        } catch (error) {
          const key = `network ${(error as Error).message}`;
          errors[key] = (errors[key] ?? 0) + 1;
        }
      }
    };
    const sampler = async () => {
      while (!stop) {
        rss.push(await rssOf(region.pid));
        await sleep(500);
      }
    };

    const started = Date.now();
    const sampling = sampler();
    await Promise.all(agents.map(simulate));
    const drainedMs = Date.now() - started;
    stop = true;
    await sampling;
    await dispatcher.close();

    const { rows } = await database.db.query<{ system_id: string; last_sync: Date | null }>(
      "SELECT system_id, last_sync FROM machines WHERE enable_hw_sync",
    );
    const bySystemId = new Map(rows.map((row) => [row.system_id, row.last_sync?.getTime() ?? 0]));
    // Lost: a machine whose last_sync did not advance, or is older than its last acknowledged push.
    const lost = agents.filter((agent) => {
      const lastSync = bySystemId.get(agent.systemId) ?? 0;
      return agent.pushes === 0 || lastSync <= agent.deployedSync || lastSync < agent.lastAckSentAt - 1000;
    });
    const totalPushes = agents.reduce((sum, agent) => sum + agent.pushes, 0);
    const third = Math.floor(rss.length / 3);
    const warm = rss.slice(third, 2 * third);
    const late = rss.slice(2 * third);
    const memory = {
      startMiB: Math.round((rss[0] ?? 0) / MiB),
      peakMiB: Math.round(rss.reduce((a, b) => Math.max(a, b), 0) / MiB),
      warmMedianMiB: Math.round(percentile(warm, 50) / MiB),
      lateMedianMiB: Math.round(percentile(late, 50) / MiB),
      endMiB: Math.round((rss.at(-1) ?? 0) / MiB),
      samples: rss.length,
    };
    report("load", {
      agents: AGENTS,
      durationMs: DURATION_MS,
      drainedMs,
      setupMs,
      pushes: totalPushes,
      perSecond: Math.round(totalPushes / (drainedMs / 1000)),
      minPushesPerAgent: Math.min(...agents.map((agent) => agent.pushes)),
      latencyMs: {
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies.reduce((a, b) => Math.max(a, b), 0),
      },
      errors: Object.values(errors).reduce((a, b) => a + b, 0),
      lost: lost.length,
      memory,
      long: LONG,
    });
    expect(errors).toEqual({});
    expect(lost.map((agent) => agent.systemId)).toEqual([]);
    // Steady: once warm, resident memory does not keep climbing (a leak grows with every push).
    expect(memory.lateMedianMiB).toBeLessThanOrEqual(memory.warmMedianMiB * 1.25 + 16);
    expect(region.child.exitCode).toBeNull();
  });
});
