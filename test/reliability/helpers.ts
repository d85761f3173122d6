// Shared by the reliability suite: scale (CI vs long mode), figures, a real region in-process or
// as a child process, signed requests, deployed machines and a whole-database fingerprint.
import type { ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Db } from "@hwsync/region";
import { type ApiCredentials, HARDWARE_SYNC_PATH, parseApiKey } from "@hwsync/shared";
import { BUILT, fixture, REPO_ROOT, raw, runChecked, startWhenReady, uniqueMac } from "@hwsync/testkit";

/** `HWSYNC_RELIABILITY=long` runs every test longer and with more cases (local runs). */
export const LONG = process.env.HWSYNC_RELIABILITY === "long";

export function scaled(ci: number, long: number): number {
  return LONG ? long : ci;
}

/** One line per figure, easy to grep out of the vitest output and quote. */
export function report(test: string, figures: Record<string, unknown>): void {
  const text = Object.entries(figures)
    .map(([name, value]) => `${name}=${typeof value === "object" ? JSON.stringify(value) : value}`)
    .join(" ");
  console.log(`[reliability] ${test}: ${text}`);
}

/** The built agent and CLI, or a message saying how to build them. */
export function requireBuilt(...which: Array<keyof typeof BUILT>): void {
  for (const name of which) {
    if (!existsSync(BUILT[name])) {
      throw new Error(
        `${BUILT[name]} is missing: build first with \`node_modules/.bin/node scripts/build.ts\``,
      );
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

// ---------------------------------------------------------------------------------------------
// HTTP

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json<T = any>(): T;
}

export interface CallOptions {
  method?: string;
  creds?: ApiCredentials | null;
  form?: Record<string, string>;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
}

/** One request to `origin + path` over real HTTP; never throws for a status. */
export function call(origin: string, path: string, options: CallOptions = {}): Promise<Reply> {
  return raw(
    { origin },
    {
      path,
      method: options.method,
      key: options.creds,
      form: options.form,
      body: options.body,
      headers: options.headers,
    },
  );
}

export function credsOf(triple: { consumer_key: string; token_key: string; token_secret: string }) {
  return parseApiKey(`${triple.consumer_key}:${triple.token_key}:${triple.token_secret}`);
}

export interface DeployedMachine {
  systemId: string;
  hostname: string;
  creds: ApiCredentials;
}

/** Creates a machine through the REST API, deploys it with hardware sync and reads its token. */
export async function deployMachine(
  origin: string,
  admin: ApiCredentials,
  options: { enableHwSync?: boolean; deployer?: ApiCredentials } = {},
): Promise<DeployedMachine> {
  const hostname = `rel-${process.pid}-${uniqueMac().replaceAll(":", "")}`;
  const created = await call(origin, "/MAAS/api/2.0/machines/", {
    creds: admin,
    form: { hostname, architecture: "amd64/generic", mac_addresses: uniqueMac() },
  });
  if (created.status !== 200) throw new Error(`create: ${created.status} ${created.text}`);
  const systemId = created.json().system_id as string;
  const deployed = await call(origin, `/MAAS/api/2.0/machines/${systemId}/?op=deploy`, {
    creds: options.deployer ?? admin,
    form: { enable_hw_sync: String(options.enableHwSync ?? true) },
  });
  if (deployed.status !== 200) throw new Error(`deploy: ${deployed.status} ${deployed.text}`);
  return { systemId, hostname, creds: await machineCreds(origin, admin, systemId) };
}

export async function machineCreds(
  origin: string,
  admin: ApiCredentials,
  systemId: string,
): Promise<ApiCredentials> {
  const token = await call(origin, `/MAAS/api/2.0/machines/${systemId}/?op=get_token`, { creds: admin });
  if (token.status !== 200 || token.text.trim() === "null") throw new Error(`get_token: ${token.text}`);
  return credsOf(token.json());
}

// ---------------------------------------------------------------------------------------------
// Payloads

/** The x86 fixture with its machine-unique fields (MACs, serials, UUID) derived from `seed`. */
export function payloadFor(seed: number, variant = 0): Record<string, any> {
  const doc: Record<string, any> = fixture("machine-resources-x86.json");
  const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
  let port = 0;
  for (const card of doc.resources.network.cards ?? []) {
    for (const p of card.ports ?? []) {
      const mac = `02:${hex((seed >> 16) & 0xff, 2)}:${hex((seed >> 8) & 0xff, 2)}:${hex(seed & 0xff, 2)}:00:${hex(port++, 2)}`;
      const old = p.address;
      p.address = mac;
      for (const net of Object.values(doc.networks ?? {}) as Array<{ hwaddr?: string }>) {
        if (net.hwaddr === old) net.hwaddr = mac;
      }
    }
  }
  if (doc.resources.system) doc.resources.system.uuid = `00000000-0000-4000-8000-${hex(seed, 12)}`;
  // The variant plugs in 0..n USB sticks: a real, small hardware change between pushes.
  for (let i = 0; i < variant; i++) {
    doc.resources.usb.devices.push({
      bus_address: 9,
      device_address: 10 + i,
      interfaces: [{ class: "Mass Storage", class_id: 8, driver: "usb-storage", number: 0 }],
      product: "DataTraveler 3.0",
      product_id: "1666",
      speed: 5000,
      vendor: "Kingston Technology",
      vendor_id: "0951",
    });
  }
  return doc;
}

/** A payload with `disks` block devices and `usb` USB devices: large enough to take a while to apply. */
export function largePayload(seed: number, disks: number, usb: number): Record<string, any> {
  const doc = payloadFor(seed);
  const template = doc.resources.storage.disks[0];
  doc.resources.storage.disks = Array.from({ length: disks }, (_, i) => ({
    ...template,
    id: `sd${i}`,
    device: `8:${i}`,
    device_path: `pci-0000:00:1f.2-ata-${i}`,
    device_id: `wwn-0x${seed}${i}`,
    serial: `SER-${seed}-${i}`,
    wwn: "",
    partitions: [],
  }));
  doc.resources.usb.devices = Array.from({ length: usb }, (_, i) => ({
    bus_address: 1 + Math.floor(i / 100),
    device_address: 1 + (i % 100),
    interfaces: [],
    product: `stick ${i}`,
    product_id: "1666",
    speed: 480,
    vendor: "Kingston Technology",
    vendor_id: "0951",
  }));
  return doc;
}

// ---------------------------------------------------------------------------------------------
// Database

/** Tables a request may change; oauth_nonces is left out because every signed request writes it on purpose. */
const IGNORED_TABLES = new Set(["oauth_nonces"]);

/**
 * Row count and newest row version (xmin) of every table but the nonce store: PostgreSQL gives
 * every inserted or updated row the writing transaction's id, so equal fingerprints mean no row
 * was written, updated or deleted, even a no-op UPDATE. One statement without text conversion,
 * cheap enough to take around every fuzz case. PostgreSQL only.
 */
export async function fingerprinter(db: Db): Promise<() => Promise<string>> {
  if (db.engine !== "postgres") throw new Error("fingerprinter needs PostgreSQL (xmin)");
  const { rows } = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const tables = rows.map((row) => row.name).filter((name) => !IGNORED_TABLES.has(name));
  const sql = `SELECT ${tables
    .map((name) => `(SELECT count(*) || '/' || coalesce(max(xmin::text::bigint), 0) FROM "${name}")`)
    .join(" || ' ' || ")} AS fp`;
  return async () => (await db.query<{ fp: string }>(sql)).rows[0]!.fp;
}

// ---------------------------------------------------------------------------------------------
// The region as a child process

const REGION_BIN = resolve(REPO_ROOT, "packages/region/bin/maas-region.js");
const REGION_BUNDLE = resolve(REPO_ROOT, "packages/region/dist/maas-region.js");
const REGION_SOURCE = resolve(REPO_ROOT, "packages/region/src/main.ts");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The built `maas-region` when its bundle is newer than every source it is made of, else the
 * sources under Node's type stripping: a stale bundle must not hide a fix made since the build.
 */
export function regionCommand(): { args: string[]; built: boolean } {
  const sources = Math.max(
    newestMtime(resolve(REPO_ROOT, "packages/region/src")),
    newestMtime(resolve(REPO_ROOT, "packages/shared/src")),
  );
  if (existsSync(REGION_BUNDLE) && statSync(REGION_BUNDLE).mtimeMs > sources) {
    return { args: [REGION_BIN], built: true };
  }
  return { args: ["--conditions=@hwsync/source", REGION_SOURCE], built: false };
}

export interface RegionProcess {
  child: ChildProcess;
  pid: number;
  origin: string;
  url: string;
  /** Everything the process wrote so far (stdout + stderr). */
  output(): string;
  /** Resolves with the exit code or signal once the process is gone. */
  exited: Promise<string>;
  /** SIGTERM and wait (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

/** `maas-region start` on PostgreSQL, port 0; resolves once it listens. */
export async function spawnRegion(options: {
  databaseUrl: string;
  /** Default: the server's search_path. */
  schema?: string;
  log?: boolean;
  env?: NodeJS.ProcessEnv;
  args?: string[];
  /** Default 0 (any free port); a fixed one to come back where agents expect the region. */
  port?: number;
}): Promise<RegionProcess> {
  const command = regionCommand();
  const args = [
    ...command.args,
    "start",
    "--database-url",
    options.databaseUrl,
    ...(options.schema ? ["--database-schema", options.schema] : []),
    "--host",
    "127.0.0.1",
    "--port",
    String(options.port ?? 0),
    ...(options.log ? ["--log"] : []),
    ...(options.args ?? []),
  ];
  const { process: region, match } = await startWhenReady(
    process.execPath,
    args,
    /listening on (http:\/\/\S+\/MAAS)/,
    { env: { ...process.env, ...options.env } },
  );
  const url = match[1]!;
  return {
    child: region.child,
    pid: region.pid,
    origin: url.replace(/\/MAAS$/, ""),
    url,
    output: region.output,
    exited: region.exited.then(({ code, signal }) => signal ?? String(code)),
    async stop() {
      await region.stop();
    },
  };
}

/** Resident set size of a process in bytes (Linux /proc). */
export async function rssOf(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kib = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return kib ? Number(kib[1]) * 1024 : 0;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const MiB = 1024 * 1024;

export { HARDWARE_SYNC_PATH };

// ---------------------------------------------------------------------------------------------
// Raw HTTP: bytes straight onto a socket, so even headers no HTTP client would send reach the
// region's real parser.

/** Percent-encodes the UTF-8 bytes of any string (lone surrogates become U+FFFD), never throws. */
export function percentBytes(value: string): string {
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

export interface RawRequest {
  method: string;
  path: string;
  headers: Array<[string, string]>;
  body?: Buffer;
}

/** Sends one request (or raw bytes) and returns the status of the first response line, or null. */
export async function rawRequest(port: number, request: RawRequest | Buffer): Promise<number | null> {
  const { connect } = await import("node:net");
  let bytes: Buffer;
  if (Buffer.isBuffer(request)) bytes = request;
  else {
    const body = request.body ?? Buffer.alloc(0);
    const head = [
      `${request.method} ${request.path} HTTP/1.1`,
      "host: 127.0.0.1",
      "connection: close",
      `content-length: ${body.length}`,
      ...request.headers.map(([name, value]) => `${name}: ${value}`),
    ].join("\r\n");
    bytes = Buffer.concat([Buffer.from(`${head}\r\n\r\n`, "latin1"), body]);
  }
  return new Promise((done) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    const finish = () => {
      clearTimeout(timer);
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(received);
      done(match ? Number(match[1]) : null);
    };
    // Some garbage leaves the parser waiting for more bytes; the guard closes such sockets.
    const timer = setTimeout(() => socket.destroy(), 2000);
    socket.on("data", (chunk) => {
      if (received.length < 64) received += chunk.toString("latin1");
    });
    socket.on("error", () => {});
    socket.on("close", finish);
    // write, not end: a half-closed socket makes the server drop the answer it is preparing.
    socket.write(bytes);
  });
}

// ---------------------------------------------------------------------------------------------
// A private PostgreSQL server

export interface PrivatePostgres {
  url: string;
  /** `pg_ctl restart -m fast` (what a package upgrade or an operator does); resolves when it accepts again. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const PG_BIN = "/usr/lib/postgresql/15/bin";

/**
 * A throw-away PostgreSQL 15 server in a temporary directory, on its own port: restarting it
 * disturbs nobody else's tests, and nobody else's restart disturbs it. Needs root (initdb runs as
 * the postgres user through runuser).
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const { chownSync, mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { createServer } = await import("node:net");
  const run = (command: string, args: string[], options: { cwd?: string } = {}) =>
    runChecked(command, args, { ...options, timeoutMs: 300_000 });
  const dir = mkdtempSync(join(tmpdir(), "hwsync-pg-"));
  const uid = Number((await run("id", ["-u", "postgres"])).stdout.trim());
  const gid = Number((await run("id", ["-g", "postgres"])).stdout.trim());
  chownSync(dir, uid, gid);
  const port = await new Promise<number>((done) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
  const data = join(dir, "data");
  const asPostgres = (command: string, args: string[]) =>
    run("runuser", ["-u", "postgres", "--", join(PG_BIN, command), ...args], { cwd: dir });
  const options = ["-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`];
  await asPostgres("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  await asPostgres("pg_ctl", ["-D", data, ...options, "-l", join(dir, "log"), "-w", "start"]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async restart() {
      await asPostgres("pg_ctl", [
        "-D",
        data,
        ...options,
        "-l",
        join(dir, "log"),
        "-m",
        "fast",
        "-w",
        "restart",
      ]);
    },
    async stop() {
      await asPostgres("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
