import { randomBytes } from "node:crypto";
import { ApiClient, type ApiCredentials, buildAuthorizationHeader, parseApiKey } from "@hwsync/shared";
import { type FakeClock, fakeClock } from "../../src/clock.ts";
import { type Db, dropSchema, openDatabase } from "../../src/db/db.ts";
import { type RunningRegion, type StartRegionOptions, startRegion } from "../../src/server.ts";
import { createUser, getOrCreateApiKey } from "../../src/services/users.ts";

export const DATABASE_URL = process.env.HWSYNC_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export type Engine = "pglite" | "postgres";
/** Every storage and API suite runs once per engine: `describe.each(ENGINES)`. */
export const ENGINES: Engine[] = ["pglite", "postgres"];

export interface TestDb {
  db: Db;
  /** The schema (PostgreSQL) that cleanup drops. */
  schema: string | null;
  cleanup(): Promise<void>;
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
}

/** PGlite in memory, or PostgreSQL in a fresh schema dropped by cleanup(). */
export async function openTestDb(engine: Engine): Promise<TestDb> {
  if (engine === "pglite") {
    const db = await openDatabase({ dataDir: "memory://" });
    return { db, schema: null, cleanup: () => db.close() };
  }
  const schema = uniqueName("hwsync_core");
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

export interface TestRegion {
  region: RunningRegion;
  db: Db;
  clock: FakeClock;
  adminKey: string;
  admin: ApiClient;
  /** A non-admin user and key. */
  userKey: string;
  user: ApiClient;
  close(): Promise<void>;
}

export function apiClient(region: RunningRegion, key: string | null): ApiClient {
  return new ApiClient({
    url: region.url,
    credentials: key ? parseApiKey(key) : null,
    retry: { retries: 0 },
  });
}

/** A region on 127.0.0.1:0 over an already open test database, with an admin and a plain user. */
export async function startTestRegion(
  testDb: TestDb,
  options: Omit<StartRegionOptions, "db" | "clock"> = {},
): Promise<TestRegion> {
  const clock = fakeClock(new Date());
  const region = await startRegion({ ...options, db: testDb.db, clock });
  const adminName = uniqueName("admin");
  const userName = uniqueName("user");
  await createUser(testDb.db, { username: adminName, password: "admin-password", isSuperuser: true });
  await createUser(testDb.db, { username: userName, password: "user-password" });
  const adminKey = await getOrCreateApiKey(testDb.db, adminName);
  const userKey = await getOrCreateApiKey(testDb.db, userName);
  return {
    region,
    db: testDb.db,
    clock,
    adminKey,
    admin: apiClient(region, adminKey),
    userKey,
    user: apiClient(region, userKey),
    close: () => region.close(),
  };
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json(): unknown;
}

export interface RawRequest {
  method?: string;
  /** Absolute from the origin, e.g. /MAAS/api/2.0/machines/. */
  path: string;
  key?: string | ApiCredentials | null;
  /** URL-encoded form body. */
  form?: Record<string, string | string[]>;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  /** OAuth options (fixed nonce / old timestamp). */
  sign?: { nonce?: string; timestamp?: number };
}

/** One request with exact control over headers and body, for status/body/header assertions. */
export async function raw(region: RunningRegion, request: RawRequest): Promise<RawResponse> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.key) {
    const credentials = typeof request.key === "string" ? parseApiKey(request.key) : request.key;
    headers.authorization = buildAuthorizationHeader(credentials, request.sign);
  }
  let body: string | Uint8Array | undefined = request.body;
  if (request.form) {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(request.form)) {
      for (const item of Array.isArray(value) ? value : [value]) search.append(name, item);
    }
    body = search.toString();
    headers["content-type"] ??= "application/x-www-form-urlencoded";
  }
  const response = await fetch(`${region.origin}${request.path}`, {
    method: request.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body: body as BodyInit | undefined,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

/** A multipart body exactly as MAAS's Python CLI builds it (email.mime, base64 text parts, CRLF). */
export function pythonCliMultipart(fields: Array<[string, string]>): { body: string; contentType: string } {
  const boundary = `===============${Date.now()}${Math.floor(Math.random() * 1e6)}==`;
  let body = "";
  for (const [name, value] of fields) {
    body += `--${boundary}\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: form-data; name="${name}"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset="utf-8"\r\n\r\n${Buffer.from(value).toString("base64")}\r\n\r\n`;
  }
  body += `--${boundary}--\r\n`;
  return { body, contentType: `multipart/form-data; boundary="${boundary}"` };
}

let macCounter = randomBytes(2).readUInt16BE() * 256;
/** A MAC no other test in this run has used. */
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

/** Adds a Ready machine through the API (admin key) and returns its JSON. */
export async function addMachine(
  test: TestRegion,
  form: Record<string, string> = {},
): Promise<Record<string, unknown> & { system_id: string; hostname: string }> {
  const hostname = form.hostname ?? uniqueName("m").replace(/_/g, "-");
  const response = await test.admin.post<Record<string, unknown> & { system_id: string; hostname: string }>(
    "machines/",
    undefined,
    { hostname, mac_addresses: uniqueMac(), ...form },
  );
  return response.body;
}
