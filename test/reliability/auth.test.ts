// Every way in without the right credentials, as one table: the status MAAS gives, the body prefix,
// no row written, and no secret echoed back.
import { randomBytes } from "node:crypto";
import { createUser, getOrCreateApiKey } from "@hwsync/region";
import {
  type ApiCredentials,
  buildAuthorizationHeader,
  HARDWARE_SYNC_PATH,
  parseApiKey,
} from "@hwsync/shared";
import { encodePush, signedPush, startTestRegion, type TestRegion } from "@hwsync/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  call,
  type DeployedMachine,
  deployMachine,
  fingerprinter,
  payloadFor,
  type Reply,
  rawRequest,
  report,
} from "./helpers.ts";

interface World {
  t: TestRegion;
  admin: ApiCredentials;
  user: ApiCredentials;
  /** Deployed by the admin, synced once. */
  machine: DeployedMachine;
  /** Another deployed machine. */
  other: DeployedMachine;
  /** Deployed, then released: its token is gone. */
  releasedCreds: ApiCredentials;
  /** Deployed by a second non-admin user. */
  othersMachine: DeployedMachine;
  readyId: string;
}

interface AuthCase {
  name: string;
  status: number;
  /** The start of the body, as MAAS words it. */
  body?: RegExp;
  send(w: World): Promise<{ status: number; text: string }>;
}

