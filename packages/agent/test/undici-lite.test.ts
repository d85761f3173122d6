import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, test } from "vitest";
import { request } from "../src/undici-lite.ts";

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((done) => (server ? server.close(done) : done(undefined)));
  server = undefined;
});

async function serve(
  handler: (req: IncomingMessage, body: Buffer, res: import("node:http").ServerResponse) => void,
) {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => handler(req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((done) => server!.listen(0, "127.0.0.1", done));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

test("sends method, headers and a byte body and returns status, headers and text", async () => {
  let seen: { method?: string; header?: string; body?: string; length?: string } = {};
  const url = await serve((req, body, res) => {
    seen = {
      method: req.method,
      header: String(req.headers["x-test"]),
      body: body.toString(),
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
  expect(await response.body.text()).toBe('{"ok":true}');
});

test("bytes() returns a binary body unchanged and text() of the same response still works", async () => {
  const payload = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41]);
  const url = await serve((_req, _body, res) => res.writeHead(200).end(payload));
  const response = await request(url);
  expect(Buffer.from(await response.body.bytes()).equals(payload)).toBe(true);
  expect(await response.body.text()).toBe(payload.toString("utf8"));
});

test("a refused connection fails with the errno code ApiClient classifies as unreachable", async () => {
  const url = await serve(() => {});
  const port = new URL(url).port;
  server!.close();
  server = undefined;
  await expect(request(`http://127.0.0.1:${port}/`)).rejects.toMatchObject({ code: "ECONNREFUSED" });
});

test("no answer within headersTimeout fails with undici's timeout code", async () => {
  const url = await serve(() => {});
  await expect(request(url, { headersTimeout: 50 })).rejects.toMatchObject({
    code: "UND_ERR_HEADERS_TIMEOUT",
  });
});

test("an aborted signal fails the request with an AbortError", async () => {
  const url = await serve(() => {});
  const controller = new AbortController();
  const pending = request(url, { signal: controller.signal });
  setTimeout(() => controller.abort(), 20);
  await expect(pending).rejects.toMatchObject({ name: "AbortError" });
});

test("a body over maxResponseSize fails with undici's code and the connection is dropped", async () => {
  let closed = false;
  const url = await serve((_req, _body, res) => {
    res.writeHead(200);
    res.on("close", () => {
      closed = true;
    });
    const chunk = Buffer.alloc(16 * 1024);
    // Endless: only the client hanging up ends it.
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once("drain", pump);
    };
    res.on("error", () => {});
    pump();
  });
  const response = await request(url, { maxResponseSize: 100_000 });
  await expect(response.body.bytes()).rejects.toMatchObject({ code: "UND_ERR_RES_EXCEEDED_MAX_SIZE" });
  await expect.poll(() => closed).toBe(true);
});

test("a declared Content-Length over maxResponseSize fails before the body arrives", async () => {
  const url = await serve((_req, _body, res) => {
    res.writeHead(200, { "content-length": String(10 * 1024 * 1024) });
    res.write("x");
  });
  const response = await request(url, { maxResponseSize: 1024 });
  await expect(response.body.text()).rejects.toMatchObject({ code: "UND_ERR_RES_EXCEEDED_MAX_SIZE" });
});

test("a body at exactly maxResponseSize is fine", async () => {
  const url = await serve((_req, _body, res) => res.writeHead(200).end(Buffer.alloc(1024, "a")));
  const response = await request(url, { maxResponseSize: 1024 });
  expect((await response.body.bytes()).length).toBe(1024);
});

test("aborting the signal while the body flows fails the body with an AbortError", async () => {
  const url = await serve((_req, _body, res) => {
    res.writeHead(200);
    res.write("{");
  });
  const controller = new AbortController();
  const response = await request(url, { signal: controller.signal });
  setTimeout(() => controller.abort(), 20);
  await expect(response.body.text()).rejects.toMatchObject({ name: "AbortError" });
});
