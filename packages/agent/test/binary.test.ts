import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { CONTENT_HASH_HEADER, contentHash, hardwarePayloadSchema } from "@hwsync/shared";
import { FakeRoot } from "@hwsync/testkit/sysfs/fake-root";
import { buildServerTree } from "@hwsync/testkit/sysfs/server-tree";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { VERSION } from "../src/version.ts";
import { credentialsFor, SIGNAL_FIELDS, startFakeRegion } from "./fixtures/region.ts";

// The built single binary, run the way systemd runs it: from an unrelated directory, with an
// empty environment (no PATH, so no node to fall back on). Builds into a temp dir (~3 s).

const ROOT = resolve(import.meta.dirname, "../../..");
const work = mkdtempSync(join(tmpdir(), "hwsync-binary-"));
const binary = join(work, "dist", "maas-hw-sync-linux-x64");
const tree = buildServerTree();

beforeAll(() => {
  execFileSync(
    join(ROOT, "node_modules/.bin/node"),
    [join(ROOT, "scripts/build-agent.ts"), "--out", join(work, "dist")],
    {
      cwd: ROOT,
      stdio: "pipe",
    },
  );
});
afterAll(() => {
  tree.cleanup();
  rmSync(work, { recursive: true, force: true });
});

/** Asynchronous on purpose: the fake region answers from this same process. */
function runBinary(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cwd = mkdtempSync(join(work, "cwd-"));
  return new Promise((done) => {
    execFile(binary, args, { cwd, env, encoding: "utf8", timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

describe.runIf(process.arch === "x64")("the linux-x64 single binary", () => {
  test("the build leaves the binary, its checksum and the bundle", () => {
    const [digest, name] = readFileSync(`${binary}.sha256`, "utf8").trim().split(/\s+/);
    expect(name).toBe("maas-hw-sync-linux-x64");
    expect(digest).toBe(execFileSync("sha256sum", [binary], { encoding: "utf8" }).split(" ")[0]);
    // npm's undici (with its llhttp parser) stays out: the binary talks through node:http.
    expect(readFileSync(join(work, "dist", "agent.cjs"), "utf8")).not.toContain("llhttp");
  });

  test("prints its version with an empty environment", async () => {
    expect(await runBinary(["--version"])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
  });

  test("ignores NODE_OPTIONS: the environment cannot make the binary load other code", async () => {
    const result = await runBinary(["--version"], { NODE_OPTIONS: "--require /nonexistent/inject.js" });
    expect(result).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
  });

  test("collects this machine standalone: valid payload on stdout, nothing on stderr", async () => {
    const { code, stdout, stderr } = await runBinary(["collect"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const payload = JSON.parse(stdout);
    expect(hardwarePayloadSchema.safeParse(payload).success).toBe(true);
    expect(payload.collector_errors).toBeUndefined();
  });

  test("loads systeminformation from its SEA asset to name a CPU that cpuinfo does not", async () => {
    const arm = new FakeRoot();
    try {
      arm.file("/proc/cpuinfo", "processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xd08\n");
      arm.file("/etc/os-release", "ID=debian\nVERSION_ID=12");
      // A root without sysfs is refused as a usage error: give the ARM machine its (empty) sysfs.
      arm.dir("/sys/devices");
      const { code, stdout, stderr } = await runBinary(["collect", "--root", arm.root]);
      expect({ code, stderr }).toEqual({
        code: 0,
        stderr: expect.not.stringContaining("collector cpu failed"),
      });
      expect(JSON.parse(stdout).resources.cpu.sockets[0].name).toMatch(/\S/);
    } finally {
      arm.cleanup();
    }
  });

  /** `run` with credentials for `url` and a state directory of its own, on the fake server tree. */
  function runAgainst(url: string, name: string, extra: string[] = []) {
    const config = join(work, `${name}.yml`);
    writeFileSync(config, credentialsFor(url));
    return runBinary([
      "run",
      "--config",
      config,
      "--state-dir",
      join(work, `state-${name}`),
      ...extra,
      "--root",
      tree.root,
    ]);
  }

  test("run pushes to the fast path: one POST, gzip, content hash of the exact body, exit 0", async () => {
    const region = await startFakeRegion();
    try {
      const result = await runAgainst(region.url, "fast");
      expect(result.code).toBe(0);
      expect(region.requests).toHaveLength(1);
      const body = gunzipSync(region.requests[0]!.raw);
      expect(region.requests[0]!.headers[CONTENT_HASH_HEADER]).toBe(contentHash(body));
      expect(result.stderr).toMatch(/^hardware synced \(sha256:[0-9a-f]{64}, 4 changes\)\n$/);
    } finally {
      await region.close();
    }
  });

  test("run falls back to op=signal on a region without the fast path", async () => {
    const region = await startFakeRegion({ fastPath: false });
    try {
      const result = await runAgainst(region.url, "compat");
      expect(result.code).toBe(0);
      const signal = region.requests[2]!;
      expect(signal.form?.map(([name]) => name)).toEqual(SIGNAL_FIELDS);
    } finally {
      await region.close();
    }
  });

  test("run against a region that is down exits 75 and spools the payload", async () => {
    const region = await startFakeRegion();
    await region.close();
    const result = await runAgainst(region.url, "down", ["--budget", "2s"]);
    const state = join(work, "state-down");
    expect(result.code).toBe(75);
    expect(result.stderr).toContain(
      "error HWS_NET_UNREACHABLE: no answer from the region within the 2s budget",
    );
    expect(existsSync(join(state, "unsent-payload.json"))).toBe(true);
  });
});
