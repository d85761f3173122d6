// A real region on 127.0.0.1:0 over PGlite or a fresh PostgreSQL schema, and the requests tests
// send it. The one harness for every suite that needs a region: the region's own API and sync
// tests, the CLI's tests against a region, the end-to-end suite.
import { randomBytes } from "node:crypto";
import {
  type Clock,
  createAdmin,
  createMachine,
  createUser,
  type Db,
  dropSchema,
  getOrCreateApiKey,
  machineToken,
  openDatabase,
  type RegionConfig,
  type RunningRegion,
  type StartRegionOptions,
  startRegion as startRegionServer,
  systemClock,
} from "@hwsync/region";
import {
  ApiClient,
  type ApiCredentials,
  ApiError,
  parseApiKey,
  renderMachineCredentials,
} from "@hwsync/shared";
import { afterAll, beforeAll } from "vitest";

/** The PostgreSQL every machine of ours runs (trust auth). */
export const POSTGRES_URL = process.env.HWSYNC_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export type Engine = "pglite" | "postgres";
/** Every storage and API suite runs once per engine: `describe.each(ENGINES)`. */
export const ENGINES: Engine[] = ["pglite", "postgres"];

/** `prefix_<pid>_<random>`: unique across the test files that run in parallel. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
}

let macCounter = randomBytes(2).readUInt16BE() * 256;
/** A locally administered MAC no other test in this run has used. */
export function uniqueMac(): string {
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

export interface TestDatabase {
  db: Db;
  /** PostgreSQL: the schema this database lives in, dropped by close(). */
  schema?: string;
  close(): Promise<void>;
}

/** A database of its own: in-memory PGlite, or a fresh PostgreSQL schema dropped by `close()`. */
export async function openTestDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === "pglite") {
    const db = await openDatabase({ dataDir: "memory://" });
    return { db, close: () => db.close() };
  }
  const schema = uniqueName("t");
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

export interface TestRegionOptions<C extends Clock = Clock>
  extends Omit<
    StartRegionOptions,
    "db" | "clock" | "config" | "admin" | "dataDir" | "databaseUrl" | "schema"
  > {
  engine?: Engine;
  config?: Partial<RegionConfig>;
  /** Default: the system clock. Region tests pass `fakeClock()` and move time with it. */
  clock?: C;
}

export interface TestRegion<C extends Clock = Clock> {
  region: RunningRegion;
  db: Db;
  engine: Engine;
  /** PostgreSQL: the schema of `db`, for a second region process over the same data. */
  schema?: string;
  clock: C;
  /** `http://127.0.0.1:<port>/MAAS` */
  url: string;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** A superuser (`admin_<pid>_<hex>`), its password, API key, and a client signed with it. */
  adminName: string;
  adminPassword: string;
  adminKey: string;
  adminCredentials: ApiCredentials;
  admin: ApiClient;
  /** A plain user, for permission tests. */
  userName: string;
  userPassword: string;
  userKey: string;
  userCredentials: ApiCredentials;
  user: ApiClient;
  /** Creates a Ready machine straight in the database; returns its system_id. */
  addMachine(hostname?: string, macs?: string[]): Promise<string>;
  /** Same as addMachine. */
  createMachine(hostname?: string, macs?: string[]): Promise<string>;
  /** The machine's credentials YAML (after deploy), as cloud-init would write it. */
  machineCredentialsYaml(systemId: string): Promise<string>;
  close(): Promise<void>;
}

let machineCounter = 0;

/** A client for the region's API without retries (a test wants the first answer). */
export function apiClient(target: { url: string }, key: string | null): ApiClient {
  return new ApiClient({
    url: target.url,
    credentials: key ? parseApiKey(key) : null,
    retry: { retries: 0 },
  });
}

/** Starts a real region on 127.0.0.1:0 with its own database, a superuser and a plain user. */
export async function startTestRegion<C extends Clock = Clock>(
  options: TestRegionOptions<C> = {},
): Promise<TestRegion<C>> {
  const { engine = "pglite", clock = systemClock as C, ...startOptions } = options;
  const database = await openTestDatabase(engine);
  const { db } = database;
  // Unique names, so a suite can also create users of its own without clashing.
  const admin = { name: uniqueName("admin"), password: "test-password" };
  const user = { name: uniqueName("user"), password: "user-password" };
  try {
    await createAdmin(db, { username: admin.name, password: admin.password, email: "admin@example.com" });
    await createUser(db, { username: user.name, password: user.password });
  } catch (error) {
    await database.close();
    throw error;
  }
  const [adminKey, userKey] = [
    await getOrCreateApiKey(db, admin.name),
    await getOrCreateApiKey(db, user.name),
  ];
  let region: RunningRegion;
  try {
    region = await startRegionServer({ ...startOptions, db, clock });
  } catch (error) {
    await database.close();
    throw error;
  }
  const testRegion: TestRegion<C> = {
    region,
    db,
    engine,
    schema: database.schema,
    clock,
    url: region.url,
    origin: region.origin,
    adminName: admin.name,
    adminPassword: admin.password,
    adminKey,
    adminCredentials: parseApiKey(adminKey),
    admin: apiClient(region, adminKey),
    userName: user.name,
    userPassword: user.password,
    userKey,
    userCredentials: parseApiKey(userKey),
    user: apiClient(region, userKey),
    async addMachine(hostname, macs) {
      machineCounter += 1;
      const row = await createMachine(
        db,
        {
          hostname: hostname ?? `test-${process.pid}-${machineCounter}`,
          macAddresses: macs ?? [uniqueMac()],
        },
        clock,
      );
      return row.systemId;
    },
    createMachine(hostname, macs) {
      return testRegion.addMachine(hostname, macs);
    },
    async machineCredentialsYaml(systemId) {
      const token = await machineToken(db, systemId);
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

/**
 * One region for the enclosing `describe` (or file): started in `beforeAll`, closed in
 * `afterAll`. The returned object forwards to it, so tests read `t.admin`, `t.region`… directly.
 * Call it before the suite's own hooks, which then see a running region.
 */
export function useTestRegion<C extends Clock = Clock>(options: TestRegionOptions<C> = {}): TestRegion<C> {
  let current: TestRegion<C> | undefined;
  beforeAll(async () => {
    current = await startTestRegion(options);
  });
  afterAll(async () => {
    await current?.close();
    current = undefined;
  });
  return new Proxy({} as TestRegion<C>, {
    get(_target, property) {
      if (!current) {
        throw new Error(
          `the test region is not running: read t.${String(property)} inside a test or hook, after useTestRegion()`,
        );
      }
      return Reflect.get(current, property);
    },
  });
}

/** The ApiError a request must fail with; fails the test if it succeeds or fails otherwise. */
export async function apiFailure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected the request to fail");
}