const API = "/MAAS/api/2.0";
const signedWith = (creds: ApiCredentials, options?: { nonce?: string; timestamp?: number }) => ({
  authorization: buildAuthorizationHeader(creds, options),
});
const swap = (creds: ApiCredentials, change: Partial<ApiCredentials>): ApiCredentials => ({
  ...creds,
  ...change,
});
/** A valid push of the machine's known payload, with its Authorization replaced. */
function pushWith(w: World, authorization: Record<string, string>, query = ""): Promise<Reply> {
  const { body, headers } = encodePush(payloadFor(1));
  return call(w.t.origin, `${HARDWARE_SYNC_PATH}${query}`, {
    body,
    headers: { ...headers, ...authorization },
  });
}
function oauthHeader(params: Record<string, string>): Record<string, string> {
  return {
    authorization: `OAuth ${Object.entries(params)
      .map(([k, v]) => `${k}="${v}"`)
      .join(", ")}`,
  };
}
const now = () => String(Math.floor(Date.now() / 1000));
/** The seven parameters MAAS's clients send, for variants that break one of them. */
function params(
  creds: ApiCredentials,
  change: Record<string, string | undefined> = {},
): Record<string, string> {
  const base: Record<string, string | undefined> = {
    oauth_nonce: randomBytes(8).toString("hex"),
    oauth_timestamp: now(),
    oauth_version: "1.0",
    oauth_signature_method: "PLAINTEXT",
    oauth_consumer_key: creds.consumerKey,
    oauth_token: creds.tokenKey,
    oauth_signature: `%26${creds.tokenSecret}`,
    ...change,
  };
  return Object.fromEntries(
    Object.entries(base).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
async function wsUpgrade(
  w: World,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  const head = [
    "GET /MAAS/ws HTTP/1.1",
    "host: 127.0.0.1",
    "upgrade: websocket",
    "connection: Upgrade",
    `sec-websocket-key: ${randomBytes(16).toString("base64")}`,
    "sec-websocket-version: 13",
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ].join("\r\n");
  const status = await rawRequest(w.t.region.port, Buffer.from(`${head}\r\n\r\n`));
  return { status: status ?? 0, text: "" };
}

const FORBIDDEN = /^Forbidden/;
const AUTH_ERROR = /^Authorization Error: /;

const CASES: AuthCase[] = [
  // The metadata API (the fast path) without valid machine credentials.
  { name: "push without credentials", status: 401, body: FORBIDDEN, send: (w) => pushWith(w, {}) },
  {
    name: "push with a Bearer header",
    status: 401,
    body: FORBIDDEN,
    send: (w) => pushWith(w, { authorization: "Bearer abc.def.ghi" }),
  },
  {
    name: "push with an empty OAuth header",
    status: 401,
    body: FORBIDDEN,
    send: (w) => pushWith(w, { authorization: "OAuth " }),
  },
  {
    name: "push with an OAuth header missing the signature",
    status: 401,
    body: FORBIDDEN,
    send: (w) => pushWith(w, oauthHeader(params(w.machine.creds, { oauth_signature: undefined }))),
  },
  {
    name: "push with a non-integer timestamp",
    status: 400,
    body: /^'Bad Request: the following problems were found among the auth params/,
    send: (w) => pushWith(w, oauthHeader(params(w.machine.creds, { oauth_timestamp: "soon" }))),
  },
  {
    name: "push with OAuth version 2.0",
    status: 401,
    body: AUTH_ERROR,
    send: (w) => pushWith(w, oauthHeader(params(w.machine.creds, { oauth_version: "2.0" }))),
  },
  {
    name: "push signed with HMAC-SHA1 instead of PLAINTEXT",
    status: 401,
    body: AUTH_ERROR,
    send: (w) => pushWith(w, oauthHeader(params(w.machine.creds, { oauth_signature_method: "HMAC-SHA1" }))),
  },
  {
    name: "push with the right token and a wrong signature",
    status: 401,
    body: /^Authorization Error: 'Invalid signature/,
    send: (w) => pushWith(w, signedWith(swap(w.machine.creds, { tokenSecret: "W".repeat(32) }))),
  },
  {
    name: "push with the right token and an empty signature",
    status: 401,
    body: AUTH_ERROR,
    send: (w) => pushWith(w, oauthHeader(params(w.machine.creds, { oauth_signature: "" }))),
  },
  {
    name: "push with an unknown token",
    status: 401,
    body: /^Authorization Error: 'Invalid access token/,
    send: (w) => pushWith(w, signedWith(swap(w.machine.creds, { tokenKey: "X".repeat(18) }))),
  },
  {
    name: "push with the right token under another consumer key",
    status: 401,
    body: /^Authorization Error: Invalid API key/,
    send: (w) => pushWith(w, signedWith(swap(w.machine.creds, { consumerKey: w.other.creds.consumerKey }))),
  },
  {
    name: "push with a timestamp older than 300 s",
    status: 401,
    body: /^Authorization Error: 'Expired timestamp/,
    send: (w) => pushWith(w, signedWith(w.machine.creds, { timestamp: Math.floor(Date.now() / 1000) - 301 })),
  },
  {
    name: "push with a 256-character nonce",
    status: 401,
    body: AUTH_ERROR,
    send: (w) => pushWith(w, signedWith(w.machine.creds, { nonce: "n".repeat(256) })),
  },
  {
    name: "a replayed nonce",
    status: 401,
    body: /^Authorization Error: 'Nonce already used/,
    async send(w) {
      const headers = signedWith(w.machine.creds);
      const first = await call(w.t.origin, "/MAAS/metadata/2012-03-01/", { headers });
      expect(first.status).toBe(200);
      return call(w.t.origin, "/MAAS/metadata/2012-03-01/", { headers });
    },
  },
  {
    name: "another machine's token naming this machine",
    status: 403,
    body: /^This token belongs to machine/,
    send: (w) => pushWith(w, signedWith(w.other.creds), `?system_id=${w.machine.systemId}`),
  },
  {
    name: "an admin's user key on the metadata API",
    status: 403,
    body: /^Not authenticated as a known node\./,
    send: (w) => pushWith(w, signedWith(w.admin)),
  },
  {
    name: "a user key on the metadata API's vendor-data",
    status: 403,
    body: /^Not authenticated as a known node\./,
    send: (w) => call(w.t.origin, "/MAAS/metadata/latest/meta-data/vendor-data", { creds: w.user }),
  },
  {
    name: "a released machine's old token",
    status: 401,
    body: /^Authorization Error: 'Invalid access token/,
    send: (w) => pushWith(w, signedWith(w.releasedCreds)),
  },
  // A machine token on the user API.
  ...(
    [
      ["list machines", "GET", `${API}/machines/`],
      ["read its own machine", "GET", `${API}/machines/{self}/`],
      ["read its hardware", "GET", `${API}/machines/{self}/?op=hardware`],
      ["get its own token", "GET", `${API}/machines/{self}/?op=get_token`],
      ["deploy a machine", "POST", `${API}/machines/{ready}/?op=deploy`],
      ["release itself", "POST", `${API}/machines/{self}/?op=release`],
      ["set a config", "POST", `${API}/maas/?op=set_config`],
      ["whoami", "GET", `${API}/users/?op=whoami`],
      ["create an API key", "POST", `${API}/account/?op=create_authorisation_token`],
    ] as const
  ).map(
    ([what, method, path]): AuthCase => ({
      name: `a machine token used to ${what}`,
      status: 401,
      body: FORBIDDEN,
      send: (w) =>
        call(w.t.origin, path.replace("{self}", w.machine.systemId).replace("{ready}", w.readyId), {
          method,
          creds: w.machine.creds,
          ...(method === "POST"
            ? { form: { name: "maas_name", value: "pwned", enable_hw_sync: "true" } }
            : {}),
        }),
    }),
  ),
  // A non-admin and somebody else's machine.
  {
    name: "a non-admin deploying a machine someone else deployed",
    status: 404,
    body: /^No Machine matches the given query\./,
    send: (w) =>
      call(w.t.origin, `${API}/machines/${w.othersMachine.systemId}/?op=deploy`, {
        creds: w.user,
        form: { enable_hw_sync: "true" },
      }),
  },
  {
    name: "a non-admin deploying the admin's machine",
    status: 404,
    body: /^No Machine matches the given query\./,
    send: (w) =>
      call(w.t.origin, `${API}/machines/${w.machine.systemId}/?op=deploy`, { creds: w.user, form: {} }),
  },
  {
    name: "a non-admin releasing someone else's machine",
    status: 404,
    send: (w) =>
      call(w.t.origin, `${API}/machines/${w.othersMachine.systemId}/?op=release`, {
        creds: w.user,
        form: {},
      }),
  },
  {
    name: "a non-admin reading someone else's machine token",
    status: 403,
    body: /^This method is reserved for admin users\./,
    send: (w) =>
      call(w.t.origin, `${API}/machines/${w.othersMachine.systemId}/?op=get_token`, { creds: w.user }),
  },
  {
    name: "a non-admin reading someone else's vendor-data (it holds the token)",
    status: 404,
    send: (w) =>
      call(w.t.origin, `${API}/machines/${w.othersMachine.systemId}/?op=vendor_data`, { creds: w.user }),
  },
  {
    name: "a non-admin setting a config",
    status: 403,
    send: (w) =>
      call(w.t.origin, `${API}/maas/?op=set_config`, {
        creds: w.user,
        form: { name: "hardware_sync_interval", value: "1m" },
      }),
  },
  // Cookies and the WebSocket.
  {
    name: "a made-up session cookie on the REST API",
    status: 401,
    body: FORBIDDEN,
    send: (w) =>
      call(w.t.origin, `${API}/machines/${w.machine.systemId}/`, {
        headers: { cookie: `sessionid=${randomBytes(32).toString("base64url")}` },
      }),
  },
  { name: "a WebSocket upgrade without credentials", status: 401, send: (w) => wsUpgrade(w, {}) },
  {
    name: "a WebSocket upgrade with a made-up session",
    status: 401,
    send: (w) => wsUpgrade(w, { cookie: "sessionid=not-a-session" }),
  },
  {
    name: "a WebSocket upgrade with a machine token",
    status: 401,
    send: (w) => wsUpgrade(w, signedWith(w.machine.creds)),
  },
  {
    name: "a wrong password on accounts/authenticate",
    status: 401,
    send: (w) =>
      call(w.t.origin, "/MAAS/accounts/authenticate/", {
        form: { username: "admin", password: "not-the-password" },
      }),
  },
  {
    name: "OAuth parameters in the query string with a wrong signature",
    status: 401,
    body: AUTH_ERROR,
    send: (w) => {
      const query = new URLSearchParams(params(w.admin, { oauth_signature: "&wrong" })).toString();
      return call(w.t.origin, `${API}/machines/?${query}`);
    },
  },
];

describe("refusing the wrong credentials", () => {
  let w: World;
  let fingerprint: () => Promise<string>;
  const secrets: string[] = [];
  const outcomes: Array<{ case: string; expected: number; got: number }> = [];

  beforeAll(async () => {
    const t = await startTestRegion({ engine: "postgres" });
    const admin = t.adminCredentials;
    const user = t.userCredentials;
    await createUser(t.db, { username: "someone-else", password: "someone-else-password" });
    const someoneElse = parseApiKey(await getOrCreateApiKey(t.db, "someone-else"));
    const machine = await deployMachine(t.origin, admin);
    expect((await signedPush(t.origin, machine.creds, payloadFor(1))).status).toBe(200);
    const other = await deployMachine(t.origin, admin);
    const released = await deployMachine(t.origin, admin);
    const release = await call(t.origin, `${API}/machines/${released.systemId}/?op=release`, {
      creds: admin,
      form: {},
    });
    expect(release.status).toBe(200);
    const othersMachine = await deployMachine(t.origin, admin, { deployer: someoneElse });
    const readyId = await t.addMachine();
    w = { t, admin, user, machine, other, releasedCreds: released.creds, othersMachine, readyId };
    secrets.push(
      ...[admin, user, someoneElse, machine.creds, other.creds, released.creds, othersMachine.creds].map(
        (creds) => creds.tokenSecret,
      ),
      t.adminPassword,
    );
    fingerprint = await fingerprinter(t.db);
  });

  afterAll(async () => {
    const wrong = outcomes.filter((o) => o.expected !== o.got).length;
    report("auth", {
      cases: outcomes.length,
      refusedAsExpected: outcomes.length - wrong,
      wrongStatus: wrong,
    });
    console.table(outcomes);
    await w?.t.close();
  });

  test.each(CASES)("$name is refused with $status and writes nothing", async (authCase) => {
    const before = await fingerprint();
    const reply = await authCase.send(w);
    outcomes.push({ case: authCase.name, expected: authCase.status, got: reply.status });
    expect(reply.status).toBe(authCase.status);
    if (authCase.body) expect(reply.text).toMatch(authCase.body);
    for (const secret of secrets) expect(reply.text).not.toContain(secret);
    expect(await fingerprint()).toBe(before);
  });

  test("another machine's token naming this machine gets its own vendor-data, never this one's", async () => {
    const reply = await call(
      w.t.origin,
      `/MAAS/metadata/latest/meta-data/vendor-data?system_id=${w.machine.systemId}`,
      {
        creds: w.other.creds,
      },
    );
    expect(reply.text).toContain(w.other.creds.tokenSecret);
    expect(reply.text).not.toContain(w.machine.creds.tokenSecret);
    expect(reply.text).not.toContain(w.machine.systemId);
  });

  test("the same machine token still works after all those refusals", async () => {
    const again = await signedPush(w.t.origin, w.machine.creds, payloadFor(1));
    expect(again.status).toBe(200);
    expect(again.json()).toMatchObject({ changed: false });
  });
});
