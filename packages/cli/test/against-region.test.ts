// The built `maas` against the real region (testkit: PGlite on 127.0.0.1, ephemeral port):
// the same flows as cli.process.test.ts, now with our own server's behaviour.
import { parseMachineCredentials } from "@hwsync/shared";
import { fixture, signedPush, startRegion, type TestRegion } from "@hwsync/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { deployArgv, setConfigArgv, useBuiltCli } from "./helpers/cli.ts";

const { maas } = useBuiltCli({ MAAS_HWSYNC_POLL_MS: "50" });
let region: TestRegion;
let first: string;
let second: string;
let closed = false;

beforeAll(async () => {
  region = await startRegion();
  first = await region.createMachine("web-07");
  second = await region.createMachine("db-01");
});

afterAll(async () => {
  if (region && !closed) await region.close();
});

const json = async (args: string[]) => {
  const result = await maas(args);
  expect(result, result.stderr).toMatchObject({ code: 0, stderr: "" });
  return JSON.parse(result.stdout);
};

describe("maas against the region", () => {
  test("logs in with the admin key from stdin", async () => {
    const result = await maas(["login", "admin", region.url, "-"], `${region.adminKey}\n`);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("with the profile name 'admin'");
  });

  test("refuses a wrong key with exit 3", async () => {
    const [consumer, token] = region.adminKey.split(":");
    const result = await maas(["login", "bad", region.url, `${consumer}:${token}:wrongsecret`]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error HWS_AUTH_REJECTED \[GET\] .*users\/\?op=whoami: 401 /);
  });

  test("deploys with --enable-hw-sync --sync-interval 15m", async () => {
    const machine = await json(deployArgv(first, "--enable-hw-sync", "--sync-interval", "15m"));
    expect(machine).toMatchObject({ system_id: first, enable_hw_sync: true, sync_interval: 900 });
    expect(["Deploying", "Deployed"]).toContain(machine.status_name);
  });

  test("deploys with the classic enable_hw_sync=true sync_interval=1800", async () => {
    const machine = await json(deployArgv(second, "enable_hw_sync=true", "sync_interval=1800"));
    expect(machine).toMatchObject({ system_id: second, enable_hw_sync: true, sync_interval: 1800 });
  });

  test("reads a machine back", async () => {
    expect(await json(["admin", "machine", "read", first])).toMatchObject({
      system_id: first,
      hostname: "web-07",
      enable_hw_sync: true,
      sync_interval: 900,
    });
  });

  test("lists machines with hw sync and health in a plain table", async () => {
    const result = await maas(["admin", "machines", "read", "--format", "table"]);
    expect(result.code, result.stderr).toBe(0);
    const rows = result.stdout.trimEnd().split("\n");
    expect(rows[0]).toMatch(/^HOSTNAME +SYSTEM_ID +STATUS +HW SYNC +INTERVAL +LAST SYNC +HEALTH$/);
    // Deployed but not synced yet: on, with its interval, and (per MAAS's rule) not healthy.
    expect(rows.find((row) => row.startsWith("web-07"))).toMatch(
      new RegExp(`^web-07 +${first} +Deploy\\w+ +on +15m +\\S+( ago)? +unhealthy$`),
    );
    expect(rows.find((row) => row.startsWith("db-01"))).toMatch(/ on +30m /);
  });

  test("machines list --sync-unhealthy shows the machines that never synced", async () => {
    const machines: Array<{ system_id: string }> = await json([
      "admin",
      "machines",
      "list",
      "--sync-unhealthy",
    ]);
    expect(machines.map((machine) => machine.system_id).sort()).toEqual([first, second].sort());
  });

  test("after the machine pushes its hardware, it is healthy and its hardware shows", async () => {
    // What the agent does, by hand: one push on the fast path with the machine's own token.
    const credentials = parseMachineCredentials(await region.machineCredentialsYaml(first));
    const pushed = await signedPush(region, credentials, fixture("machine-resources-x86.json"), {
      gzip: false,
    });
    expect(pushed.status, pushed.text).toBe(200);

    const list = await maas(["admin", "machines", "read", "--format", "table"]);
    expect(list.stdout).toMatch(new RegExp(`^web-07 +${first} +Deployed +on +15m +just now +healthy$`, "m"));
    const unhealthy: Array<{ system_id: string }> = await json([
      "admin",
      "machines",
      "list",
      "--sync-unhealthy",
    ]);
    expect(unhealthy.map((machine) => machine.system_id)).toEqual([second]);

    const hardware = await maas(["admin", "machine", "hardware", first, "--format", "table"]);
    expect(hardware.code, hardware.stderr).toBe(0);
    expect(hardware.stdout).toMatch(/^Disks\nNAME +MODEL .*\nsda +/m);
    expect(hardware.stdout).toMatch(/^Network interfaces\nNAME .*\neth0 +/m);
    const history = await maas(["admin", "machine", "hardware-history", first, "--format", "table"]);
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout).toMatch(/^SYNC +WHEN +ACTION +KIND +NAME +DETAILS\n/);
    expect(history.stdout).toMatch(/ added +block_device +sda /);
  });

  test("sets and gets hardware_sync_interval", async () => {
    const set = await maas(setConfigArgv("hardware_sync_interval", "30m"));
    expect(set.code, set.stderr).toBe(0);
    expect(await json(["admin", "maas", "get-config", "name=hardware_sync_interval"])).toBe("30m");
  });

  test("reaches events through the generic form", async () => {
    const events = await json(["admin", "events", "query", `id=${first}`]);
    expect(events).toHaveProperty("events");
  });

  test("releases a machine, turning hw sync off", async () => {
    const machine = await json(["admin", "machine", "release", second]);
    expect(machine).toMatchObject({
      system_id: second,
      enable_hw_sync: false,
      sync_interval: null,
      last_sync: null,
    });
  });

  test("an unknown machine exits 4", async () => {
    const result = await maas(["admin", "machine", "read", "nosuch"]);
    expect(result).toMatchObject({ code: 4, stdout: "" });
    expect(result.stderr).toMatch(/^error HWS_NOT_FOUND \[GET\] .*machines\/nosuch\/: 404 Not Found/);
  });

  test("a bad interval exits 2", async () => {
    const result = await maas(setConfigArgv("hardware_sync_interval", "1 month"));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'1 month' is not a valid interval");
  });

  test("a region that is down exits 5", async () => {
    closed = true;
    await region.close();
    const result = await maas(["admin", "machine", "read", first]);
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/^error HWS_NET_UNREACHABLE /);
  });
});
