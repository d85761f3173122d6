import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import {
  type ApiCredentials,
  buildAuthorizationHeader,
  CONTENT_HASH_HEADER,
  contentHash,
  HARDWARE_SYNC_PATH,
  parseApiKey,
} from "@hwsync/shared";
import { type FakeClock, fakeClock } from "../../src/clock.ts";
import { type Db, dropSchema, openDatabase } from "../../src/db/db.ts";
import { type RunningRegion, type StartRegionOptions, startRegion } from "../../src/server.ts";
import { createUser, getOrCreateApiKey } from "../../src/services/users.ts";
import { agentBytes } from "./fixtures.ts";

// Test harness for the sync suites: a real region on 127.0.0.1:0 over PGlite or PostgreSQL,
// driven over HTTP with signed requests, plus a snapshot of everything a sync may write.

export const DATABASE_URL = process.env.HWSYNC_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export type Engine = "pglite" | "postgres";
export const ENGINES: Engine[] = ["pglite", "postgres"];

export interface TestDb {
  db: Db;
  /** PostgreSQL: the schema this test database lives in. */
  schema?: string;
  cleanup(): Promise<void>;
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
}

export async function openSyncDb(engine: Engine): Promise<TestDb> {
  if (engine === "pglite") {
    const db = await openDatabase({ dataDir: "memory://" });
    return { db, cleanup: () => db.close() };
  }
  const schema = uniqueName("hwsync_sync");
  const db = await openDatabase({ databaseUrl: DATABASE_URL, schema });
  return {
    db,
    schema,
    cleanup: async () => {
      await db.close();
      await dropSchema(DATABASE_URL, schema);
    },
  };
}

export interface SyncRegion {
  region: RunningRegion;
  db: Db;
  clock: FakeClock;
  admin: ApiCredentials;
  adminName: string;
  close(): Promise<void>;
}

export async function startSyncRegion(
  testDb: TestDb,
  options: Omit<StartRegionOptions, "db" | "clock"> = {},
): Promise<SyncRegion> {
  const clock = fakeClock(new Date());
  const region = await startRegion({ ...options, db: testDb.db, clock });
  const adminName = uniqueName("admin");
  await createUser(testDb.db, { username: adminName, password: "admin-password", isSuperuser: true });
  const admin = parseApiKey(await getOrCreateApiKey(testDb.db, adminName));
  return { region, db: testDb.db, clock, admin, adminName, close: () => region.close() };
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: Buffer;
  json<T = any>(): T;
}

export interface CallOptions {
  method?: string;
  path: string;
  creds?: ApiCredentials | null;
  form?: Record<string, string>;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
}

export async function call(t: SyncRegion, options: CallOptions): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.creds) headers.authorization = buildAuthorizationHeader(options.creds);
  let body = options.body;
  if (options.form) {
    body = new URLSearchParams(options.form).toString();
    headers["content-type"] = "application/x-www-form-urlencoded";
  }
  const response = await fetch(`${t.region.origin}${options.path}`, {
    method: options.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    // A copy typed over a plain ArrayBuffer, which is what fetch's BodyInit accepts.
    body: typeof body === "string" || body === undefined ? body : new Uint8Array(body),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = bytes.toString("utf8");
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: bytes,
    json: () => JSON.parse(text),
  };
}

let macCounter = randomBytes(2).readUInt16BE() * 256;
function uniqueMac(): string {
  macCounter++;
  const bytes = [
    0x52,
    0x54,
    (process.pid >> 8) & 0xff,
    process.pid & 0xff,
    (macCounter >> 8) & 0xff,
    macCounter & 0xff,
  ];
  return bytes.map((byte) => byte.toString(16).padStart(2, "0")).join(":");
}

export interface TestMachine {
  systemId: string;
  machineId: number;
  hostname: string;
  creds: ApiCredentials;
}

