import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ErrorCode, EXIT_BUG, HwsError, isHwsError } from "@hwsync/shared";
import { systemClock } from "./clock.ts";
import { type Db, openDatabase } from "./db/db.ts";
import { countAdmins } from "./db/users.ts";
import { DEFAULT_MAX_PAYLOAD_BYTES } from "./deps.ts";
import { DEFAULT_AGENT_DIR, startRegion } from "./server.ts";
import { machineToJson } from "./services/machine-json.ts";
import { createMachine } from "./services/machines.ts";
import { createAdmin, getOrCreateApiKey } from "./services/users.ts";

export interface MainIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  cwd: string;
  /** Resolves when the server should stop (SIGINT/SIGTERM in the real process). */
  stopSignal: Promise<string>;
}

const USAGE = `Usage: maas-region <command> [options]

Commands:
  start          Run the region (HTTP API, metadata API, WebSocket)
  createadmin    Create an admin user
  apikey         Print a user's API key (creates one if the user has none)
  add-machine    Add a machine (Ready at once: this region has no commissioning)

Database options (every command; flags > environment > defaults):
  --data-dir DIR        PGlite data directory   [$MAAS_REGION_DATA_DIR, default ./.data/region]
  --database-url URL    use PostgreSQL instead   [$DATABASE_URL]
  --database-schema S   PostgreSQL schema to use [$MAAS_REGION_DATABASE_SCHEMA, default: the search_path]

start:
  --host HOST           listen address           [$MAAS_REGION_HOST, default 127.0.0.1]
  --port PORT           listen port              [$MAAS_REGION_PORT, default 5240]
  --public-url URL      URL machines reach us by [$MAAS_REGION_PUBLIC_URL, default http://HOST:PORT/MAAS]
  --max-payload SIZE    largest hardware payload [$MAAS_REGION_MAX_PAYLOAD, default 8MiB]
  --deploy-immediately  deploy → Deployed at once [$MAAS_REGION_DEPLOY_IMMEDIATELY=1]
  --agent-dir DIR       built agent binaries     [$MAAS_REGION_AGENT_DIR, default <repo>/dist/agent]
  --log                 log every request (JSON) [$MAAS_REGION_LOG=1]
  An admin is created on start when $MAAS_ADMIN_USERNAME and $MAAS_ADMIN_PASSWORD are set.

createadmin --username U --password P [--email E]
apikey --username U
add-machine --hostname H [--architecture amd64/generic] --mac M [--mac M2 …] [--power-type manual]

Exit codes: 0 success, 1 error, 2 usage error, 70 a bug.
`;

function usageError(message: string): HwsError {
  return new HwsError(ErrorCode.USAGE, message, {
    hint: "Run maas-region --help for the commands and options.",
  });
}

const DB_OPTIONS = {
  "data-dir": { type: "string" },
  "database-url": { type: "string" },
  "database-schema": { type: "string" },
} as const;

const COMMAND_OPTIONS = {
  start: {
    ...DB_OPTIONS,
    host: { type: "string" },
    port: { type: "string" },
    "public-url": { type: "string" },
    "max-payload": { type: "string" },
    "deploy-immediately": { type: "boolean" },
    "agent-dir": { type: "string" },
    log: { type: "boolean" },
  },
  createadmin: {
    ...DB_OPTIONS,
    username: { type: "string" },
    password: { type: "string" },
    email: { type: "string" },
  },
  apikey: { ...DB_OPTIONS, username: { type: "string" } },
  "add-machine": {
    ...DB_OPTIONS,
    hostname: { type: "string" },
    architecture: { type: "string" },
    mac: { type: "string", multiple: true },
    "power-type": { type: "string" },
  },
} as const;

type Command = keyof typeof COMMAND_OPTIONS;
type Values = Record<string, string | boolean | string[] | undefined>;

const SIZE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

