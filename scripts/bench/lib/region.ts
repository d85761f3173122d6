import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createAdmin, type Db, dropSchema, getOrCreateApiKey, openDatabase } from "@hwsync/region";
import { type ApiCredentials, parseApiKey } from "@hwsync/shared";
import { startWhenReady } from "@hwsync/testkit/process";
import pg from "pg";
import { processMemory } from "./proc.ts";

// Regions for the benchmarks: the BUILT `maas-region` (what ships) in child processes of their
// own, over PostgreSQL (a schema per run, dropped afterwards) or a PGlite directory. Fleets are
// seeded straight into the database: thousands of machines through the API would take minutes.

export const ROOT = resolve(import.meta.dirname, "../../..");
export const REGION_BIN = join(ROOT, "packages/region/bin/maas-region.js");
export const POSTGRES_URL =
  process.env.HWSYNC_BENCH_DATABASE_URL ??
  process.env.HWSYNC_TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";

export type Engine = "postgres" | "pglite";

/** Where a region's data lives; opened by the bench to seed, then by region processes. */
export interface BenchDatabase {
  engine: Engine;
  /** Flags for `maas-region start`. */
  flags: string[];
  /** Opens the database in this process (PGlite: only while no region process runs). */
  open(): Promise<Db>;
  drop(): Promise<void>;
}

