// Hardware-sync throughput over real HTTP on 127.0.0.1. With PostgreSQL the region runs in a
// child process (its own event loop, as in production); the load generator shares the machine's
// CPUs with it and with PostgreSQL, so the numbers are a floor. Run from the repo root:
//   node_modules/.bin/node --conditions=@hwsync/source packages/region/test/sync/bench-sync.ts \
//     [--engine postgres|pglite] [--machines 200] [--concurrency 32] [--seconds 10]
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import {
  type ApiCredentials,
  buildAuthorizationHeader,
  CONTENT_HASH_HEADER,
  contentHash,
  HARDWARE_SYNC_PATH,
  parseApiKey,
} from "@hwsync/shared";
import { Pool } from "undici";
import { systemClock } from "../../src/clock.ts";
import { startRegion } from "../../src/server.ts";
import { createUser, getOrCreateApiKey } from "../../src/services/users.ts";
import { agentBytes, changedX86, fixture } from "./fixtures.ts";
import { DATABASE_URL, deployedMachine, type Engine, openSyncDb, type SyncRegion } from "./region.ts";

const { values } = parseArgs({
  options: {
    engine: { type: "string", default: "postgres" },
    machines: { type: "string", default: "200" },
    concurrency: { type: "string", default: "32" },
    seconds: { type: "string", default: "10" },
    serve: { type: "string" },
  },
});

// Child mode: serve a region over the given PostgreSQL schema and print its origin.
if (values.serve) {
  const region = await startRegion({ databaseUrl: DATABASE_URL, schema: values.serve, clock: systemClock });
  process.stdout.write(`${region.origin}\n`);
  process.on("SIGTERM", () => {
    region.close().finally(() => process.exit(0));
  });
  await new Promise(() => {});
}

async function serveInChild(schema: string): Promise<{ origin: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [...process.execArgv, import.meta.filename, "--serve", schema], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const origin = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`region exited with ${code}`)));
  });
  return {
    origin,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
const engine = values.engine as Engine;
const machineCount = Number(values.machines);
const concurrency = Number(values.concurrency);
const seconds = Number(values.seconds);

interface Body {
  bytes: Buffer;
  hash: string;
}
function body(document: unknown): Body {
  const raw = agentBytes(document);
  return { bytes: gzipSync(raw), hash: contentHash(raw) };
}

async function main(): Promise<void> {
  const testDb = await openSyncDb(engine);
  const child = engine === "postgres" ? await serveInChild(testDb.schema!) : null;
  const region = child
    ? ({ origin: child.origin, close: child.stop } as unknown as Awaited<ReturnType<typeof startRegion>>)
    : await startRegion({ db: testDb.db, clock: systemClock });
  const adminName = `bench_${process.pid}`;
  await createUser(testDb.db, { username: adminName, password: "bench-password", isSuperuser: true });
  const t: SyncRegion = {
    region,
    db: testDb.db,
    clock: { now: () => new Date(), set() {}, advance() {} },
    admin: parseApiKey(await getOrCreateApiKey(testDb.db, adminName)),
    adminName,
    close: () => region.close(),
  };
  const pool = new Pool(region.origin, { connections: concurrency, pipelining: 1 });
  try {
    const machines: ApiCredentials[] = [];
    for (let i = 0; i < machineCount; i++) machines.push((await deployedMachine(t)).creds);
    const bodies = [body(fixture()), body(changedX86())];

    async function send(creds: ApiCredentials, payload: Body): Promise<{ changed: boolean }> {
      const response = await pool.request({
        method: "POST",
        path: HARDWARE_SYNC_PATH,
        headers: {
          authorization: buildAuthorizationHeader(creds),
          "content-type": "application/json",
          "content-encoding": "gzip",
          [CONTENT_HASH_HEADER]: payload.hash,
        },
        body: payload.bytes,
      });
      const text = await response.body.text();
      if (response.statusCode !== 200) throw new Error(`push: ${response.statusCode} ${text}`);
      return JSON.parse(text) as { changed: boolean };
    }

    // Every machine starts with the first payload stored.
    await Promise.all(machines.map((creds) => send(creds, bodies[0]!)));

    async function phase(
      name: string,
      pick: (machine: number, round: number) => Body,
      expectChanged: boolean,
    ) {
      const rounds = new Array<number>(machines.length).fill(0);
      const latencies: number[] = [];
      let next = 0;
      let wrong = 0;
      const end = performance.now() + seconds * 1000;
      // A machine is never in flight twice, so every "changed" push really changes something.
      const busy = new Set<number>();
      async function worker(): Promise<void> {
        while (performance.now() < end) {
          let machine = next++ % machines.length;
          while (busy.has(machine)) machine = next++ % machines.length;
          busy.add(machine);
          const round = ++rounds[machine]!;
          const started = performance.now();
          const result = await send(machines[machine]!, pick(machine, round));
          latencies.push(performance.now() - started);
          if (result.changed !== expectChanged) wrong++;
          busy.delete(machine);
        }
      }
      const started = performance.now();
      await Promise.all(Array.from({ length: concurrency }, worker));
      const elapsed = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      const at = (q: number) =>
        latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
      console.log(
        `${name}: ${(latencies.length / elapsed).toFixed(0)} syncs/s (${latencies.length} in ${elapsed.toFixed(1)} s), ` +
          `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, unexpected results ${wrong}`,
      );
    }

    console.log(
      `engine ${engine}, ${machineCount} machines, concurrency ${concurrency}, ${seconds} s per phase`,
    );
    // Unchanged: each machine re-sends what is stored (the body is never inflated or parsed).
    await phase("unchanged", () => bodies[0]!, false);
    // Changed: each push alternates a machine between the two payloads (3 changes each time).
    await phase("changed", (_machine, round) => bodies[round % 2]!, true);
    const { rows } = await testDb.db.query<{ n: number }>("SELECT count(*)::int AS n FROM hardware_syncs");
    console.log(`hardware_syncs rows: ${rows[0]!.n}`);
  } finally {
    await pool.close();
    await region.close();
    await testDb.cleanup();
  }
}

await main();
