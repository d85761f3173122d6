import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { registerWebUi } from "../../src/routes/web-ui.ts";

const INDEX = "<!doctype html><title>hwsync</title><div id=root></div>";
const SCRIPT = `console.log(${JSON.stringify("x".repeat(4000))});`;

let dir: string;
let app: FastifyInstance;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hwsync-web-"));
  await mkdir(join(dir, "dist", "assets"), { recursive: true });
  await writeFile(join(dir, "dist", "index.html"), INDEX);
  await writeFile(join(dir, "dist", "assets", "index-abc123.js"), SCRIPT);
  await writeFile(join(dir, "dist", "robots.txt"), "User-agent: *\n");
  await writeFile(join(dir, "secret.txt"), "outside dist");
  app = Fastify();
  registerWebUi(app, { distDir: join(dir, "dist") });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

describe("registerWebUi", () => {
  test.each([
    ["/MAAS/r/", 200, "text/html; charset=utf-8", INDEX],
    ["/MAAS/r/machines", 200, "text/html; charset=utf-8", INDEX],
    ["/MAAS/r/machine/abc123", 200, "text/html; charset=utf-8", INDEX],
    ["/MAAS/r/settings?x=1", 200, "text/html; charset=utf-8", INDEX],
    ["/MAAS/r/assets/index-abc123.js", 200, "text/javascript; charset=utf-8", SCRIPT],
    ["/MAAS/r/robots.txt", 200, "text/plain; charset=utf-8", "User-agent: *\n"],
  ])("GET %s answers %i %s with the file", async (url, status, type, body) => {
    const response = await app.inject({ url });
    expect(response.statusCode).toBe(status);
    expect(response.headers["content-type"]).toBe(type);
    expect(response.body).toBe(body);
  });

  test.each([
    "/MAAS/r/assets/index-old999.js",
    "/MAAS/r/favicon.ico",
    "/MAAS/r/%2e%2e/secret.txt",
    "/MAAS/r/..%2fsecret.txt",
  ])("GET %s answers 404 instead of index.html or a file outside dist", async (url) => {
    const response = await app.inject({ url });
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain("outside dist");
  });

  test("the bare /MAAS/r redirects to /MAAS/r/ keeping the query", async () => {
    const response = await app.inject({ url: "/MAAS/r?unhealthy=1" });
    expect(response.statusCode).toBe(301);
    expect(response.headers.location).toBe("/MAAS/r/?unhealthy=1");
  });

  test("hashed assets are cached for a year and index.html is revalidated", async () => {
    const asset = await app.inject({ url: "/MAAS/r/assets/index-abc123.js" });
    const index = await app.inject({ url: "/MAAS/r/machine/abc123" });
    expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(index.headers["cache-control"]).toBe("no-cache");
    expect(index.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(asset.headers["x-content-type-options"]).toBe("nosniff");
  });

  test("a matching If-None-Match answers 304 with no body", async () => {
    const first = await app.inject({ url: "/MAAS/r/assets/index-abc123.js" });
    const etag = String(first.headers.etag);
    const again = await app.inject({
      url: "/MAAS/r/assets/index-abc123.js",
      headers: { "if-none-match": etag },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe("");
  });

  test("gzip is sent only when accepted and decompresses to the file", async () => {
    const gzipped = await app.inject({
      url: "/MAAS/r/assets/index-abc123.js",
      headers: { "accept-encoding": "gzip, br" },
    });
    expect(gzipped.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gzipped.rawPayload).toString()).toBe(SCRIPT);
    const plain = await app.inject({ url: "/MAAS/r/assets/index-abc123.js" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
  });

  test("HEAD answers the headers of GET without a body", async () => {
    const response = await app.inject({ method: "HEAD", url: "/MAAS/r/machines" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(response.body).toBe("");
  });

  test("behind ignoreTrailingSlash (as the region runs) /MAAS/r/ serves the app instead of looping", async () => {
    const strict = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
    registerWebUi(strict, { distDir: join(dir, "dist") });
    const answers = await Promise.all(
      ["/MAAS/r", "/MAAS/r/", "/MAAS/r/?unhealthy=1", "/MAAS/r/machines/"].map((url) =>
        strict.inject({ url }),
      ),
    );
    await strict.close();
    expect(answers.map((a) => [a.statusCode, a.headers.location ?? a.body])).toEqual([
      [301, "/MAAS/r/"],
      [200, INDEX],
      [200, INDEX],
      [200, INDEX],
    ]);
  });

  test("a missing build answers 503 telling how to build it", async () => {
    const bare = Fastify();
    registerWebUi(bare, { distDir: join(dir, "no-such-dist") });
    const response = await bare.inject({ url: "/MAAS/r/" });
    await bare.close();
    expect(response.statusCode).toBe(503);
    expect(response.body).toBe(
      "The web UI is not built. Run `npm run build -w @hwsync/web`, then reload this page.",
    );
  });
});