export function benchDatabase(engine: Engine): BenchDatabase {
  if (engine === "postgres") {
    const schema = `bench_${process.pid}_${randomBytes(3).toString("hex")}`;
    return {
      engine,
      flags: ["--database-url", POSTGRES_URL, "--database-schema", schema],
      // Pool sized like a region's, so bulk seeding runs in parallel where it can.
      open: () => openDatabase({ databaseUrl: POSTGRES_URL, schema }),
      drop: () => dropSchema(POSTGRES_URL, schema),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "hwsync-bench-pglite-"));
  return {
    engine,
    flags: ["--data-dir", dir],
    open: () => openDatabase({ dataDir: dir }),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

let regionCounter = 0;

export interface RegionProcess {
  /** application_name of its PostgreSQL connections. */
  appName: string;
  /** `http://127.0.0.1:<port>/MAAS` */
  url: string;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  pid: number;
  child: ChildProcess;
  memory(): { rssMiB: number; peakMiB: number };
  stop(): Promise<void>;
}

/** `maas-region start --port 0` in a child process; resolves once it listens. */
export async function startRegionProcess(
  db: BenchDatabase,
  options: { nodeArgs?: string[]; agentDir?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RegionProcess> {
  // node-postgres reads PGAPPNAME: the region's backends can then be found (and their CPU
  // counted) among those of everyone else using the same server.
  const appName = `hwsync-bench-${process.pid}-${regionCounter++}`;
  const args = [
    ...(options.nodeArgs ?? []),
    REGION_BIN,
    "start",
    "--host",
    "127.0.0.1",
    "--port",
    "0",
    ...db.flags,
    ...(options.agentDir ? ["--agent-dir", options.agentDir] : []),
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, PGAPPNAME: appName, ...options.env };
  for (const name of ["DATABASE_URL", "MAAS_REGION_LOG", "MAAS_ADMIN_USERNAME", "MAAS_ADMIN_PASSWORD"]) {
    if (!options.env?.[name]) delete env[name];
  }
  const { process: region, match } = await startWhenReady(
    process.execPath,
    args,
    /listening on (http:\/\/\S+\/MAAS)/,
    // A region on a big PGlite fleet takes a while to open its database.
    { env, readyTimeoutMs: 300_000 },
  );
  const url = match[1]!;
  return {
    appName,
    url,
    origin: new URL(url).origin,
    pid: region.pid,
    child: region.child,
    memory: () => processMemory(region.pid),
    async stop() {
      // Generous: a region started with --cpu-prof writes its profile on the way out.
      await region.stop(60_000);
    },
  };
}

export interface SeededAdmin {
  username: string;
  apiKey: string;
  creds: ApiCredentials;
}

export async function seedAdmin(db: Db, username = "bench"): Promise<SeededAdmin> {
  await createAdmin(db, { username, password: "bench-password", email: `${username}@example.com` });
  const apiKey = await getOrCreateApiKey(db, username);
  return { username, apiKey, creds: parseApiKey(apiKey) };
}

export interface SeededMachine {
  id: number;
  systemId: string;
  creds: ApiCredentials;
}

/**
 * `count` machines Deployed with hardware sync on (interval 15 min), owned by the admin, each with
 * its metadata token: what a deploy with enable_hw_sync=true leaves behind. System ids are
 * `b` + 5 hex digits, so a million fit.
 */
export async function seedDeployedMachines(
  db: Db,
  ownerUsername: string,
  count: number,
  options: { prefix?: string } = {},
): Promise<SeededMachine[]> {
  const prefix = options.prefix ?? "b";
  const offset = Number(
    (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM machines")).rows[0]!.n,
  );
  await db.query(
    `INSERT INTO machines (system_id, hostname, status, architecture, osystem, distro_series, owner_id,
                           enable_hw_sync, sync_interval, power_type, status_message)
     SELECT $1 || lpad(to_hex(i), 5, '0'), 'bench-' || i, 6, 'amd64/generic', 'ubuntu', 'noble',
            (SELECT id FROM users WHERE username = $2), true, 900, 'manual', 'Deployed'
       FROM generate_series($3::int + 1, $3::int + $4::int) AS i`,
    [prefix, ownerUsername, offset, count],
  );
  await db.query(
    `INSERT INTO api_tokens (kind, consumer_key, token_key, token_secret, machine_id)
     SELECT 'machine', 'BC' || lpad(m.id::text, 16, '0'), 'BT' || lpad(m.id::text, 16, '0'), md5('bench' || m.id), m.id
       FROM machines m
      WHERE m.id > $1 AND NOT EXISTS (SELECT 1 FROM api_tokens t WHERE t.machine_id = m.id)`,
    [offset],
  );
  const { rows } = await db.query<{ id: number; systemId: string; ck: string; tk: string; ts: string }>(
    `SELECT m.id, m.system_id AS "systemId", t.consumer_key AS ck, t.token_key AS tk, t.token_secret AS ts
       FROM machines m JOIN api_tokens t ON t.machine_id = m.id WHERE m.id > $1 ORDER BY m.id`,
    [offset],
  );
  return rows.map((row) => ({
    id: row.id,
    systemId: row.systemId,
    creds: { consumerKey: row.ck, tokenKey: row.tk, tokenSecret: row.ts, consumerSecret: "" },
  }));
}

/**
 * Copies the hardware of `templates` (machines that synced for real) onto every other machine
 * in `[firstId, lastId]`, round-robin, with the same hash: the fleet then looks synced.
 */
export async function cloneHardware(
  db: Db,
  templateIds: number[],
  firstId: number,
  lastId: number,
): Promise<void> {
  const pick = `(ARRAY[${templateIds.map(Number).join(",")}])[1 + (m.id % ${templateIds.length})]`;
  const machines = `SELECT m.id, ${pick} AS template FROM machines m WHERE m.id BETWEEN ${Number(firstId)} AND ${Number(lastId)} AND m.id <> ALL(ARRAY[${templateIds.map(Number).join(",")}])`;
  const copy = async (table: string, columns: string) => {
    await db.query(
      `INSERT INTO ${table} (machine_id, ${columns})
       SELECT c.id, ${columns
         .split(", ")
         .map((column) => `d.${column}`)
         .join(", ")}
         FROM (${machines}) c JOIN ${table} d ON d.machine_id = c.template`,
    );
  };
  await copy(
    "block_devices",
    "name, identity, serial, model, id_path, size, block_size, type, rpm, firmware_version, numa_node, tags, is_virtual, details",
  );
  await copy(
    "interfaces",
    "name, mac_address, type, is_virtual, parents, sriov_pf, vendor, product, driver, pci_address, link_speed, interface_speed, link_connected, sriov_max_vf, numa_node, tags, details",
  );
  await copy(
    "pci_devices",
    "pci_address, vendor_id, product_id, vendor, product, driver, numa_node, iommu_group, hardware_type, is_virtual, details",
  );
  await copy(
    "usb_devices",
    "bus_address, device_address, vendor_id, product_id, vendor, product, driver, speed, details",
  );
  await db.query(
    `UPDATE machines m SET hardware_hash = t.hardware_hash, last_sync = t.last_sync, cpu_count = t.cpu_count,
            cpu_model = t.cpu_model, cpu_speed = t.cpu_speed, memory = t.memory, system_info = t.system_info
       FROM (${machines}) c JOIN machines t ON t.id = c.template
      WHERE m.id = c.id`,
  );
}

/** PIDs of the PostgreSQL backends serving these application names (same host only). */
export async function postgresBackendPids(appNames: string[]): Promise<number[]> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE application_name = ANY($1::text[])",
      [appNames],
    );
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}
