import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { useAgentSession } from "./fixtures/agent-session.ts";
import { MACHINE_TOKEN } from "./fixtures/region.ts";

// Exit codes a monitoring script or systemd can rely on: `status` reports the last run's
// outcome, and a machine with nothing to read is a usage error, never an empty push.

const session = useAgentSession();
const cli = session.main;
const dir = () => session.dir;
const runOnce = (url: string, token = MACHINE_TOKEN, root = session.tree.root) =>
  cli(session.runArgv(session.credentials(url, token), { root }));

describe("status exits with the last run's exit code", () => {
  test("after a synced run: 0", async () => {
    const region = await session.region();
    expect((await runOnce(region.url)).code).toBe(0);
    const status = await cli(["status", "--state-dir", join(dir(), "state")]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain("(synced, exit 0)");
  });

  test("after a run that could not reach the region: 75, with --json too", async () => {
    const region = await session.region();
    await region.close();
    expect((await runOnce(`http://127.0.0.1:${region.port}`)).code).toBe(75);
    expect((await cli(["status", "--state-dir", join(dir(), "state")])).code).toBe(75);
    const json = await cli(["status", "--state-dir", join(dir(), "state"), "--json"]);
    expect(json.code).toBe(75);
    expect(JSON.parse(json.stdout).state.result).toBe("failed");
  });

  test("after a revoked token: 2, and the status says what to do", async () => {
    const region = await session.region();
    expect((await runOnce(region.url, { ...MACHINE_TOKEN, tokenKey: "RevokedToken123456" })).code).toBe(2);
    const status = await cli(["status", "--state-dir", join(dir(), "state")]);
    expect(status.code).toBe(2);
    expect(status.stdout).toMatch(/\nhint: +Redeploy the machine/);
    expect(status.stdout).toContain("spooled payload: none");
  });

  test("with no run recorded yet: 0", async () => {
    expect((await cli(["status", "--state-dir", join(dir(), "fresh")])).code).toBe(0);
  });
});

describe("a root with nothing to read is a usage error, not an empty machine", () => {
  test("collect --root /nonexistent exits 2 naming --root", async () => {
    const { code, stdout, stderr } = await cli(["collect", "--root", join(dir(), "nonexistent")]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(`error HWS_USAGE: --root ${join(dir(), "nonexistent")} does not exist`);
  });

  test("collect --root on a directory without sysfs exits 2 naming --root", async () => {
    mkdirSync(join(dir(), "empty"));
    const { code, stderr } = await cli(["collect", "--root", join(dir(), "empty")]);
    expect(code).toBe(2);
    expect(stderr).toContain(`error HWS_USAGE: --root ${join(dir(), "empty")} has no sysfs`);
  });

  test("run --root without sysfs exits 2 before anything is sent", async () => {
    const region = await session.region();
    mkdirSync(join(dir(), "empty"));
    const { code, stderr } = await runOnce(region.url, MACHINE_TOKEN, join(dir(), "empty"));
    expect(code).toBe(2);
    expect(stderr).toContain("--root");
    expect(region.requests).toHaveLength(0);
  });

  test("a run where every collector failed or found nothing pushes nothing", async () => {
    const region = await session.region();
    const bare = join(dir(), "bare");
    mkdirSync(join(bare, "sys", "devices"), { recursive: true });
    mkdirSync(join(bare, "proc"), { recursive: true });
    const { code, stderr } = await runOnce(region.url, MACHINE_TOKEN, bare);
    expect(code).not.toBe(0);
    expect(stderr).toContain("error HWS_COLLECT_FAILED: no hardware found");
    expect(region.requests).toHaveLength(0);
  });
});
