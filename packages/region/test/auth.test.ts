import { buildAuthorizationHeader, parseApiKey } from "@hwsync/shared";
import { ENGINES, raw, useTestRegion } from "@hwsync/testkit";
import { describe, expect, test } from "vitest";
import { fakeClock } from "../src/clock.ts";

const WHOAMI = "/MAAS/api/2.0/users/?op=whoami";

describe.each(ENGINES)("OAuth and sessions on %s", (engine) => {
  const t = useTestRegion({ engine, clock: fakeClock(new Date()) });

  test("a signed whoami names the key's user", async () => {
    const response = await raw(t.region, { path: WHOAMI, key: t.adminKey });
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ is_superuser: true, is_local: true });
  });

  test("no credentials on a handler without an anonymous side is 401 'Forbidden'", async () => {
    const response = await raw(t.region, { path: WHOAMI });
    expect(response.status).toBe(401);
    expect(response.text).toBe("Forbidden");
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
  });

  test.each([
    [
      "an unknown token",
      (key: string) => {
        const { consumerKey } = parseApiKey(key);
        return {
          consumerKey,
          tokenKey: "NoSuchTokenKey0000",
          tokenSecret: "x".repeat(32),
          consumerSecret: "",
        };
      },
      "Authorization Error: 'Invalid access token: NoSuchTokenKey0000'",
    ],
    [
      "a consumer key that does not match the token",
      (key: string) => ({ ...parseApiKey(key), consumerKey: "WrongConsumerKey00" }),
      "Authorization Error: Invalid API key.",
    ],
    [
      "a wrong secret",
      (key: string) => ({ ...parseApiKey(key), tokenSecret: "y".repeat(32) }),
      "Authorization Error: 'Invalid signature.'",
    ],
  ])("%s is 401 with MAAS's body and WWW-Authenticate", async (_case, mangle, body) => {
    const response = await raw(t.region, { path: WHOAMI, key: mangle(t.adminKey) });
    expect(response.status).toBe(401);
    expect(response.text).toBe(body);
    expect(response.headers.get("www-authenticate")).toBe('OAuth realm="OAuth"');
  });

  test("a timestamp older than 300 s is refused; a future one passes", async () => {
    const now = Math.floor(Date.now() / 1000);
    const old = await raw(t.region, { path: WHOAMI, key: t.adminKey, sign: { timestamp: now - 301 } });
    expect(old.status).toBe(401);
    expect(old.text).toMatch(/^Authorization Error: 'Expired timestamp: given \d+ and now \d+/);
    const future = await raw(t.region, { path: WHOAMI, key: t.adminKey, sign: { timestamp: now + 3600 } });
    expect(future.status).toBe(200);
  });

  test("a nonce is single-use per token", async () => {
    const nonce = `nonce-${Math.random()}`;
    expect((await raw(t.region, { path: WHOAMI, key: t.adminKey, sign: { nonce } })).status).toBe(200);
    const replay = await raw(t.region, { path: WHOAMI, key: t.adminKey, sign: { nonce } });
    expect(replay.status).toBe(401);
    expect(replay.text).toBe(`Authorization Error: 'Nonce already used: ${nonce}'`);
    // The same nonce under another token is a different (consumer, token) pair.
    expect((await raw(t.region, { path: WHOAMI, key: t.userKey, sign: { nonce } })).status).toBe(200);
  });

  test("a non-integer timestamp is a 400 with piston's quoted body", async () => {
    const header = buildAuthorizationHeader(parseApiKey(t.adminKey)).replace(
      /oauth_timestamp="\d+"/,
      'oauth_timestamp="soon"',
    );
    const response = await raw(t.region, { path: WHOAMI, headers: { authorization: header } });
    expect(response.status).toBe(400);
    expect(response.text).toBe(
      "'Bad Request: the following problems were found among the auth params: oauth_timestamp has an unexpected type'",
    );
  });

  test("HMAC-SHA1 is refused with a message naming PLAINTEXT", async () => {
    const header = buildAuthorizationHeader(parseApiKey(t.adminKey)).replace("PLAINTEXT", "HMAC-SHA1");
    const response = await raw(t.region, { path: WHOAMI, headers: { authorization: header } });
    expect(response.status).toBe(401);
    expect(response.text).toMatch(/PLAINTEXT/);
  });

  test("the header is read in any order, with a realm, as the Go client sends it", async () => {
    const { consumerKey, tokenKey, tokenSecret } = parseApiKey(t.userKey);
    const header = `OAuth oauth_token="${tokenKey}", realm="MAAS+API", oauth_signature="%26${tokenSecret}", oauth_consumer_key="${consumerKey}", oauth_signature_method="PLAINTEXT", oauth_nonce="${Math.random()}", oauth_version="1.0", oauth_timestamp="${Math.floor(Date.now() / 1000)}"`;
    expect((await raw(t.region, { path: WHOAMI, headers: { authorization: header } })).status).toBe(200);
  });

  test("the OAuth parameters also work from the query string and from the form body", async () => {
    const { consumerKey, tokenKey, tokenSecret } = parseApiKey(t.adminKey);
    const params = (nonce: string) => ({
      oauth_consumer_key: consumerKey,
      oauth_token: tokenKey,
      oauth_signature: `&${tokenSecret}`,
      oauth_signature_method: "PLAINTEXT",
      oauth_timestamp: String(Math.floor(Date.now() / 1000)),
      oauth_nonce: nonce,
    });
    const query = new URLSearchParams(params("q1")).toString();
    expect((await raw(t.region, { path: `${WHOAMI}&${query}` })).status).toBe(200);
    const form = await raw(t.region, {
      path: "/MAAS/api/2.0/maas/?op=set_config",
      form: { ...params("f1"), name: "maas_name", value: "form-signed" },
    });
    expect(form.status).toBe(200);
    expect(form.text).toBe("OK");
  });

  test("a session cookie from accounts/login authenticates REST calls until logout", async () => {
    const username = (await raw(t.region, { path: WHOAMI, key: t.userKey })).json() as { username: string };
    const login = await raw(t.region, {
      path: "/MAAS/accounts/login/",
      form: { username: username.username, password: t.userPassword },
    });
    expect(login.status).toBe(200);
    const setCookie = login.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^sessionid=[\w-]+; Path=\/MAAS; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    const cookie = setCookie.split(";")[0]!;
    const whoami = await raw(t.region, { path: WHOAMI, headers: { cookie } });
    expect(whoami.status).toBe(200);
    expect(whoami.json()).toMatchObject({ username: username.username, is_superuser: false });
    const logout = await raw(t.region, {
      path: "/MAAS/accounts/logout/",
      method: "POST",
      headers: { cookie },
    });
    expect(logout.status).toBe(204);
    expect((await raw(t.region, { path: WHOAMI, headers: { cookie } })).status).toBe(401);
  });

  test.each([
    ["a wrong password", { username: "nobody-here", password: "whatever1" }, 401],
    ["a missing password", { username: "x" }, 400],
  ])("login with %s is refused", async (_case, form, status) => {
    const response = await raw(t.region, { path: "/MAAS/accounts/login/", form });
    expect(response.status).toBe(status);
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  test("accounts/authenticate turns a username and password into a working API key", async () => {
    const me = (await raw(t.region, { path: WHOAMI, key: t.userKey })).json() as { username: string };
    const response = await raw(t.region, {
      path: "/MAAS/accounts/authenticate/",
      form: { username: me.username, password: t.userPassword, consumer: "laptop" },
    });
    expect(response.status).toBe(200);
    const token = response.json() as Record<string, string>;
    expect(token.name).toBe("laptop");
    expect(token.token_key).toHaveLength(18);
    expect(token.token_secret).toHaveLength(32);
    const key = `${token.consumer_key}:${token.token_key}:${token.token_secret}`;
    expect((await raw(t.region, { path: WHOAMI, key })).status).toBe(200);
    const wrong = await raw(t.region, {
      path: "/MAAS/accounts/authenticate/",
      form: { username: me.username, password: "not-the-password" },
    });
    expect(wrong.status).toBe(401);
  });

  test("account tokens can be listed, created, renamed and deleted", async () => {
    const created = await t.user.post<Record<string, string>>("account/", "create_authorisation_token", {
      name: "ci",
    });
    const key = `${created.body.consumer_key}:${created.body.token_key}:${created.body.token_secret}`;
    let list = await t.user.get<Array<{ name: string; token: string }>>(
      "account/",
      "list_authorisation_tokens",
    );
    expect(list.body).toContainEqual({ name: "ci", token: key });
    await t.user.post("account/", "update_token_name", { token: key, name: "ci-renamed" });
    list = await t.user.get("account/", "list_authorisation_tokens");
    expect(list.body).toContainEqual({ name: "ci-renamed", token: key });
    await t.user.post("account/", "delete_authorisation_token", { token_key: created.body.token_key! });
    const afterDelete = await raw(t.region, { path: WHOAMI, key });
    expect(afterDelete.status).toBe(401);
    expect(afterDelete.text).toContain("Invalid access token");
  });
});
