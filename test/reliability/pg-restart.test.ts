// PostgreSQL is restarted while agents push: the region process keeps running, answers 503
// (never 500) while the database is gone, its pool drops the dead connections, and every agent,
// retrying as the real agent does, delivers. The server is a private PostgreSQL 15 started for
// this test (initdb in a temporary directory), so its restart disturbs no other suite; where that
// is impossible (not root) the machine's cluster is restarted instead and started again in
// `finally` whatever happens.
import { createMemoryLogger, pushInventory } from "@hwsync/agent";
import { createAdmin, type Db, getOrCreateApiKey, openDatabase } from "@hwsync/region";
import { canonicalJson, contentHash, parseApiKey } from "@hwsync/shared";
import { openTestDatabase, POSTGRES_URL, runChecked, signedPush } from "@hwsync/testkit";
import { afterAll, describe, expect, test } from "vitest";
import {
  call,
  type DeployedMachine,
  deployMachine,
  LONG,
  payloadFor,
  type RegionProcess,
  report,
  scaled,
  sleep,
  spawnRegion,
  startPrivatePostgres,
} from "./helpers.ts";

const CLUSTER = ["--skip-systemctl-redirect", "15", "main"];
const AGENTS = scaled(40, 200);
const AFTER_RESTART_MS = scaled(5_000, 30_000);

async function postgresReady(): Promise<boolean> {
  try {
    await runChecked("pg_isready", ["-h", "127.0.0.1", "-p", "5432", "-t", "1"]);
    return true;
  } catch {
    return false;
  }
}

/** Whatever a test did, leave the machine's PostgreSQL running for everybody else. */
async function ensurePostgresRunning(): Promise<void> {
  if (await postgresReady()) return;
  await runChecked("pg_ctlcluster", [...CLUSTER, "start"], { timeoutMs: 120_000 }).catch(() => {});
  for (let i = 0; i < 100 && !(await postgresReady()); i++) await sleep(100);
}

