import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { ErrorCode, HwsError } from "@hwsync/shared";
import pg from "pg";
import { migrate } from "./migrate.ts";
import type { Db, QueryOptions } from "./types.ts";

export type { Db, QueryOptions, QueryResult } from "./types.ts";

export interface OpenDatabaseOptions {
  /** PGlite data directory, or "memory://" for a throw-away in-memory database. */
  dataDir?: string;
  /** `postgres://…`: use a PostgreSQL server instead of PGlite. */
  databaseUrl?: string;
  /** PostgreSQL only: a schema to put every table in (created if missing). */
  schema?: string;
  /** PostgreSQL only: pool size (default 10). */
  poolSize?: number;
  /** Skip migrations (tests of the migration runner). */
  skipMigrations?: boolean;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Opens PGlite (default) or PostgreSQL and brings the schema up to date. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Db> {
  const db = options.databaseUrl
    ? await openPostgres(options.databaseUrl, options.schema, options.poolSize ?? 10)
    : await openPglite(options.dataDir ?? "memory://");
  if (!options.skipMigrations) {
    try {
      await migrate(db);
    } catch (error) {
      await db.close().catch(() => {});
      throw error;
    }
  }
  return db;
}

const heldDataDirs = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}

/**
 * PGlite is one embedded server per directory: a second process opening the same directory
 * would corrupt it. A pid file refuses that with a clear message; a stale one (dead pid) is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const dir = resolve(dataDir);
  const lockFile = join(dir, "maas-region.pid");
  const inUse = (pid: number) =>
    new HwsError(ErrorCode.CONFIG_INVALID, `the data directory ${dir} is in use by process ${pid}`, {
      hint: "Stop that maas-region first, or use PostgreSQL (--database-url) to run several processes on one database.",
    });
  if (heldDataDirs.has(dir)) throw inUse(process.pid);
  try {
    writeFileSync(lockFile, String(process.pid), { flag: "wx" });
  } catch (error) {
    if ((error as { code?: string }).code !== "EEXIST") throw error;
    const pid = Number(readFileSync(lockFile, "utf8").trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw inUse(pid);
    writeFileSync(lockFile, String(process.pid));
  }
  heldDataDirs.add(dir);
  return () => {
    heldDataDirs.delete(dir);
    rmSync(lockFile, { force: true });
  };
}

async function openPglite(dataDir: string): Promise<Db> {
  let unlock = () => {};
  if (!dataDir.includes("://")) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  const lite = new PGlite(dataDir);
  try {
    await lite.waitReady;
  } catch (error) {
    unlock();
    throw new HwsError(
      ErrorCode.CONFIG_INVALID,
      `cannot open the database in ${dataDir}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const root: Db = {
    engine: "pglite",
    async query<T>(sql: string, params?: unknown[]) {
      const result = await lite.query<T>(sql, params as unknown[]);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(sql: string) {
      await lite.exec(sql);
    },
    // PGlite has one connection: its transaction() holds a lock so that queries from outside the
    // transaction wait instead of running inside it.
    transaction: (fn) => lite.transaction((tx) => fn(pgliteTx(tx, root))),
    async listen(channel, onPayload) {
      const stop = await lite.listen(channel, onPayload);
      return () => stop();
    },
    close: async () => {
      try {
        await lite.close();
      } finally {
        unlock();
      }
    },
  };
  return root;
}

function pgliteTx(tx: Transaction, root: Db): Db {
  const db: Db = {
    engine: "pglite",
    async query<T>(sql: string, params?: unknown[]) {
      const result = await tx.query<T>(sql, params as unknown[]);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(sql: string) {
      await tx.exec(sql);
    },
    transaction: (fn) => fn(db),
    listen: (channel, onPayload) => root.listen(channel, onPayload),
    close: () => Promise.reject(new Error("close() called inside a transaction")),
  };
  return db;
}

// node-postgres returns int8 (bigserial ids, bigint sizes) as strings; PGlite returns numbers.
// Disk sizes and event ids stay far below 2^53, so numbers are safe and both engines agree.
const INT8_OID = 20;
const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

async function openPostgres(databaseUrl: string, schema: string | undefined, poolSize: number): Promise<Db> {
  if (schema !== undefined && !IDENTIFIER.test(schema)) {
    throw new HwsError(
      ErrorCode.CONFIG_INVALID,
      `schema '${schema}' is not a plain SQL identifier; use letters, digits and _ (e.g. hwsync_test_1)`,
    );
  }
  const base: pg.ClientConfig = { connectionString: databaseUrl, types: pgTypes };
  if (schema) {
    const client = new pg.Client(base);
    await connectOrExplain(client, databaseUrl);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } catch (error) {
      // Two processes creating the same schema at once: the loser sees a unique violation.
      if ((error as { code?: string }).code !== "23505") throw error;
    } finally {
      await client.end();
    }
  }
  // search_path set at connection start-up applies to every pooled connection, so no query can
  // run before it (a SET in the pool's connect event would race the first query).
  const config: pg.PoolConfig = {
    ...base,
    max: poolSize,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  };
  const pool = new pg.Pool(config);
  // An idle client dropped by the server must not crash the process.
  pool.on("error", () => {});
  // The pool listens only on idle clients. A restart can reach a checked-out one between two
  // statements of a transaction, or in the very network read that hands it to its next user,
  // and an 'error' nobody listens to kills the process. The failure still reaches the pending or
  // next query (a 503), and the pool drops the dead client on release.
  pool.on("connect", (client) => client.on("error", () => {}));
  await connectOrExplain(pool, databaseUrl);

  const root: Db = {
    engine: "postgres",
    async query<T>(sql: string, params?: unknown[], options?: QueryOptions) {
      const result = await pool.query(toPgQuery(sql, params, options));
      return { rows: result.rows as T[], rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query("BEGIN");
        const result = await fn(pgClientTx(client, root));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        try {
          await client.query("ROLLBACK");
        } catch {
          broken = true;
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    listen: (channel, onPayload) => listenPostgres(config, channel, onPayload),
    close: () => pool.end(),
  };
  return root;
}

const statementNames = new Map<string, string>();

/** `hwsync_<hash of the text>`: one name, one text, as PostgreSQL requires of a prepared statement. */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `hwsync_${createHash("sha1").update(sql).digest("hex").slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return name;
}

function toPgQuery(
  sql: string,
  params: unknown[] | undefined,
  options: QueryOptions | undefined,
): pg.QueryConfig {
  const name = options?.name ?? (options?.prepare ? statementName(sql) : undefined);
  return name ? { name, text: sql, values: params } : { text: sql, values: params };
}

function pgClientTx(client: pg.PoolClient, root: Db): Db {
  const db: Db = {
    engine: "postgres",
    async query<T>(sql: string, params?: unknown[], options?: QueryOptions) {
      const result = await client.query(toPgQuery(sql, params, options));
      return { rows: result.rows as T[], rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(sql: string) {
      await client.query(sql);
    },
    transaction: (fn) => fn(db),
    listen: (channel, onPayload) => root.listen(channel, onPayload),
    close: () => Promise.reject(new Error("close() called inside a transaction")),
  };
  return db;
}

async function connectOrExplain(target: pg.Client | pg.Pool, databaseUrl: string): Promise<void> {
  try {
    if (target instanceof pg.Pool) {
      const client = await target.connect();
      client.release();
    } else {
      await target.connect();
    }
  } catch (error) {
    const safeUrl = databaseUrl.replace(/\/\/[^@/]*@/, "//***@");
    throw new HwsError(
      ErrorCode.CONFIG_INVALID,
      `cannot connect to PostgreSQL at ${safeUrl}: ${(error as Error).message}`,
      {
        hint: "Check DATABASE_URL / --database-url (postgres://user@host:5432/dbname) and that the server is running.",
        cause: error,
      },
    );
  }
}

/**
 * LISTEN needs a connection of its own that stays open; a pooled one would be handed to other
 * queries. Reconnects after a dropped connection so live updates resume on their own.
 */
async function listenPostgres(
  config: pg.ClientConfig,
  channel: string,
  onPayload: (payload: string) => void,
): Promise<() => Promise<void>> {
  if (!IDENTIFIER.test(channel)) throw new Error(`invalid channel name ${channel}`);
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const scheduleRetry = (): void => {
    if (stopped) return;
    retry = setTimeout(() => connect().catch(scheduleRetry), 1000);
  };
  const connect = async (): Promise<void> => {
    const next = new pg.Client(config);
    next.on("notification", (message) => {
      if (message.channel === channel) onPayload(message.payload ?? "");
    });
    next.on("error", () => {
      if (stopped) return;
      client = null;
      next.end().catch(() => {});
      scheduleRetry();
    });
    await next.connect();
    await next.query(`LISTEN ${channel}`);
    client = next;
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await (client as pg.Client | null)?.end().catch(() => {});
  };
}

/** Drops a test schema and everything in it (PostgreSQL only). */
export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  if (!IDENTIFIER.test(schema)) throw new Error(`invalid schema name ${schema}`);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** PostgreSQL's unique-violation code, for callers that turn it into a 400 naming the field. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown })?.code === "23505";
}
