// In-process runs of the machine, machines and maas commands against a MAAS-shaped region on
// 127.0.0.1: the exact request each one sends, and what it prints.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { deployArgv, setConfigArgv } from "./helpers/cli.ts";
import { useLoggedInRegion } from "./helpers/session.ts";

const session = useLoggedInRegion();
const { maas, lastRequest } = session;

describe("machine deploy", () => {
  test("--enable-hw-sync --sync-interval 15m sends op=deploy with the interval in seconds", async () => {
    const result = await maas(
      deployArgv("new001", "--enable-hw-sync", "--sync-interval", "15m", "--distro-series", "noble"),
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      system_id: "new001",
      status_name: "Deploying",
      sync_interval: 900,
    });
    expect(lastRequest()).toMatchObject({
      method: "POST",
      path: "/MAAS/api/2.0/machines/new001/",
      query: "op=deploy",
      form: [
        ["enable_hw_sync", "true"],
        ["sync_interval", "900"],
        ["distro_series", "noble"],
      ],
    });
  });

  test("the classic key=value form sends the same request", async () => {
    expect((await maas(deployArgv("new001", "enable_hw_sync=true", "sync_interval=900"))).code).toBe(0);
    expect(lastRequest()).toMatchObject({
      query: "op=deploy",
      form: [
        ["enable_hw_sync", "true"],
        ["sync_interval", "900"],
      ],
    });
  });

  test("--user-data reads the file and sends it base64-encoded", async () => {
    const file = join(session.configDir, "cloud.yaml");
    await writeFile(file, "#cloud-config\npackages: [htop]\n");
    expect((await maas(deployArgv("new001", "--user-data", file))).code).toBe(0);
    expect(lastRequest().form).toEqual([
      ["user_data", Buffer.from("#cloud-config\npackages: [htop]\n").toString("base64")],
    ]);
  });

  test("a bad interval exits 2 before any request", async () => {
    const result = await maas(deployArgv("new001", "--enable-hw-sync", "--sync-interval", "15 parsecs"));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error HWS_TIME_SPAN_INVALID --sync-interval: '15 parsecs' is not a valid interval. Only 'h|hr|hour|hours, m|min|minute|minutes, s|sec|second|seconds' are valid units (e.g. 15m, 1h30m, 90s).\n",
    );
    expect(session.region.requests).toEqual([]);
  });

  test("a machine in the wrong state exits 1 with the region's reason", async () => {
    const result = await maas(deployArgv("abc123"));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(": 409 Conflict: Can't deploy a machine that is in the 'Deployed' state");
  });

  test("--wait polls until Deployed and prints the deployed machine", async () => {
    const result = await maas(deployArgv("new001", "--enable-hw-sync", "--wait"), {
      env: { MAAS_HWSYNC_POLL_MS: "10" },
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status_name: "Deployed", enable_hw_sync: true });
    expect(result.stderr).toBe("");
    expect(session.region.requests.map((request) => `${request.method} ${request.query}`)).toEqual([
      "POST op=deploy",
      "GET ",
      "GET ",
    ]);
  });

  test("--wait shows a spinner on a terminal's stderr and ends with the outcome", async () => {
    const result = await maas(deployArgv("new001", "--wait"), {
      ttyErr: true,
      env: { MAAS_HWSYNC_POLL_MS: "10" },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Deploying fresh-01 (new001)");
    expect(result.stderr).toMatch(/fresh-01 \(new001\) is Deployed\n$/);
  });

  test("--wait exits 1 when the deployment fails", async () => {
    await session.restart({ deployOutcome: "Failed deployment", deployPolls: 1 });
    const result = await maas(deployArgv("new001", "--wait"), {
      env: { MAAS_HWSYNC_POLL_MS: "10" },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "error HWS_API_STATUS deployment of fresh-01 (new001) did not finish: its status is 'Failed deployment' Hint: see what happened with: maas admin events query id=new001\n",
    );
  });

  test("--wait gives up after --timeout with exit 5", async () => {
    await session.restart({ deployPolls: 1_000_000 });
    const result = await maas(deployArgv("new001", "--wait", "--timeout", "1s"), {
      env: { MAAS_HWSYNC_POLL_MS: "20" },
    });
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(
      /^error HWS_TIMEOUT fresh-01 \(new001\) is still 'Deploying' after 1s Hint: wait longer with --timeout/,
    );
  });

  test("--timeout without --wait is a usage error", async () => {
    expect((await maas(deployArgv("new001", "--timeout", "5m"))).code).toBe(2);
  });
});

describe("reads", () => {
  test("machine read of an unknown id exits 4 with the region's message", async () => {
    const result = await maas(["admin", "machine", "read", "nope"]);
    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      `error HWS_NOT_FOUND [GET] ${session.region.url}api/2.0/machines/nope/: 404 Not Found: No Machine matches the given query. Hint: check the id or name; maas admin machines read lists machines\n`,
    );
  });

  test("machines list --sync-unhealthy asks the region when it documents sync_unhealthy", async () => {
    const result = await maas(["admin", "machines", "list", "--sync-unhealthy"]);
    expect(JSON.parse(result.stdout).map((machine: { system_id: string }) => machine.system_id)).toEqual([
      "def456",
    ]);
    expect(lastRequest().query).toBe("sync_unhealthy=true");
  });

  test("machines list --sync-unhealthy filters locally against a region without it", async () => {
    await session.restart({ supportsSyncUnhealthy: false });
    const result = await maas(["admin", "machines", "read", "--sync-unhealthy"]);
    expect(JSON.parse(result.stdout).map((machine: { system_id: string }) => machine.system_id)).toEqual([
      "def456",
    ]);
    expect(lastRequest().query).toBe("");
  });

  test("machines read passes classic filters in order", async () => {
    await maas(["admin", "machines", "read", "hostname=web-07", "hostname=db-01"]);
    expect(lastRequest().query).toBe("hostname=web-07&hostname=db-01");
  });

  test("machine hardware and hardware-history use our region's ops", async () => {
    expect((await maas(["admin", "machine", "hardware", "abc123"])).code).toBe(0);
    expect(lastRequest().query).toBe("op=hardware");
    expect((await maas(["admin", "machine", "hardware-history", "abc123"])).code).toBe(0);
    expect(lastRequest().query).toBe("op=hardware_history");
  });

  test("machine get-token reads op=get_token", async () => {
    const result = await maas(["admin", "machine", "get-token", "abc123"]);
    expect(JSON.parse(result.stdout)).toEqual({ token_key: "mtk", token_secret: "mts", consumer_key: "mck" });
    expect(lastRequest().query).toBe("op=get_token");
  });

  test("release sends op=release with --comment and classic fields", async () => {
    const result = await maas([
      "admin",
      "machine",
      "release",
      "abc123",
      "--comment",
      "disk swap",
      "erase=true",
    ]);
    expect(JSON.parse(result.stdout)).toMatchObject({
      status_name: "Ready",
      enable_hw_sync: false,
      sync_interval: null,
    });
    expect(lastRequest()).toMatchObject({
      query: "op=release",
      form: [
        ["comment", "disk swap"],
        ["erase", "true"],
      ],
    });
  });
});