/** `8MiB` → 8388608; `500kB` → 500000; a bare number is bytes. */
export function parseByteSize(value: string, what = "--max-payload"): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = SIZE_UNITS[match?.[2]?.toLowerCase() ?? "x"];
  const bytes = match && unit ? Math.floor(Number(match[1]) * unit) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1024) {
    throw usageError(`${what} '${value}' is not a size of at least 1 KiB: use e.g. 8MiB, 512KiB or 1048576.`);
  }
  return bytes;
}

function parsePort(value: string): number {
  const port = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535)
    throw usageError(`--port '${value}' is not a port number (0-65535).`);
  return port;
}

function flagOrEnv(values: Values, flag: string, env: string | undefined): string | undefined {
  const value = values[flag];
  return typeof value === "string" ? value : env || undefined;
}

function isOn(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value);
}

interface DatabaseChoice {
  dataDir: string;
  databaseUrl?: string;
  schema?: string;
}

function databaseOptions(values: Values, io: MainIo): DatabaseChoice {
  const databaseUrl = flagOrEnv(values, "database-url", io.env.DATABASE_URL);
  const schema = flagOrEnv(values, "database-schema", io.env.MAAS_REGION_DATABASE_SCHEMA);
  if (schema && !databaseUrl) throw usageError("--database-schema needs --database-url (PostgreSQL).");
  const dir = flagOrEnv(values, "data-dir", io.env.MAAS_REGION_DATA_DIR) ?? ".data/region";
  // "memory://" keeps PGlite in memory (demos, tests); anything else is a directory.
  const dataDir = dir.includes("://") ? dir : resolve(io.cwd, dir);
  return { dataDir, databaseUrl, schema };
}

function describeDatabase(options: DatabaseChoice): string {
  if (!options.databaseUrl) return `PGlite in ${options.dataDir}`;
  const schema = options.schema ? `, schema ${options.schema}` : "";
  return `PostgreSQL ${options.databaseUrl.replace(/\/\/[^@/]*@/, "//***@")}${schema}`;
}