interface Server {
  how: string;
  db: Db;
  databaseUrl: string;
  schema?: string;
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A private server when we can make one, else a schema on the machine's cluster. */
async function openServer(): Promise<Server> {
  try {
    const server = await startPrivatePostgres();
    const db = await openDatabase({ databaseUrl: server.url });
    return {
      how: "private PostgreSQL 15",
      db,
      databaseUrl: server.url,
      restart: server.restart,
      close: async () => {
        await db.close().catch(() => {});
        await server.stop();
      },
    };
  } catch (error) {
    console.log(
      `[reliability] pg restart: no private server (${(error as Error).message}); using the machine's`,
    );
    const database = await openTestDatabase("postgres");
    return {
      how: "the machine's PostgreSQL (pg_ctlcluster)",
      db: database.db,
      databaseUrl: POSTGRES_URL,
      schema: database.schema,
      restart: async () => {
        await runChecked("pg_ctlcluster", [...CLUSTER, "restart"], { timeoutMs: 120_000 });
      },
      close: async () => {
        await ensurePostgresRunning();
        await database.close();
      },
    };
  }
}

describe("PostgreSQL restarted under load", { timeout: 180_000 }, () => {
  let server: Server | undefined;
  let region: RegionProcess | undefined;

  afterAll(async () => {
    await region?.stop();
    await server?.close();
  });

  test("the region answers 503 during the restart, recovers by itself, and no agent loses a sync", async () => {
    server = await openServer();
    const db = server.db;
    await createAdmin(db, { username: "admin", password: "restart-test-password" });
    const admin = parseApiKey(await getOrCreateApiKey(db, "admin"));
    // The region runs as its own process: a crash shows as an exit, not as a test-runner warning.
    const started = await spawnRegion({ databaseUrl: server.databaseUrl, schema: server.schema });
    region = started;
    const machines: DeployedMachine[] = [];
    for (let i = 0; i < AGENTS; i++) machines.push(await deployMachine(started.origin, admin));
    const payloads = [0, 1].map((variant) => canonicalJson(payloadFor(9000, variant)));

    let stop = false;
    const agentStats = { pushes: 0, retriedAttempts: 0, failed: 0, failures: [] as string[] };
    const lastAck = new Map<string, number>();
    // Each agent alternates two payloads, so every push is a real apply in a transaction.
    const agent = async (machine: DeployedMachine, index: number) => {
      let round = index;
      while (!stop) {
        const body = payloads[round++ % 2]!;
        const sent = Date.now();
        try {
          const outcome = await pushInventory({
            credentials: {
              ...machine.creds,
              endpoint: `${started.url}/metadata/status/x`,
              baseUrl: started.origin,
            },
            body,
            hash: contentHash(body),
            mode: "fast",
            budgetMs: 30_000,
            log: createMemoryLogger(),
            retry: { minDelayMs: 200, maxDelayMs: 2_000 },
          });
          agentStats.pushes += 1;
          agentStats.retriedAttempts += outcome.attempts - 1;
          lastAck.set(machine.systemId, sent);
        } catch (error) {
          agentStats.failed += 1;
          agentStats.failures.push((error as Error).message);
        }
        await sleep(100);
      }
    };
    // A probe without retries shows what the region answers at every moment of the restart.
    const probe = { statuses: {} as Record<string, number>, firstOkAfterRestart: Number.NaN, last: "" };
    let restartedAt = Number.POSITIVE_INFINITY;
    const prober = async () => {
      let variant = 0;
      while (!stop) {
        const payload = payloadFor(9000, variant++ % 2);
        let status: string;
        try {
          status = String((await signedPush(started.origin, machines[0]!.creds, payload)).status);
        } catch (error) {
          status = `network: ${(error as Error).message}`;
        }
        probe.statuses[status] = (probe.statuses[status] ?? 0) + 1;
        probe.last = status;
        if (status === "200" && Number.isNaN(probe.firstOkAfterRestart) && Date.now() > restartedAt) {
          probe.firstOkAfterRestart = Date.now() - restartedAt;
        }
        await sleep(20);
      }
    };

    const workers = [...machines.map(agent), prober()];
    let restartMs = 0;
    try {
      await sleep(2_000);
      const began = Date.now();
      await server.restart();
      restartedAt = Date.now();
      restartMs = restartedAt - began;
      await sleep(AFTER_RESTART_MS);
    } finally {
      stop = true;
      if (server.how.includes("machine")) await ensurePostgresRunning();
      await Promise.all(workers);
    }

    // Every machine's last_sync covers its last acknowledged push: nothing acknowledged was lost.
    const { rows } = await db.query<{ system_id: string; last_sync: Date | null }>(
      "SELECT system_id, last_sync FROM machines WHERE system_id = ANY($1::text[])",
      [machines.map((m) => m.systemId)],
    );
    const lost = rows.filter(
      (row) => !row.last_sync || row.last_sync.getTime() < (lastAck.get(row.system_id) ?? Infinity) - 1000,
    );
    report("pg restart", {
      server: server.how,
      agents: AGENTS,
      regionAliveSamePid: started.child.exitCode === null && started.child.signalCode === null,
      restartMs,
      recoveredAfterMs: probe.firstOkAfterRestart,
      probeStatuses: probe.statuses,
      pushes: agentStats.pushes,
      retriedAttempts: agentStats.retriedAttempts,
      failed: agentStats.failed,
      lost: lost.length,
      long: LONG,
    });
    expect(started.child.exitCode).toBeNull();
    expect(started.child.signalCode).toBeNull();
    expect(agentStats.failures).toEqual([]);
    expect(Object.keys(probe.statuses).filter((status) => status !== "200" && status !== "503")).toEqual([]);
    expect(probe.firstOkAfterRestart).not.toBeNaN();
    expect(probe.last).toBe("200");
    expect(lost).toEqual([]);
    expect(lastAck.size).toBe(AGENTS);
    expect(started.output()).not.toMatch(/internal error|unexpected error/);
    expect((await call(started.origin, "/MAAS/api/2.0/machines/", { creds: admin })).status).toBe(200);
  });
});
