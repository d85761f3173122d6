import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ApiCredentials, buildAuthorizationHeader } from "@hwsync/shared";
import pg from "pg";
import { request } from "undici";
import { seedFleet } from "./lib/fleet.ts";
import { loadAverage, measure } from "./lib/proc.ts";
import { benchDatabase, POSTGRES_URL, type RegionProcess, ROOT, startRegionProcess } from "./lib/region.ts";
import { mb, ms, newSection, type SectionResult } from "./lib/report.ts";
import { median } from "./lib/stats.ts";

// Section 4: a big fleet. 10,000 and 100,000 synced machines seeded straight into PostgreSQL;
// the region's memory, `machines read` (REST and CLI) and the fleet view (`sync_unhealthy`),
// whose filter is an indexed range on sync_deadline (a trigger keeps it, migration 001).

const CLI = join(ROOT, "packages/cli/bin/maas.js");
/** Share of machines made overdue for the fleet view: a bad day. */
const UNHEALTHY_PERCENT = 2;

export interface ScaleOptions {
  smoke: boolean;
  /** Fleet sizes (default 10,000 and 100,000; smoke: 200). */
  sizes?: number[];
  log: (line: string) => void;
}

interface Timed {
  status: number;
  ms: number;
  bytes: number;
  rows: number;
}

/**
 * A signed GET, its body streamed and counted rather than kept: 100,000 machines are gigabytes.
 * Machines are counted by their top-level resource_uri (devices carry /nodes/… ones).
 */
async function timedGet(region: RegionProcess, path: string, creds: ApiCredentials): Promise<Timed> {
  const started = performance.now();
  const response = await request(`${region.origin}${path}`, {
    headers: { authorization: buildAuthorizationHeader(creds) },
    headersTimeout: 900_000,
    bodyTimeout: 900_000,
  });
  const needle = Buffer.from('"resource_uri": "/MAAS/api/2.0/machines/');
  let bytes = 0;
  let rows = 0;
  let tail = Buffer.alloc(0);
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    const window = Buffer.concat([tail, chunk]);
    for (let at = window.indexOf(needle); at >= 0; at = window.indexOf(needle, at + 1)) rows++;
    tail = window.subarray(Math.max(0, window.length - needle.length + 1));
  }
  return { status: response.statusCode, ms: performance.now() - started, bytes, rows };
}

/** The fleet view's query plan, as PostgreSQL runs it (same WHERE as db/machines.ts listMachines). */
async function explainUnhealthy(schema: string): Promise<{ plan: string; ms: number }> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    const { rows } = await client.query(
      `EXPLAIN (ANALYZE, FORMAT JSON)
       SELECT m.id FROM machines m LEFT JOIN users u ON u.id = m.owner_id
        WHERE m.enable_hw_sync AND (m.sync_deadline IS NULL OR m.sync_deadline < now()) ORDER BY m.id`,
    );
    const root = rows[0]["QUERY PLAN"][0];
    const nodes: string[] = [];
    const walk = (node: { "Node Type": string; "Index Name"?: string; Plans?: unknown[] }) => {
      nodes.push(node["Index Name"] ? `${node["Node Type"]} on ${node["Index Name"]}` : node["Node Type"]);
      for (const child of node.Plans ?? []) walk(child as typeof node);
    };
    walk(root.Plan);
    return { plan: nodes.join(" → "), ms: root["Execution Time"] };
  } finally {
    await client.end();
  }
}

/** One CLI run; a failure (e.g. a body too big for one string) is a finding, not a crash. */
async function cliRun(
  env: NodeJS.ProcessEnv,
  args: string[],
): Promise<{ wallMs: number; shown: string; rss: string; failure?: string }> {
  try {
    const sample = await measure({ command: process.execPath, args: [CLI, ...args], env });
    return {
      wallMs: sample.wallMs,
      shown: ms(sample.wallMs),
      rss: `CLI ${sample.peakRssMiB.toFixed(0)} MiB`,
    };
  } catch (error) {
    const message = (error as Error).message;
    const reason =
      /Cannot create a string longer[^\n]*|heap out of memory|exited \d+/.exec(message)?.[0] ?? "failed";
    return { wallMs: Number.NaN, shown: "failed", rss: "", failure: reason };
  }
}

