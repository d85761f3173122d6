import { answerJson, closedPort } from "@hwsync/testkit/scripted-server";
import { beforeAll, describe, expect, test } from "vitest";
import { ApiClient, normalizeApiUrl } from "../src/client.ts";
import { parseApiKey } from "../src/oauth.ts";
import { useScriptedServer } from "./support/use-scripted-server.ts";

const scripted = useScriptedServer();
/** The API root of the scripted server. */
let base = "";
beforeAll(() => {
  base = `${scripted.url}/MAAS/`;
});
/** What the server was asked, as these tests read it. */
const seen = () =>
  scripted.requests.map((request) => ({
    ...request,
    url: request.path,
    body: request.body.toString("utf8"),
  }));

const credentials = parseApiKey("ck:tk:ts");
const client = (retries = 3) =>
  new ApiClient({
    url: base,
    credentials,
    retry: { retries, minDelayMs: 1, maxDelayMs: 5 },
    timeoutMs: 2000,
  });

const json = answerJson;

describe("normalizeApiUrl", () => {
  test.each([
    ["http://h:5240/MAAS", "http://h:5240/MAAS/api/2.0/"],
    ["http://h:5240/MAAS/", "http://h:5240/MAAS/api/2.0/"],
    ["http://h:5240/MAAS/api/2.0", "http://h:5240/MAAS/api/2.0/"],
    ["http://h:5240/MAAS/api/2.0/", "http://h:5240/MAAS/api/2.0/"],
    ["https://maas.example/MAAS/api/2.0/?x=1#f", "https://maas.example/MAAS/api/2.0/"],
  ])("%s → %s", (input, output) => {
    expect(normalizeApiUrl(input)).toBe(output);
  });

  test.each(["not a url", "ftp://h/MAAS"])("%j is refused as a usage error", (input) => {
    expect(() => normalizeApiUrl(input)).toThrowError(expect.objectContaining({ code: "HWS_USAGE" }));
  });
});

