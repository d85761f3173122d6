// Property-based fuzzing of every door into the region: the metadata API (fast path and op=signal),
// the REST API (forms, queries, paths, OAuth headers) and the WebSocket. Cases go in through
// fastify's inject() (the real app and a real PostgreSQL schema, without sockets), and a sample
// goes over real TCP. Properties: never a 5xx, never a crash, a refused request never changes
// a single row (a whole-database fingerprint before and after every case), and an applied push
// never loses a stored device (or changes CPU, memory, system values) of a class it did not
// explicitly report (fuzz-oracle.ts).
import { gunzipSync } from "node:zlib";
import { createUser, getOrCreateApiKey } from "@hwsync/region";
import {
  type ApiCredentials,
  buildAuthorizationHeader,
  hardwarePayloadSchema,
  parseApiKey,
} from "@hwsync/shared";
import { signedPush, startTestRegion, type TestRegion } from "@hwsync/testkit";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  describeBody,
  encodedForm,
  type Form,
  garbledAuthorization,
  hostileString,
  PROTOTYPE_KEYS,
  type PushCase,
  poisonedConfigForm,
  poisonedCreateForm,
  poisonedDeployForm,
  poisonedSignalForm,
  pushCases,
  shortPrint,
  wsFrames,
} from "./fuzz-inputs.ts";
import { type StoredRecord, silentLosses, storedRecord } from "./fuzz-oracle.ts";
import {
  call,
  deployMachine,
  fingerprinter,
  HARDWARE_SYNC_PATH,
  payloadFor,
  percentBytes,
  type RawRequest,
  rawRequest,
  report,
  scaled,
} from "./helpers.ts";

const SEED = Number(process.env.HWSYNC_FUZZ_SEED ?? Date.now() % 2 ** 31);
const MAX_PAYLOAD = 256 * 1024;
const RUNS = {
  push: scaled(2500, 25_000),
  signal: scaled(1500, 15_000),
  api: scaled(2500, 25_000),
  headers: scaled(1500, 15_000),
  ws: scaled(1700, 17_000),
  httpSample: scaled(60, 600),
  rawSample: scaled(200, 2000),
};

interface Outcome {
  status: number;
  body: string;
}

interface Tally {
  cases: number;
  statuses: Record<number, number>;
  accepted: number;
  /** Mean time per case, request and fingerprints included. */
  meanMs: number;
}

const tallies: Record<string, Tally> = {};

function tally(target: string, status: number, ms: number): void {
  tallies[target] ??= { cases: 0, statuses: {}, accepted: 0, meanMs: 0 };
  const entry = tallies[target]!;
  entry.cases += 1;
  entry.meanMs = Math.round(((entry.meanMs * (entry.cases - 1) + ms) / entry.cases) * 10) / 10;
  entry.statuses[status] = (entry.statuses[status] ?? 0) + 1;
  if (status >= 200 && status < 300) entry.accepted += 1;
}

/** The document the region may legitimately apply: a body that inflates, parses and passes the schema. */
function validDocument(pushCase: PushCase): Record<string, any> | null {
  try {
    const encoding = (pushCase.headers["content-encoding"] ?? "identity").trim().toLowerCase();
    const bytes =
      encoding === "gzip" || encoding === "x-gzip"
        ? gunzipSync(pushCase.body)
        : encoding === "identity" || encoding === ""
          ? pushCase.body
          : null;
    if (!bytes) return null;
    const document = JSON.parse(bytes.toString("utf8"));
    return hardwarePayloadSchema.safeParse(document).success ? document : null;
  } catch {
    return null;
  }
}

function isValidPush(pushCase: PushCase): boolean {
  return validDocument(pushCase) !== null;
}