export async function scaleSection(options: ScaleOptions): Promise<SectionResult> {
  const result = newSection("Scale");
  const sizes = options.sizes ?? (options.smoke ? [200] : [10_000, 100_000]);
  const rows: Array<Array<string | number>> = [];
  const plans: Array<Array<string | number>> = [];
  const failures: string[] = [];
  for (const size of sizes) {
    const database = benchDatabase("postgres");
    const configDir = mkdtempSync(join(tmpdir(), "hwsync-bench-scale-"));
    let region: RegionProcess | undefined;
    try {
      const seedStarted = performance.now();
      const fleet = await seedFleet(database, size);
      const db = await database.open();
      await db.query(
        `UPDATE machines SET last_sync = now() - CASE WHEN id % 100 < ${UNHEALTHY_PERCENT} THEN interval '3 hours' ELSE interval '5 minutes' END`,
      );
      await db.query("ANALYZE machines");
      await db.close();
      const seedSeconds = (performance.now() - seedStarted) / 1000;
      options.log(`scale: ${size} machines seeded in ${seedSeconds.toFixed(0)} s (load ${loadAverage()})`);
      region = await startRegionProcess(database, { env: { NODE_OPTIONS: "" } });
      const idle = region.memory();
      const repeats = options.smoke ? 1 : size > 20_000 ? 1 : 3;
      const list: Timed[] = [];
      for (let i = 0; i < repeats; i++)
        list.push(await timedGet(region, "/MAAS/api/2.0/machines/", fleet.admin.creds));
      const afterList = region.memory();
      const unhealthy: Timed[] = [];
      for (let i = 0; i < 5; i++) {
        unhealthy.push(
          await timedGet(region, "/MAAS/api/2.0/machines/?sync_unhealthy=true", fleet.admin.creds),
        );
      }
      const env = { ...process.env, MAAS_HWSYNC_CONFIG_DIR: configDir, NO_COLOR: "1" };
      await measure({
        command: process.execPath,
        args: [CLI, "login", "bench", region.url, fleet.admin.apiKey],
        env,
      });
      const cliList = await cliRun(env, ["bench", "machines", "read"]);
      const cliUnhealthy = await cliRun(env, ["bench", "machines", "list", "--sync-unhealthy"]);
      const explained = await explainUnhealthy(database.flags[3]!);
      const failed = [...list, ...unhealthy].find((answer) => answer.status !== 200);
      if (failed) throw new Error(`machines read answered ${failed.status}`);
      rows.push(
        [
          `${size.toLocaleString("en")} machines: GET machines/`,
          ms(median(list.map((answer) => answer.ms))),
          mb(list[0]!.bytes),
          list[0]!.rows,
          `${idle.rssMiB.toFixed(0)} → ${afterList.rssMiB.toFixed(0)} MiB (peak ${afterList.peakMiB.toFixed(0)})`,
        ],
        [
          `${size.toLocaleString("en")} machines: GET machines/?sync_unhealthy=true`,
          ms(median(unhealthy.map((answer) => answer.ms))),
          mb(unhealthy[0]!.bytes),
          unhealthy[0]!.rows,
          "",
        ],
        [
          `${size.toLocaleString("en")} machines: maas bench machines read`,
          cliList.shown,
          "",
          "",
          cliList.rss,
        ],
        [
          `${size.toLocaleString("en")} machines: maas bench machines list --sync-unhealthy`,
          cliUnhealthy.shown,
          "",
          "",
          cliUnhealthy.rss,
        ],
      );
      plans.push([size.toLocaleString("en"), explained.plan, ms(explained.ms)]);
      result.data[`fleet-${size}`] = {
        seedSeconds,
        idle,
        afterList,
        list,
        unhealthy,
        cliList,
        cliUnhealthy,
        explained,
      };
      for (const [what, run] of [
        ["machines read", cliList],
        ["machines list --sync-unhealthy", cliUnhealthy],
      ] as const) {
        if (run.failure)
          result.notes.push(`${size.toLocaleString("en")} machines: \`maas ${what}\` failed: ${run.failure}`);
      }
    } catch (error) {
      // One size failing (e.g. PostgreSQL restarted under us) keeps the other sizes' figures.
      failures.push(`${size.toLocaleString("en")} machines: ${(error as Error).message}`);
      result.notes.push(`${size.toLocaleString("en")} machines: FAILED: ${(error as Error).message}`);
      options.log(`scale: ${size} machines failed: ${(error as Error).stack}`);
    } finally {
      await region?.stop();
      await database.drop().catch(() => {});
      rmSync(configDir, { recursive: true, force: true });
    }
  }
  if (failures.length === sizes.length) throw new Error(failures.join("; "));
  result.tables.push(
    {
      title: `Fleet reads, ${UNHEALTHY_PERCENT} % of machines overdue (median of 3 list requests, 1 at 100,000; 5 fleet-view requests; CLI: one run)`,
      columns: ["request", "time", "body", "machines", "region RSS / CLI peak RSS"],
      rows,
    },
    {
      title: "Fleet view query plan (EXPLAIN ANALYZE)",
      columns: ["machines", "plan", "execution"],
      rows: plans,
    },
  );
  return result;
}
