import type { IncomingMessage, ServerResponse } from "node:http";
import { type ScriptedServer, startScriptedServer } from "@hwsync/testkit/scripted-server";
import { afterEach, expect, test } from "vitest";
import { type ResponseData, request } from "../src/undici-lite.ts";

// The shim at undici's own API: what shared's ApiClient relies on. The client's behaviour over
// the shim (caps, redirects, budgets, Retry-After) is tested in undici-lite-client.test.ts.

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(
  respond: (
    req: { method: string; headers: IncomingMessage["headers"]; body: Buffer },
    res: ServerResponse,
  ) => void,
) {
  server = await startScriptedServer((req, res) => respond(req, res));
  return server.url;
}

async function readAll(body: ResponseData["body"]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

test("sends method, headers and a byte body and returns status, headers and text", async () => {
  let seen: { method?: string; header?: string; body?: string; length?: string } = {};
  const url = await serve((req, res) => {
    seen = {
      method: req.method,
      header: String(req.headers["x-test"]),
      body: req.body.toString(),
      length: req.headers["content-length"],
    };
    res.writeHead(201, { "content-type": "application/json" }).end('{"ok":true}');
  });
  const response = await request(`${url}/path?q=1`, {
    method: "POST",
    headers: { "x-test": "yes" },
    body: new Uint8Array([104, 105]),
  });
  expect(seen).toEqual({ method: "POST", header: "yes", body: "hi", length: "2" });
  expect(response.statusCode).toBe(201);
  expect(response.headers["content-type"]).toBe("application/json");
  expect((await readAll(response.body)).toString("utf8")).toBe('{"ok":true}');
});

test("the body arrives unchanged, binary included, chunk by chunk", async () => {
  const payload = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41]);
  const url = await serve((_req, res) => res.writeHead(200).end(payload));
  const response = await request(url);
  expect((await readAll(response.body)).equals(payload)).toBe(true);
});

test("a refused connection fails with the errno code ApiClient classifies as unreachable", async () => {
  const url = await serve(() => {});
  await server!.close();
  server = undefined;
  await expect(request(`${url}/`)).rejects.toMatchObject({ code: "ECONNREFUSED" });
});

test("no answer within headersTimeout fails with undici's timeout code", async () => {
  const url = await serve(() => {});
  await expect(request(url, { headersTimeout: 50 })).rejects.toMatchObject({
    code: "UND_ERR_HEADERS_TIMEOUT",
  });
});

test("a body that stops for bodyTimeout fails with undici's timeout code", async () => {
  const url = await serve((_req, res) => {
    res.writeHead(200);
    res.write("{");
  });
  const response = await request(url, { bodyTimeout: 50 });
  await expect(readAll(response.body)).rejects.toMatchObject({ code: "UND_ERR_BODY_TIMEOUT" });
});

test("an aborted signal fails the request with an AbortError", async () => {
  const url = await serve(() => {});
  const controller = new AbortController();
  const pending = request(url, { signal: controller.signal });
  setTimeout(() => controller.abort(), 20);
  await expect(pending).rejects.toMatchObject({ name: "AbortError" });
});

test("aborting the signal while the body flows fails the body with an AbortError", async () => {
  const url = await serve((_req, res) => {
    res.writeHead(200);
    res.write("{");
  });
  const controller = new AbortController();
  const response = await request(url, { signal: controller.signal });
  setTimeout(() => controller.abort(), 20);
  await expect(readAll(response.body)).rejects.toMatchObject({ name: "AbortError" });
});

test("destroying an unread body hangs up at once", async () => {
  const url = await serve((_req, res) => {
    res.writeHead(200);
    res.write("x".repeat(1024));
  });
  const response = await request(url);
  response.body.destroy();
  await expect.poll(() => server!.cutShort).toBe(1);
});
