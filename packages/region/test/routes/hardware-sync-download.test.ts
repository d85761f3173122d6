import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { raw, startTestRegion } from "@hwsync/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fakeClock } from "../../src/clock.ts";
import { renderFetchScript } from "../../src/services/vendor-data.ts";
import type { SyncRegion } from "../helpers/sync-region.ts";

const run = promisify(execFile);

// The "binary" is a shell script that prints its arguments, so the launcher test can run it.
const AGENT_V1 = `#!/bin/sh\n# v1 ${"x".repeat(200_000)}\necho "agent v1: $*"\n`;
const AGENT_V2 = `#!/bin/sh\n# v2 ${"y".repeat(200_000)}\necho "agent v2: $*"\n`;

describe("agent download and launcher", () => {
  let t: SyncRegion;
  let agentDir: string;
  let work: string;
  const seen: Array<{ url: string; status: number }> = [];

  function writeAgent(text: string, mtime: Date): void {
    const path = join(agentDir, "maas-hw-sync-linux-x64");
    writeFileSync(path, text, { mode: 0o755 });
    utimesSync(path, mtime, mtime);
  }

  beforeAll(async () => {
    agentDir = mkdtempSync(join(tmpdir(), "hwsync-agents-"));
    work = mkdtempSync(join(tmpdir(), "hwsync-machine-"));
    writeAgent(AGENT_V1, new Date("2026-11-01T10:00:00Z"));
    t = await startTestRegion({ clock: fakeClock(new Date()), config: { agentDir } });
    t.region.app.server.on("request", (request: IncomingMessage, response: ServerResponse) => {
      response.on("finish", () => seen.push({ url: request.url ?? "", status: response.statusCode }));
    });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(agentDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  test("the binary is served with validators and a 304 when unchanged", async () => {
    const identity = { "accept-encoding": "identity" };
    const reply = await raw(t, { path: "/MAAS/hardware-sync/amd64", headers: identity });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe(AGENT_V1);
    expect(reply.headers.get("content-length")).toBe(String(AGENT_V1.length));
    expect(reply.headers.get("last-modified")).toBe("Sun, 01 Nov 2026 10:00:00 GMT");
    const etag = reply.headers.get("etag")!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const conditions: Array<Record<string, string>> = [
      { "if-none-match": etag },
      { "if-modified-since": "Sun, 01 Nov 2026 10:00:00 GMT" },
    ];
    for (const condition of conditions) {
      const again = await raw(t, {
        path: "/MAAS/hardware-sync/amd64",
        headers: { ...identity, ...condition },
      });
      expect([again.status, again.body.length]).toEqual([304, 0]);
    }
    const stale = await raw(t, {
      path: "/MAAS/hardware-sync/x86_64",
      headers: { ...identity, "if-none-match": '"0000"' },
    });
    expect(stale.status).toBe(200);
  });

  test("gzip is served when accepted, from one compression", async () => {
    const headers = { "accept-encoding": "gzip, deflate" };
    const first = await fetch(`${t.region.origin}/MAAS/hardware-sync/amd64`, { headers });
    // fetch inflates transparently; the raw headers still say what travelled.
    expect(first.headers.get("content-encoding")).toBe("gzip");
    expect(Number(first.headers.get("content-length"))).toBeLessThan(AGENT_V1.length / 10);
    expect(await first.text()).toBe(AGENT_V1);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/-gzip"$/);
    const again = await raw(t, {
      path: "/MAAS/hardware-sync/amd64",
      headers: { ...headers, "if-none-match": etag },
    });
    expect(again.status).toBe(304);
    const { stdout } = await run(
      "curl",
      ["-fsS", "--compressed", `${t.region.origin}/MAAS/hardware-sync/amd64`],
      {
        maxBuffer: 10 * 1024 * 1024,
      },
    );
    expect(stdout).toBe(AGENT_V1);
  });

  test.each([
    ["/MAAS/hardware-sync/sparc", "Unknown architecture 'sparc'. The agent is built for amd64 and arm64."],
    ["/MAAS/hardware-sync/arm64", "No agent binary for arm64"],
  ])("%s is a 404 that says why", async (path, text) => {
    const reply = await raw(t, { path });
    expect(reply.status).toBe(404);
    expect(reply.text).toContain(text);
  });

  test("a timer tick with an unchanged agent downloads nothing; a new agent is installed", async () => {
    const script = join(work, "fetch-agent");
    writeFileSync(script, renderFetchScript(), { mode: 0o755 });
    const dest = join(work, "maas-hw-sync");
    const env = { ...process.env, MAAS_HWSYNC_AGENT: dest };
    const fetches = () => seen.filter((entry) => entry.url === "/MAAS/hardware-sync/amd64");

    const before = fetches().length;
    await run(script, [t.region.url], { env });
    expect(readFileSync(dest, "utf8")).toBe(AGENT_V1);
    expect(statSync(dest).mode & 0o777).toBe(0o755);
    const inode = statSync(dest).ino;

    await run(script, [t.region.url], { env });
    expect(statSync(dest).ino).toBe(inode);
    expect(
      fetches()
        .slice(before)
        .map((entry) => entry.status),
    ).toEqual([200, 304]);

    writeAgent(AGENT_V2, new Date("2026-11-02T10:00:00Z"));
    await run(script, [t.region.url], { env });
    expect(readFileSync(dest, "utf8")).toBe(AGENT_V2);
    expect(
      fetches()
        .slice(before)
        .map((entry) => entry.status),
    ).toEqual([200, 304, 200]);
  });

  test("maas-run-scripts hands MAAS's report-results command line to the agent", async () => {
    const reply = await raw(t, { path: "/MAAS/maas-run-scripts" });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toBe("text/x-shellscript; charset=utf-8");
    const launcher = join(work, "maas-run-scripts");
    writeFileSync(launcher, reply.text, { mode: 0o755 });
    const env = { ...process.env, MAAS_HWSYNC_AGENT: join(work, "launched-agent") };
    const { stdout } = await run(
      launcher,
      ["report-results", "--config", "/etc/maas/maas-machine-creds.yml"],
      { env },
    );
    expect(stdout).toMatch(/^agent v\d: run --config \/etc\/maas\/maas-machine-creds.yml\n$/);
  });

  test("with the region unreachable the launcher still runs the installed agent", async () => {
    const launcher = join(work, "maas-run-scripts-offline");
    writeFileSync(launcher, (await raw(t, { path: "/MAAS/maas-run-scripts" })).text, { mode: 0o755 });
    const agent = join(work, "offline-agent");
    writeFileSync(agent, '#!/bin/sh\necho "installed: $*"\n', { mode: 0o755 });
    const env = { ...process.env, MAAS_HWSYNC_AGENT: agent, MAAS_HWSYNC_REGION: "http://127.0.0.1:9/MAAS" };
    const { stdout, stderr } = await run(launcher, ["report-results", "--config", "c.yml"], { env });
    expect(stdout).toBe("installed: run --config c.yml\n");
    expect(stderr).toContain("could not update the agent");
  });
});