/** A machine created and deployed through the REST API, with its metadata token. */
export async function deployedMachine(
  t: SyncRegion,
  options: { syncInterval?: string; enableHwSync?: boolean } = {},
): Promise<TestMachine> {
  const hostname = uniqueName("node").replace(/_/g, "-");
  const created = await call(t, {
    path: "/MAAS/api/2.0/machines/",
    creds: t.admin,
    form: { hostname, architecture: "amd64/generic", mac_addresses: uniqueMac() },
  });
  if (created.status !== 200) throw new Error(`create: ${created.status} ${created.text}`);
  const systemId = created.json().system_id as string;
  const deploy: Record<string, string> = { enable_hw_sync: String(options.enableHwSync ?? true) };
  if (options.syncInterval) deploy.sync_interval = options.syncInterval;
  const deployed = await call(t, {
    path: `/MAAS/api/2.0/machines/${systemId}/?op=deploy`,
    creds: t.admin,
    form: deploy,
  });
  if (deployed.status !== 200) throw new Error(`deploy: ${deployed.status} ${deployed.text}`);
  const token = await call(t, { path: `/MAAS/api/2.0/machines/${systemId}/?op=get_token`, creds: t.admin });
  const { rows } = await t.db.query<{ id: number }>("SELECT id FROM machines WHERE system_id = $1", [
    systemId,
  ]);
  const triple = token.json();
  return {
    systemId,
    machineId: rows[0]!.id,
    hostname,
    creds: {
      consumerKey: triple.consumer_key,
      tokenKey: triple.token_key,
      tokenSecret: triple.token_secret,
      consumerSecret: "",
    },
  };
}

export interface PushOptions {
  gzip?: boolean;
  /** The declared hash; false sends none; default the hash of the bytes. */
  hash?: string | false;
  headers?: Record<string, string>;
  query?: string;
}

/** Our fast path, as the agent sends it: canonical JSON, optional gzip, content-hash header. */
export function push(
  t: SyncRegion,
  creds: ApiCredentials | null,
  document: unknown,
  options: PushOptions = {},
): Promise<Reply> {
  const bytes = Buffer.isBuffer(document) ? document : agentBytes(document);
  const headers: Record<string, string> = { "content-type": "application/json", ...options.headers };
  if (options.hash !== false) headers[CONTENT_HASH_HEADER] = options.hash ?? contentHash(bytes);
  let body: Uint8Array = bytes;
  if (options.gzip ?? true) {
    body = gzipSync(bytes);
    headers["content-encoding"] = "gzip";
  }
  return call(t, { path: `${HARDWARE_SYNC_PATH}${options.query ?? ""}`, creds, body, headers });
}

/** Everything a sync may write for one machine, for "nothing else changed" assertions. */
export async function snapshot(db: Db, machineId: number): Promise<Record<string, unknown>> {
  const one = async (sql: string) => (await db.query(sql, [machineId])).rows;
  const [machine] = await one(
    `SELECT status, enable_hw_sync, sync_interval, last_sync, hardware_hash, cpu_count, cpu_model, cpu_speed,
            memory, architecture, osystem, distro_series, hardware_uuid, system_info, power_type
       FROM machines WHERE id = $1`,
  );
  return {
    machine,
    blockDevices: await one("SELECT * FROM block_devices WHERE machine_id = $1 ORDER BY id"),
    interfaces: await one("SELECT * FROM interfaces WHERE machine_id = $1 ORDER BY id"),
    pciDevices: await one("SELECT * FROM pci_devices WHERE machine_id = $1 ORDER BY id"),
    usbDevices: await one("SELECT * FROM usb_devices WHERE machine_id = $1 ORDER BY id"),
    history: await one("SELECT id FROM hardware_syncs WHERE machine_id = $1 ORDER BY id"),
    events: await one("SELECT id, type, description FROM events WHERE machine_id = $1 ORDER BY id"),
    tags: await one("SELECT tag_id FROM machine_tags WHERE machine_id = $1 ORDER BY tag_id"),
  };
}

/** The snapshot minus the heartbeat column. */
export function withoutLastSync(snap: Record<string, unknown>): Record<string, unknown> {
  const { last_sync: _ignored, ...machine } = snap.machine as Record<string, unknown>;
  return { ...snap, machine };
}