describe("config", () => {
  test("get-config puts op first, then name", async () => {
    const result = await maas(["admin", "maas", "get-config", "name=hardware_sync_interval"]);
    expect(result).toMatchObject({ code: 0, stdout: '"15m"\n' });
    expect(lastRequest()).toMatchObject({
      method: "GET",
      query: "op=get_config&name=hardware_sync_interval",
    });
  });

  test("set-config sends name and value as form fields", async () => {
    expect((await maas(setConfigArgv("hardware_sync_interval", "30m"))).stdout).toBe('"OK"\n');
    expect(lastRequest()).toMatchObject({
      method: "POST",
      query: "op=set_config",
      form: [
        ["name", "hardware_sync_interval"],
        ["value", "30m"],
      ],
    });
    expect(session.region.config.get("hardware_sync_interval")).toBe("30m");
  });

  test.each([
    ["1 month", "value: '1 month' is not a valid interval"],
    ["0m", "value: '0m' would make every machine's sync unhealthy"],
  ])("set-config refuses hardware_sync_interval=%j before any request", async (value, message) => {
    const result = await maas(setConfigArgv("hardware_sync_interval", value));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(session.region.requests).toEqual([]);
  });

  test("set-config sends seconds as the equivalent span", async () => {
    const result = await maas(setConfigArgv("hardware_sync_interval", "900"));
    expect(result.stderr).toBe("sending hardware_sync_interval=15m (MAAS takes a span, not seconds)\n");
    expect(lastRequest().form).toEqual([
      ["name", "hardware_sync_interval"],
      ["value", "15m"],
    ]);
  });
});
