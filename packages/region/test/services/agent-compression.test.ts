import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { zstdDecompressSync } from "node:zlib";
import { useTestRegion } from "@hwsync/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  acceptedEncodings,
  compressZstdFile,
  precompressAgent,
  zstdSidecarPath,
} from "../../src/services/agent-compression.ts";

const run = promisify(execFile);
const CURL_ACCEPT = "deflate, gzip, br, zstd";

describe("Accept-Encoding negotiation", () => {
  test.each([
    [undefined, ["identity"]],
    ["identity", ["identity"]],
    ["gzip", ["gzip", "identity"]],
    ["x-gzip;q=0.5", ["gzip", "identity"]],
    [CURL_ACCEPT, ["zstd", "gzip", "identity"]],
    ["zstd;q=0, gzip", ["gzip", "identity"]],
    ["*", ["zstd", "gzip", "identity"]],
    ["*;q=0, gzip;q=0.3", ["gzip", "identity"]],
  ])("%s accepts %j, best first", (header, expected) => {
    expect(acceptedEncodings(header)).toEqual(expected);
  });
});

/** The raw answer, never inflated (fetch would decode it). */
function download(origin: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      get(`${origin}/MAAS/hardware-sync/amd64`, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
      }).on("error", reject);
    },
  );
}

describe("agent download with zstd", () => {
  const agentDir = mkdtempSync(join(tmpdir(), "hwsync-agents-zstd-"));
  const binary = join(agentDir, "maas-hw-sync-linux-x64");
  const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
  const sidecars = () => readdirSync(agentDir).filter((name) => name.endsWith(".zst"));
  function writeAgent(version: string): Buffer {
    const bytes = Buffer.from(`#!/bin/sh\n# ${version} ${"agent ".repeat(50_000)}\necho ${version}\n`);
    writeFileSync(binary, bytes, { mode: 0o755 });
    utimesSync(
      binary,
      new Date(`2026-11-0${version.length}T10:00:00Z`),
      new Date(`2026-11-0${version.length}T10:00:00Z`),
    );
    return bytes;
  }
  let v1: Buffer;
  beforeAll(() => {
    v1 = writeAgent("v1");
  });
  const t = useTestRegion({ config: { agentDir } });
  afterAll(() => rmSync(agentDir, { recursive: true, force: true }));

  test("curl --compressed receives zstd that inflates to the binary, and a 304 when unchanged", async () => {
    const reply = await download(t.origin, { "accept-encoding": CURL_ACCEPT });
    expect([reply.status, reply.headers["content-encoding"]]).toEqual([200, "zstd"]);
    expect(reply.headers.etag).toBe(`"${sha256(v1).slice(0, 32)}-zstd"`);
    expect(reply.body.length).toBeLessThan(v1.length / 20);
    expect(zstdDecompressSync(reply.body).equals(v1)).toBe(true);
    const { stdout } = await run("curl", ["-fsS", "--compressed", `${t.origin}/MAAS/hardware-sync/amd64`], {
      maxBuffer: 4 * 1024 * 1024,
    });
    expect(stdout).toBe(v1.toString());
    const again = await download(t.origin, {
      "accept-encoding": CURL_ACCEPT,
      "if-none-match": String(reply.headers.etag),
    });
    expect([again.status, again.body.length]).toEqual([304, 0]);
  });

  test("gzip-only clients still get gzip", async () => {
    const reply = await download(t.origin, { "accept-encoding": "gzip" });
    expect([reply.status, reply.headers["content-encoding"]]).toEqual([200, "gzip"]);
  });

  test("the zstd copy is kept beside the binary under its hash; a new binary replaces it", async () => {
    expect(sidecars()).toEqual([`.maas-hw-sync-linux-x64.${sha256(v1).slice(0, 16)}.zst`]);
    const v2 = writeAgent("v22");
    const reply = await download(t.origin, { "accept-encoding": CURL_ACCEPT });
    expect(zstdDecompressSync(reply.body).equals(v2)).toBe(true);
    expect(sidecars()).toEqual([`.maas-hw-sync-linux-x64.${sha256(v2).slice(0, 16)}.zst`]);
  });

  test("a compression stops when its signal aborts (a region shutting down does not wait for it)", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(compressZstdFile(binary, { signal: controller.signal })).rejects.toMatchObject({
      name: "AbortError",
    });
  });

  test("precompressAgent writes the copy the region serves", async () => {
    const bytes = readFileSync(binary);
    rmSync(zstdSidecarPath(binary, sha256(bytes)));
    const size = await precompressAgent(binary, sha256(bytes));
    const stored = readFileSync(zstdSidecarPath(binary, sha256(bytes)));
    expect(stored.length).toBe(size);
    expect(zstdDecompressSync(stored).equals(bytes)).toBe(true);
  });
});