// A fuzz target must never outlive its test: a timed-out fc.assert would keep writing while the
// next target fingerprints the database.
describe("fuzzing the region's inputs", { timeout: 180_000 }, () => {
  let t: TestRegion;
  let admin: ApiCredentials;
  let user: ApiCredentials;
  let machine: ApiCredentials;
  let machineId: string;
  let readyId: string;
  let fingerprint: () => Promise<string>;
  let lastFingerprint: string | undefined;
  let refusalWrites = 0;
  let silentLossCases = 0;
  let recordBefore: StoredRecord | undefined;

  /** The oracle after an applied push: nothing of an unreported class may have gone. */
  async function expectNoSilentLoss(target: string, pushCase: PushCase): Promise<void> {
    const after = await storedRecord(t.db, machineId);
    const losses = silentLosses(recordBefore!, after, validDocument(pushCase)!);
    if (losses.length > 0) {
      silentLossCases += 1;
      throw new Error(`${target}: ${losses.join("; ")}`);
    }
  }

  beforeAll(async () => {
    t = await startTestRegion({ engine: "postgres", config: { maxPayloadBytes: MAX_PAYLOAD } });
    admin = parseApiKey(t.adminKey);
    await createUser(t.db, { username: "fuzz-user", password: "fuzz-user-password" });
    user = parseApiKey(await getOrCreateApiKey(t.db, "fuzz-user"));
    const deployed = await deployMachine(t.region.origin, admin);
    machine = deployed.creds;
    machineId = deployed.systemId;
    expect((await signedPush(t.region.origin, machine, payloadFor(424242))).status).toBe(200);
    readyId = await t.addMachine();
    fingerprint = await fingerprinter(t.db);
  });

  afterAll(async () => {
    const total = Object.values(tallies).reduce((sum, entry) => sum + entry.cases, 0);
    for (const [target, entry] of Object.entries(tallies)) report(`fuzz ${target}`, { ...entry });
    const fiveHundreds = Object.values(tallies).reduce(
      (sum, entry) =>
        sum +
        Object.entries(entry.statuses)
          .filter(([status]) => Number(status) >= 500)
          .reduce((n, [, count]) => n + count, 0),
      0,
    );
    report("fuzz total", {
      cases: total,
      seed: SEED,
      fiveHundreds,
      stateChangesByRefusals: refusalWrites,
      silentLosses: silentLossCases,
    });
    await t?.close();
  });

  async function inject(request: {
    method: string;
    url: string;
    headers?: Record<string, string>;
    body?: Buffer | string;
  }): Promise<Outcome> {
    const response = await t.region.app.inject({
      method: request.method as "GET",
      url: request.url,
      headers: request.headers,
      payload: request.body,
    });
    return { status: response.statusCode, body: response.body };
  }

  /** One case: no 5xx, and no written row unless `mayChange` says the request was legitimately applied. */
  async function check(
    target: string,
    send: () => Promise<Outcome>,
    mayChange: (outcome: Outcome) => boolean | Promise<boolean> = () => false,
  ): Promise<void> {
    const started = performance.now();
    // Nothing else writes between cases, so the last case's "after" is this case's "before".
    lastFingerprint ??= await fingerprint();
    const before = lastFingerprint;
    const outcome = await send();
    tally(target, outcome.status, performance.now() - started);
    if (outcome.status >= 500) throw new Error(`${target}: ${outcome.status} ${outcome.body.slice(0, 400)}`);
    lastFingerprint = await fingerprint();
    if (lastFingerprint !== before && !(await mayChange(outcome))) {
      refusalWrites += 1;
      throw new Error(
        `${target}: a refused or poisoned request changed the database (status ${outcome.status})`,
      );
    }
  }

  /**
   * What an accepted payload stored is data from the payload, never a JavaScript internal found
   * by a lookup (`constructor` → "function Object() { [native code] }") or a stringified object.
   */
  async function expectOnlyData(): Promise<void> {
    const tables = ["machines", "block_devices", "interfaces", "pci_devices", "usb_devices"];
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT (${tables
        .map(
          (table) =>
            `(SELECT count(*) FROM ${table} x WHERE x::text LIKE '%[native code]%' OR x::text LIKE '%[object Object]%')`,
        )
        .join(" + ")})::int AS n`,
    );
    if (rows[0]!.n !== 0) throw new Error("a JavaScript internal was stored as hardware data");
  }

  async function stillServing(): Promise<void> {
    const response = await inject({ method: "GET", url: "/MAAS/api/2.0/version/" });
    expect(response.status).toBe(200);
  }

  const runs = (numRuns: number) => ({ numRuns, seed: SEED });

  test("the fingerprint notices even a no-op write (the instrument works)", async () => {
    const before = await fingerprint();
    expect(await fingerprint()).toBe(before);
    await t.db.query("UPDATE machines SET hostname = hostname WHERE system_id = $1", [readyId]);
    expect(await fingerprint()).not.toBe(before);
    lastFingerprint = undefined;
  });

  test("malformed, truncated, oversized, deep, wrong-typed and unicode-hostile pushes on the fast path", async () => {
    await fc.assert(
      fc.asyncProperty(pushCases(MAX_PAYLOAD), async (pushCase) => {
        await check(
          `push:${pushCase.kind}`,
          async () => {
            recordBefore = await storedRecord(t.db, machineId);
            return inject({
              method: "POST",
              url: HARDWARE_SYNC_PATH,
              headers: { ...pushCase.headers, authorization: buildAuthorizationHeader(machine) },
              body: pushCase.body,
            });
          },
          async (outcome) => {
            const applied = outcome.status >= 200 && outcome.status < 300;
            if (applied && !isValidPush(pushCase))
              throw new Error(`accepted an invalid ${pushCase.kind} payload`);
            if (applied) await expectOnlyData();
            if (applied) await expectNoSilentLoss(`push:${pushCase.kind}`, pushCase);
            return applied;
          },
        );
      }),
      runs(RUNS.push),
    );
    await stillServing();
  });

  test("poisoned op=signal forms, plain, base64 and broken multipart", async () => {
    const arbitrary = poisonedSignalForm.chain(({ form, files }) => encodedForm(form, files));
    await fc.assert(
      fc.asyncProperty(arbitrary, async (encoded) => {
        await check("signal", () =>
          inject({
            method: "POST",
            url: "/MAAS/metadata/2012-03-01/?op=signal",
            headers: {
              "content-type": encoded.contentType,
              authorization: buildAuthorizationHeader(machine),
            },
            body: encoded.body,
          }),
        );
      }),
      runs(RUNS.signal),
    );
    await stillServing();
  });

  function apiRequests(): fc.Arbitrary<{
    target: string;
    method: string;
    url: string;
    body?: Buffer;
    type?: string;
    who: "admin" | "user" | "none";
  }> {
    const form = (target: string, url: string, forms: fc.Arbitrary<Form>) =>
      forms
        .chain((fields) => encodedForm(fields))
        .map((encoded) => ({
          target,
          method: "POST",
          url,
          body: encoded.body,
          type: encoded.contentType,
          who: "admin" as const,
        }));
    const printable = <
      T extends { target: string; method: string; url: string; body?: Buffer; type?: string },
    >(
      request: T,
    ) =>
      shortPrint(
        request,
        (r) => `${r.target} ${r.method} ${r.url} ${describeBody({ contentType: r.type, body: r.body })}`,
      );
    const query = fc
      .array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom("id", "hostname", "status", "sync_unhealthy", "limit", "op", "name"),
            hostileString,
          ),
          hostileString,
        ),
        {
          maxLength: 4,
        },
      )
      .map((pairs) => pairs.map(([k, v]) => `${percentBytes(k)}=${percentBytes(v)}`).join("&"));
    const rawBad = fc.constantFrom("%", "%zz", "%E0%A4%A", "%ED%A0%80", "%00", "..%2F..", "%%", "a%2");
    const authenticate = form(
      "api:authenticate",
      "/MAAS/accounts/authenticate/",
      fc
        .tuple(
          fc.oneof(fc.constant("admin"), hostileString),
          hostileString.filter((p) => p !== "test-password"),
        )
        .map(
          ([u, p]): Form => [
            ["username", u],
            ["password", p],
          ],
        ),
    ).map((request) => ({ ...request, who: "none" as const }));
    const reads = fc
      .tuple(
        fc.constantFrom(
          "/MAAS/api/2.0/machines/",
          `/MAAS/api/2.0/machines/${machineId}/`,
          `/MAAS/api/2.0/machines/${machineId}/?op=hardware_history`,
          "/MAAS/api/2.0/events/?op=query",
          "/MAAS/api/2.0/maas/?op=get_config",
          "/MAAS/api/2.0/users/?op=whoami",
          "/MAAS/api/2.0/describe/",
          "/MAAS/metadata/2012-03-01/maas-scripts",
        ),
        query,
        fc.constantFrom("admin" as const, "user" as const, "none" as const),
      )
      .map(([path, q, who]) => ({
        target: "api:query",
        method: "GET",
        url: `${path}${path.includes("?") ? "&" : "?"}${q}`,
        who,
      }));
    const paths = fc
      .tuple(
        fc.oneof(hostileString.map(percentBytes), rawBad),
        fc.constantFrom("", "?op=hardware", "?op=get_token", "?op=deploy", "?op=release"),
        fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"),
      )
      .map(([segment, op, method]) => ({
        target: "api:path",
        method,
        url: `/MAAS/api/2.0/machines/${segment}/${op}`,
        who: "user" as const,
      }));
    // Names looked up in the config table, prototype keys included.
    const configNames = fc
      .tuple(
        fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), hostileString),
        fc.constantFrom("admin" as const, "user" as const),
      )
      .map(([name, who]) => ({
        target: "api:config-name",
        method: "GET",
        url: `/MAAS/api/2.0/maas/?op=get_config&name=${percentBytes(name)}`,
        who,
      }));
    const releaseComment = fc.array(fc.tuple(fc.constant("comment"), hostileString), { maxLength: 1 });
    return fc
      .oneof(
        {
          weight: 8,
          arbitrary: form("api:deploy", `/MAAS/api/2.0/machines/${readyId}/?op=deploy`, poisonedDeployForm),
        },
        { weight: 8, arbitrary: form("api:create", "/MAAS/api/2.0/machines/", poisonedCreateForm) },
        {
          weight: 8,
          arbitrary: form("api:set_config", "/MAAS/api/2.0/maas/?op=set_config", poisonedConfigForm),
        },
        // Releasing a Ready machine is a no-op: a 200 that must write nothing.
        {
          weight: 8,
          arbitrary: form(
            "api:release-noop",
            `/MAAS/api/2.0/machines/${readyId}/?op=release`,
            releaseComment,
          ),
        },
        // Few: every attempt on a real user hashes a password on purpose (~150 ms).
        { weight: 1, arbitrary: authenticate },
        { weight: 8, arbitrary: reads },
        { weight: 2, arbitrary: configNames },
        { weight: 8, arbitrary: paths },
      )
      .map(printable);
  }

  test("poisoned forms, hostile queries and paths on the REST API", async () => {
    await fc.assert(
      fc.asyncProperty(apiRequests(), async (request) => {
        const creds = request.who === "admin" ? admin : request.who === "user" ? user : null;
        await check(request.target, () =>
          inject({
            method: request.method,
            url: request.url,
            headers: {
              ...(request.type ? { "content-type": request.type } : {}),
              ...(creds ? { authorization: buildAuthorizationHeader(creds) } : {}),
            },
            body: request.body,
          }),
        );
      }),
      runs(RUNS.api),
    );
    await stillServing();
  });

  test("garbled OAuth headers and cookies on the API and the metadata API", async () => {
    const requests = fc.record({
      authorization: fc.oneof(garbledAuthorization(admin), garbledAuthorization(machine)),
      cookie: fc.option(hostileString.map((v) => `sessionid=${v.replace(/[^\t\x20-\x7e]/g, "?")}`)),
      where: fc.constantFrom("list", "hardware", "deploy", "push", "vendor-data", "whoami"),
      deployForm: poisonedDeployForm,
    });
    await fc.assert(
      fc.asyncProperty(requests, async ({ authorization, cookie, where, deployForm }) => {
        const headers: Record<string, string> = { authorization };
        if (cookie) headers.cookie = cookie;
        const target = `headers:${where}`;
        const paths: Record<string, { method: string; url: string; body?: string; type?: string }> = {
          list: { method: "GET", url: "/MAAS/api/2.0/machines/" },
          hardware: { method: "GET", url: `/MAAS/api/2.0/machines/${machineId}/?op=hardware` },
          deploy: {
            method: "POST",
            url: `/MAAS/api/2.0/machines/${readyId}/?op=deploy`,
            body: new URLSearchParams(deployForm).toString(),
            type: "application/x-www-form-urlencoded",
          },
          push: { method: "POST", url: HARDWARE_SYNC_PATH, body: "{not json", type: "application/json" },
          "vendor-data": { method: "GET", url: "/MAAS/metadata/latest/meta-data/vendor-data" },
          whoami: { method: "GET", url: "/MAAS/api/2.0/users/?op=whoami" },
        };
        const request = paths[where]!;
        if (request.type) headers["content-type"] = request.type;
        await check(target, () => inject({ ...request, headers }));
      }),
      runs(RUNS.headers),
    );
    await stillServing();
  });

  test("hostile WebSocket frames from a signed-in non-admin", async () => {
    const authorization = () => buildAuthorizationHeader(user);
    let socket = await t.region.app.injectWS("/MAAS/ws", { headers: { authorization: authorization() } });
    let closes = 0;
    const exchange = (frame: string | Buffer): Promise<Outcome> =>
      new Promise((resolve, reject) => {
        const guard = setTimeout(
          () => reject(new Error("no answer to a WebSocket frame within 10 s")),
          10_000,
        );
        const onMessage = (data: Buffer) => {
          const message = JSON.parse(data.toString());
          if (message.type !== 1) return; // a live update, not our answer
          cleanup();
          const internal = message.rtype === 1 && /internal server error/i.test(String(message.error));
          resolve({
            status: internal ? 500 : message.rtype === 0 ? 200 : 400,
            body: data.toString().slice(0, 400),
          });
        };
        const onClose = (code: number) => {
          cleanup();
          resolve({ status: code === 1011 ? 500 : 499, body: `closed ${code}` });
        };
        const cleanup = () => {
          clearTimeout(guard);
          socket.off("message", onMessage);
          socket.off("close", onClose);
        };
        socket.on("message", onMessage);
        socket.on("close", onClose);
        socket.send(frame);
      });
    // Machines the user cannot see: a deploy or release through them must be refused.
    const foreign = [machineId];
    await fc.assert(
      fc.asyncProperty(wsFrames(foreign), async (frame) => {
        if (socket.readyState !== socket.OPEN) {
          closes += 1;
          socket = await t.region.app.injectWS("/MAAS/ws", { headers: { authorization: authorization() } });
        }
        await check("ws", () => exchange(frame));
      }),
      runs(RUNS.ws),
    );
    socket.terminate();
    report("fuzz ws sockets", { reopenedAfterClose: closes });
    await stillServing();
  });

  test("a sample of the same cases over real TCP, plus raw garbage at the HTTP parser", async () => {
    const port = t.region.port;
    const toRaw = (
      method: string,
      url: string,
      headers: Record<string, string>,
      body?: Buffer | string,
    ): RawRequest => ({
      method,
      path: url,
      headers: Object.entries(headers).map(([k, v]) => [k, v.replace(/[\r\n]/g, " ")]),
      body: body === undefined ? undefined : Buffer.from(body),
    });
    const samples: Array<{
      target: string;
      request: RawRequest | Buffer;
      valid?: boolean;
      pushCase?: PushCase;
    }> = [];
    for (const pushCase of fc.sample(pushCases(MAX_PAYLOAD), { numRuns: RUNS.httpSample, seed: SEED })) {
      samples.push({
        target: "http:push",
        request: toRaw(
          "POST",
          HARDWARE_SYNC_PATH,
          { ...pushCase.headers, authorization: buildAuthorizationHeader(machine) },
          pushCase.body,
        ),
        valid: isValidPush(pushCase),
        pushCase,
      });
    }
    for (const request of fc.sample(apiRequests(), { numRuns: RUNS.httpSample, seed: SEED })) {
      samples.push({
        target: "http:api",
        request: toRaw(
          request.method,
          request.url,
          request.type ? { "content-type": request.type } : {},
          request.body,
        ),
      });
    }
    const rawGarbage = fc.oneof(
      fc
        .uint8Array({ minLength: 1, maxLength: 512 })
        .map((bytes) => Buffer.concat([Buffer.from(bytes), Buffer.from("\r\n\r\n")])),
      fc
        .tuple(
          fc.constantFrom("GET", "POST", "G\u0000T", "BREW", ""),
          fc.string({ maxLength: 64 }),
          fc.constantFrom("HTTP/1.1", "HTTP/9.9", "HTTP/1.1 extra", ""),
          fc.array(fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 })), { maxLength: 6 }),
          fc.constantFrom(
            "",
            "content-length: -1\r\n",
            "content-length: abc\r\n",
            "content-length: 5\r\ncontent-length: 6\r\n",
            "transfer-encoding: chunked\r\n",
            "transfer-encoding: chunked\r\ncontent-length: 3\r\n",
            `x-big: ${"a".repeat(20_000)}\r\n`,
          ),
        )
        .map(([method, path, version, headers, special]) =>
          Buffer.from(
            `${method} /MAAS/${path} ${version}\r\n${headers.map(([k, v]) => `${k}: ${v}`).join("\r\n")}\r\n${special}\r\nzz\r\n`,
            "latin1",
          ),
        ),
    );
    for (const bytes of fc.sample(rawGarbage, { numRuns: RUNS.rawSample, seed: SEED })) {
      samples.push({ target: "http:raw", request: bytes });
    }
    let unanswered = 0;
    for (const { target, request, valid, pushCase } of samples) {
      await check(
        target,
        async () => {
          if (pushCase) recordBefore = await storedRecord(t.db, machineId);
          const status = await rawRequest(port, request);
          if (status === null) unanswered += 1;
          return { status: status ?? 0, body: "" };
        },
        async (outcome) => {
          const applied = valid === true && outcome.status === 200;
          if (applied && pushCase) await expectNoSilentLoss(target, pushCase);
          return applied;
        },
      );
    }
    report("fuzz tcp", { cases: samples.length, closedWithoutAnswer: unanswered });
    await stillServing();
    const again = await call(t.region.origin, "/MAAS/api/2.0/version/");
    expect(again.status).toBe(200);
  });
});