async function withDatabase<T>(values: Values, io: MainIo, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDatabase(databaseOptions(values, io));
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

function required(values: Values, flag: string): string {
  const value = values[flag];
  if (typeof value !== "string" || value === "") throw usageError(`--${flag} is required.`);
  return value;
}

async function start(values: Values, io: MainIo): Promise<number> {
  const env = io.env;
  const db = databaseOptions(values, io);
  const maxPayload = flagOrEnv(values, "max-payload", env.MAAS_REGION_MAX_PAYLOAD);
  const port = flagOrEnv(values, "port", env.MAAS_REGION_PORT);
  const adminUser = env.MAAS_ADMIN_USERNAME;
  const adminPassword = env.MAAS_ADMIN_PASSWORD;
  if (Boolean(adminUser) !== Boolean(adminPassword)) {
    throw usageError("Set both MAAS_ADMIN_USERNAME and MAAS_ADMIN_PASSWORD, or neither.");
  }
  const region = await startRegion({
    ...db,
    host: flagOrEnv(values, "host", env.MAAS_REGION_HOST) ?? "127.0.0.1",
    port: port === undefined ? 5240 : parsePort(port),
    log: values.log === true || isOn(env.MAAS_REGION_LOG),
    admin:
      adminUser && adminPassword
        ? { username: adminUser, password: adminPassword, email: env.MAAS_ADMIN_EMAIL }
        : undefined,
    config: {
      maxPayloadBytes: maxPayload === undefined ? DEFAULT_MAX_PAYLOAD_BYTES : parseByteSize(maxPayload),
      deployImmediately: values["deploy-immediately"] === true || isOn(env.MAAS_REGION_DEPLOY_IMMEDIATELY),
      publicUrl: flagOrEnv(values, "public-url", env.MAAS_REGION_PUBLIC_URL),
      agentDir: resolve(
        io.cwd,
        flagOrEnv(values, "agent-dir", env.MAAS_REGION_AGENT_DIR) ?? DEFAULT_AGENT_DIR,
      ),
    },
  });
  const admins = await countAdmins(region.db);
  io.stderr.write(`maas-region: listening on ${region.url} (${describeDatabase(db)})\n`);
  io.stderr.write(`maas-region: machines reach this region at ${region.config.publicUrl}\n`);
  if (admins === 0) {
    io.stderr.write("maas-region: no admin yet: run `maas-region createadmin --username U --password P`\n");
  }
  const signal = await io.stopSignal;
  io.stderr.write(`maas-region: ${signal}: shutting down\n`);
  await region.close();
  return 0;
}

async function runCommand(command: Command, values: Values, io: MainIo): Promise<number> {
  switch (command) {
    case "start":
      return start(values, io);
    case "createadmin": {
      const username = required(values, "username");
      const password = required(values, "password");
      const email = typeof values.email === "string" ? values.email : null;
      await withDatabase(values, io, (db) => createAdmin(db, { username, password, email }));
      io.stderr.write(`maas-region: admin '${username}' created\n`);
      return 0;
    }
    case "apikey": {
      const username = required(values, "username");
      const key = await withDatabase(values, io, (db) => getOrCreateApiKey(db, username));
      io.stdout.write(`${key}\n`);
      return 0;
    }
    case "add-machine": {
      const macs = (values.mac as string[] | undefined) ?? [];
      if (macs.length === 0) throw usageError("--mac is required (repeat it for several interfaces).");
      const json = await withDatabase(values, io, async (db) => {
        const row = await createMachine(
          db,
          {
            hostname: typeof values.hostname === "string" ? values.hostname : undefined,
            architecture: typeof values.architecture === "string" ? values.architecture : undefined,
            macAddresses: macs,
            powerType: typeof values["power-type"] === "string" ? values["power-type"] : undefined,
          },
          systemClock,
        );
        return machineToJson(db, row, systemClock.now());
      });
      io.stdout.write(`${JSON.stringify(json, null, 4)}\n`);
      return 0;
    }
  }
}

function reportError(error: unknown, io: MainIo): number {
  if (isHwsError(error)) {
    const hint = error.hint ? `\n  ${error.hint}` : "";
    io.stderr.write(`maas-region: error ${error.code}: ${error.message}${hint}\n`);
    return error.code === ErrorCode.USAGE ? 2 : 1;
  }
  io.stderr.write(
    `maas-region: unexpected error (this is a bug: please report it with the lines below)\n${(error as Error)?.stack ?? error}\n`,
  );
  return EXIT_BUG;
}

/** argv (without node and script) → exit code. Never exits the process itself. */
export async function main(argv: string[], io: MainIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    (command ? io.stdout : io.stderr).write(USAGE);
    return command ? 0 : 2;
  }
  try {
    if (!Object.hasOwn(COMMAND_OPTIONS, command)) throw usageError(`unknown command '${command}'.`);
    if (rest.includes("--help") || rest.includes("-h")) {
      io.stdout.write(USAGE);
      return 0;
    }
    let values: Values;
    try {
      values = parseArgs({ args: rest, options: COMMAND_OPTIONS[command as Command], strict: true })
        .values as Values;
    } catch (error) {
      throw usageError((error as Error).message);
    }
    return await runCommand(command as Command, values, io);
  } catch (error) {
    return reportError(error, io);
  }
}

/** The process entry: wires signals and sets the exit code (bin/maas-region.js calls it). */
export async function run(): Promise<void> {
  const stopSignal = new Promise<string>((resolveStop) => {
    const onSignal = (signal: string) => {
      // A second Ctrl-C while closing means "now".
      process.once(signal, () => process.exit(130));
      resolveStop(signal);
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });
  process.exitCode = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    stopSignal,
  });
}

if (import.meta.main) await run();