describe("ApiClient against a local server", () => {
  test("signs a GET, puts op first in the query and parses JSON", async () => {
    scripted.respond = (_req, res) => json(res, 200, { value: "15m" });
    const response = await client().get("maas/", "get_config", { name: "hardware_sync_interval" });
    expect(response.body).toEqual({ value: "15m" });
    expect(seen()).toHaveLength(1);
    expect(seen()[0]!.url).toBe("/MAAS/api/2.0/maas/?op=get_config&name=hardware_sync_interval");
    expect(seen()[0]!.headers.authorization).toMatch(
      /^OAuth oauth_nonce="\d+", oauth_timestamp="\d+", oauth_version="1.0", oauth_signature_method="PLAINTEXT", oauth_consumer_key="ck", oauth_token="tk", oauth_signature="%26ts"$/,
    );
  });

  test("sends form fields URL-encoded on POST, keeping repeated keys in order", async () => {
    scripted.respond = (_req, res) => json(res, 200, { system_id: "abc" });
    await client().post("machines/abc/", "deploy", [
      ["enable_hw_sync", "true"],
      ["comment", "a=b c"],
      ["tag", "x"],
      ["tag", "y"],
    ]);
    expect(seen()[0]).toMatchObject({ method: "POST", url: "/MAAS/api/2.0/machines/abc/?op=deploy" });
    expect(seen()[0]!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(seen()[0]!.body).toBe("enable_hw_sync=true&comment=a%3Db+c&tag=x&tag=y");
  });

  test("sends multipart when files are given", async () => {
    scripted.respond = (_req, res) => res.end("OK");
    const response = await client().request({
      method: "POST",
      path: "/MAAS/metadata/2012-03-01/",
      form: { op: "signal", status: "WORKING" },
      files: [
        { name: "50-maas-01-commissioning.out", filename: "50-maas-01-commissioning.out", content: "{}" },
      ],
    });
    expect(response.body).toBe("OK");
    expect(seen()[0]!.url).toBe("/MAAS/metadata/2012-03-01/");
    expect(seen()[0]!.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(seen()[0]!.body).toContain('name="status"\r\n\r\nWORKING');
    expect(seen()[0]!.body).toContain('filename="50-maas-01-commissioning.out"');
  });

  test("retries a GET on 503 with a fresh signature each time", async () => {
    let calls = 0;
    scripted.respond = (_req, res) => {
      calls += 1;
      if (calls < 3) {
        res.writeHead(503, { "retry-after": "0", "content-type": "text/plain" });
        res.end("busy");
      } else json(res, 200, []);
    };
    const response = await client().get("machines/");
    expect(response.status).toBe(200);
    expect(seen()).toHaveLength(3);
    const nonces = seen().map((s) => /oauth_nonce="(\d+)"/.exec(s.headers.authorization!)?.[1]);
    expect(new Set(nonces).size).toBe(3);
  });

  test("gives up after the configured retries with the last status", async () => {
    scripted.respond = (_req, res) => {
      res.writeHead(503, { "content-type": "text/plain" });
      res.end("still busy");
    };
    await expect(client(2).get("machines/")).rejects.toMatchObject({ code: "HWS_API_STATUS", status: 503 });
    expect(seen()).toHaveLength(3);
  });

  test("never retries a POST on 503", async () => {
    scripted.respond = (_req, res) => {
      res.writeHead(503);
      res.end();
    };
    await expect(client().post("machines/abc/", "release")).rejects.toMatchObject({ status: 503 });
    expect(seen()).toHaveLength(1);
  });

  test("retries a POST only when the caller says the server treats it as idempotent", async () => {
    let calls = 0;
    scripted.respond = (_req, res) => {
      calls += 1;
      if (calls === 1) {
        res.writeHead(503);
        res.end();
      } else json(res, 200, { changed: false });
    };
    const response = await client().request({
      method: "POST",
      path: "/MAAS/x",
      body: "{}",
      retryUnsafe: true,
    });
    expect(response.body).toEqual({ changed: false });
    expect(seen()).toHaveLength(2);
  });

  test.each([
    [400, "HWS_API_STATUS", "text/plain", "Unrecognised signature: method=GET op=foo"],
    [401, "HWS_AUTH_REJECTED", "text/plain", "Authorization Error: Invalid API key."],
    [403, "HWS_AUTH_REJECTED", "text/plain", ""],
    [404, "HWS_NOT_FOUND", "text/plain", "No Machine matches the given query."],
    [409, "HWS_API_STATUS", "text/plain", "Can't deploy a machine that is in the 'Deployed' state"],
  ])("maps %i to %s with the server's message", async (status, code, type, text) => {
    scripted.respond = (_req, res) => {
      res.writeHead(status, { "content-type": type });
      res.end(text);
    };
    const error = await client()
      .get("machines/abc/")
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code, status, method: "GET", body: text });
    expect((error as Error).message).toBe(
      `[GET] ${base}api/2.0/machines/abc/: ${status} ${
        { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict" }[
          status
        ]
      }`,
    );
    expect(seen()).toHaveLength(1);
  });

  test("parses JSON validation errors into the body", async () => {
    scripted.respond = (_req, res) =>
      json(res, 400, { enable_hw_sync: ["Hardware sync is only supported for Linux based image deploys."] });
    const error = await client()
      .post("machines/abc/", "deploy")
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 400,
      body: { enable_hw_sync: [expect.stringContaining("Linux")] },
    });
  });

  test("learns clock skew from a 401's Date header", async () => {
    const serverNow = new Date(Date.now() + 3600_000);
    scripted.respond = (_req, res) => {
      res.writeHead(401, { date: serverNow.toUTCString(), "content-type": "text/plain" });
      res.end("Authorization Error: 'Expired timestamp'");
    };
    const api = client();
    await api.get("users/", "whoami").catch(() => undefined);
    expect(api.clockSkewSeconds).toBeGreaterThan(3590);
    expect(api.clockSkewSeconds).toBeLessThan(3610);
  });

  test("an unreachable region is a network error, retried for GET", async () => {
    const port = await closedPort();
    let retries = 0;
    const api = new ApiClient({
      url: `http://127.0.0.1:${port}/MAAS/`,
      credentials,
      retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 },
      onRetry: () => {
        retries += 1;
      },
    });
    await expect(api.get("machines/")).rejects.toMatchObject({
      code: "HWS_NET_UNREACHABLE",
      message: expect.stringContaining("ECONNREFUSED"),
    });
    expect(retries).toBe(2);
  });

  test("a server that never answers times out", async () => {
    scripted.respond = () => undefined;
    const api = new ApiClient({ url: base, credentials, retry: { retries: 0 }, timeoutMs: 200 });
    await expect(api.get("slow/")).rejects.toMatchObject({ code: "HWS_TIMEOUT" });
  });

  // Every byte value, and sequences that are not UTF-8: a text round trip would replace them.
  const binary = Uint8Array.from({ length: 512 }, (_, i) => (i * 7) % 256);

  test("responseType bytes returns the body byte for byte, unparsed", async () => {
    scripted.respond = (_req, res) => {
      res.writeHead(200, { "content-type": "application/x-tar" });
      res.end(binary);
    };
    const response = await client().request<Uint8Array>({
      method: "GET",
      path: "/MAAS/metadata/2012-03-01/maas-scripts",
      responseType: "bytes",
    });
    expect(response.body).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(response.body).equals(Buffer.from(binary))).toBe(true);
    expect(response.text).toBe("");
  });

  test("responseType bytes still decodes an error body into the ApiError", async () => {
    scripted.respond = (_req, res) => json(res, 404, { detail: "no scripts" });
    await expect(
      client().request({
        method: "GET",
        path: "/MAAS/metadata/2012-03-01/maas-scripts",
        responseType: "bytes",
      }),
    ).rejects.toMatchObject({ status: 404, body: { detail: "no scripts" } });
  });

  test("describe/ is fetched without a signature when asked", async () => {
    scripted.respond = (_req, res) => json(res, 200, { doc: "MAAS API" });
    await client().request({ method: "GET", path: "describe/", anonymous: true });
    expect(seen()[0]!.headers.authorization).toBeUndefined();
  });
});
