// The region as its own process (`maas-region start --port 0`), on PGlite or on a PostgreSQL
// schema of its own, with the admin created from MAAS_ADMIN_USERNAME/PASSWORD at start.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { dropSchema } from "@hwsync/region";
import { type Engine, POSTGRES_URL } from "@hwsync/testkit";
import {
  describeResult,
  type Lifetime,
  type LongRunning,
  runProcess,
  startWhenReady,
} from "@hwsync/testkit/process";
import { BUILT, NODE } from "./build.ts";

export const ADMIN = { username: "admin", password: "e2e-admin-password" };

/** Where a region keeps its data: a PGlite directory, or a PostgreSQL schema. */
export interface RegionDatabase {
  engine: Engine;
  /** `maas-region` flags selecting this database. */
  args: string[];
  /** The same choice as environment variables (DATABASE_URL, as production units set it). */
  env: Record<string, string>;
  describe: string;
  /** Drops the schema (PostgreSQL); the PGlite directory goes with the test's temp dir. */
  drop(): Promise<void>;
}

export function regionDatabase(engine: Engine, dir: string): RegionDatabase {
  if (engine === "pglite") {
    const dataDir = join(dir, "region-data");
    return {
      engine,
      args: ["--data-dir", dataDir],
      env: { MAAS_REGION_DATA_DIR: dataDir },
      describe: `PGlite in ${dataDir}`,
      drop: async () => {},
    };
  }
  const schema = `e2e_${process.pid}_${randomBytes(4).toString("hex")}`;
  return {
    engine,
    args: ["--database-url", POSTGRES_URL, "--database-schema", schema],
    env: { DATABASE_URL: POSTGRES_URL, MAAS_REGION_DATABASE_SCHEMA: schema },
    describe: `schema ${schema}`,
    drop: () => dropSchema(POSTGRES_URL, schema),
  };
}

export interface RegionProcess {
  /** `http://HOST:PORT/MAAS`, as the region printed it. */
  url: string;
  process: LongRunning;
  stop(): Promise<number | null>;
}

/** Starts `maas-region start` on an ephemeral port and waits for its "listening on" line. */
export async function startRegionProcess(
  database: RegionDatabase,
  options: { host?: string; args?: string[]; lifetime?: Lifetime; configure?: "flags" | "env" } = {},
): Promise<RegionProcess> {
  const byEnv = options.configure === "env";
  const args = [
    "start",
    "--port",
    "0",
    "--host",
    options.host ?? "127.0.0.1",
    ...(byEnv ? [] : database.args),
  ];
  const { process: proc, match } = await startWhenReady(
    NODE,
    [BUILT.region, ...args, ...(options.args ?? [])],
    /listening on (http:\/\/\S+\/MAAS)/,
    {
      env: {
        ...process.env,
        ...(byEnv ? database.env : {}),
        MAAS_ADMIN_USERNAME: ADMIN.username,
        MAAS_ADMIN_PASSWORD: ADMIN.password,
      },
      lifetime: options.lifetime ?? "file",
      timeoutMs: 240_000,
    },
  );
  return { url: match[1]!, process: proc, stop: () => proc.stop() };
}

/** Runs a one-shot `maas-region` command (apikey, createadmin, add-machine) against a database. */
export async function regionCommand(database: RegionDatabase, args: string[]): Promise<string> {
  const result = await runProcess(NODE, [BUILT.region, ...args, ...database.args], { timeoutMs: 60_000 });
  if (result.code !== 0) throw new Error(`maas-region ${args.join(" ")} failed:\n${describeResult(result)}`);
  return result.stdout.trim();
}

/** The admin's API key through MAAS 3.2+'s `accounts/authenticate/` (username + password). */
export async function adminApiKey(regionUrl: string): Promise<string> {
  const response = await fetch(`${regionUrl}/accounts/authenticate/`, {
    method: "POST",
    body: new URLSearchParams(ADMIN),
  });
  const body = (await response.json()) as Record<string, string>;
  if (!response.ok)
    throw new Error(`accounts/authenticate/ answered ${response.status}: ${JSON.stringify(body)}`);
  return `${body.consumer_key}:${body.token_key}:${body.token_secret}`;
}
