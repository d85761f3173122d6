// Test helpers: a real region on 127.0.0.1 (PGlite or PostgreSQL), fixtures, and process runners
// for the built binaries. Tests only; nothing here ships.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Clock,
  createAdmin,
  createMachine,
  type Db,
  dropSchema,
  getOrCreateApiKey,
  machineToken,
  openDatabase,
  type RegionConfig,
  type RunningRegion,
  startRegion as startRegionServer,
} from "@hwsync/region";
import { type HardwarePayloadInput, renderMachineCredentials } from "@hwsync/shared";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const FIXTURES_DIR = resolve(REPO_ROOT, "../shared/fixtures");
/** The PostgreSQL every machine of ours runs (trust auth). */
export const POSTGRES_URL = process.env.HWSYNC_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export type Engine = "pglite" | "postgres";
export const ENGINES: Engine[] = ["pglite", "postgres"];

/** Fixture payload by file name (`machine-resources-x86.json`); a fresh copy on each call. */
// biome-ignore lint/suspicious/noExplicitAny: tests mutate fixtures freely to build variants.
export function fixture(name: string): HardwarePayloadInput & Record<string, any> {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, name), "utf8"));
}

export function fixtureNames(): string[] {
  return readdirSync(FIXTURES_DIR).filter((name) => name.endsWith(".json"));
}

/** A database of its own: in-memory PGlite, or a fresh PostgreSQL schema dropped by `close()`. */
export async function openTestDatabase(
  engine: Engine,
): Promise<{ db: Db; schema?: string; close(): Promise<void> }> {
  if (engine === "pglite") {
    const db = await openDatabase({ dataDir: "memory://" });
    return { db, close: () => db.close() };
  }
  const schema = `t_${process.pid}_${randomBytes(4).toString("hex")}`;
  const db = await openDatabase({ databaseUrl: POSTGRES_URL, schema });
  return {
    db,
    schema,
    close: async () => {
      await db.close();
      await dropSchema(POSTGRES_URL, schema);
    },
  };
}

export interface TestRegion {
  region: RunningRegion;
  db: Db;
  engine: Engine;
  /** `http://127.0.0.1:<port>/MAAS` */
  url: string;
  adminKey: string;
  /** Creates a Ready machine; returns its system_id. */
  addMachine(hostname?: string, macs?: string[]): Promise<string>;
  /** Same as addMachine. */
  createMachine(hostname?: string, macs?: string[]): Promise<string>;
  /** The machine's credentials YAML (after deploy), as cloud-init would write it. */
  machineCredentialsYaml(systemId: string): Promise<string>;
  close(): Promise<void>;
}

let machineCounter = 0;

/** Starts a real region on 127.0.0.1:0 with an admin `admin`/`test-password`. */
export async function startTestRegion(
  options: { engine?: Engine; config?: Partial<RegionConfig>; clock?: Clock } = {},
): Promise<TestRegion> {
  const engine = options.engine ?? "pglite";
  const database = await openTestDatabase(engine);
  await createAdmin(database.db, {
    username: "admin",
    password: "test-password",
    email: "admin@example.com",
  });
  const adminKey = await getOrCreateApiKey(database.db, "admin");
  const region = await startRegionServer({ db: database.db, config: options.config, clock: options.clock });
  const clock = options.clock ?? { now: () => new Date() };
  const testRegion: TestRegion = {
    region,
    db: database.db,
    engine,
    url: region.url,
    adminKey,
    async addMachine(hostname, macs) {
      machineCounter += 1;
      const suffix = `${process.pid % 256}:${machineCounter % 256}`
        .split(":")
        .map((n) => Number(n).toString(16).padStart(2, "0"));
      const row = await createMachine(
        database.db,
        {
          hostname: hostname ?? `test-${machineCounter}`,
          macAddresses: macs ?? [`52:54:00:aa:${suffix.join(":")}`],
        },
        clock,
      );
      return row.systemId;
    },
    createMachine(hostname, macs) {
      return testRegion.addMachine(hostname, macs);
    },
    async machineCredentialsYaml(systemId) {
      const token = await machineToken(database.db, systemId);
      if (!token) throw new Error(`machine ${systemId} has no token: deploy it first`);
      return renderMachineCredentials({
        consumerKey: token.consumerKey,
        tokenKey: token.tokenKey,
        tokenSecret: token.tokenSecret,
        endpoint: `${region.url}/metadata/status/${systemId}`,
      });
    },
    async close() {
      await region.close();
      await database.close();
    },
  };
  return testRegion;
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion with a timeout; never throws for a non-zero exit. */
export function runProcess(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; timeoutMs?: number } = {},
): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** Paths of the built binaries (`npm run build`). */
export const BUILT = {
  cli: resolve(REPO_ROOT, "packages/cli/bin/maas.js"),
  region: resolve(REPO_ROOT, "packages/region/bin/maas-region.js"),
  agent: resolve(REPO_ROOT, "dist/agent/maas-hw-sync-linux-x64"),
  agentBundle: resolve(REPO_ROOT, "dist/agent/agent.cjs"),
};

/** Runs the built `maas` CLI under this Node (24), with colours off. */
export function runCli(
  args: string[],
  options: { configDir: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number },
): Promise<ProcessResult> {
  return runProcess(process.execPath, [BUILT.cli, ...args], {
    env: { ...process.env, NO_COLOR: "1", MAAS_HWSYNC_CONFIG_DIR: options.configDir, ...options.env },
    input: options.input,
    timeoutMs: options.timeoutMs,
  });
}

/** Alias of startTestRegion, the name the packages' tests use. */
export const startRegion = startTestRegion;
