// What a machine deployed with hardware sync does with its vendor-data, in a directory standing
// for its `/`: cloud-init writes the units, the fetch script and the credentials; the fetch script
// downloads the agent from the region; `maas-hw-sync install --root DIR` takes the credentials and
// the interval from them; the installed agent, run as the service runs it, syncs the machine.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeResult, killAll, runProcess } from "@hwsync/testkit/process";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { BUILT, cleanUp, ensureBuilt, tempDir } from "./lib/build.ts";
import { Cli } from "./lib/cli.ts";
import {
  adminApiKey,
  type RegionDatabase,
  type RegionProcess,
  regionDatabase,
  startRegionProcess,
} from "./lib/region.ts";
import {
  applyWriteFiles,
  CREDENTIALS_PATH,
  FETCH_AGENT_PATH,
  file,
  readVendorData,
  SERVICE_PATH,
  schedule,
  TIMER_PATH,
  type VendorData,
} from "./lib/vendor-data.ts";

const AGENT_PATH = "/usr/local/bin/maas-hw-sync";
const STATE_DIR = "/var/lib/maas-hw-sync";
const sha256File = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8).padStart(4, "0");

beforeAll(ensureBuilt, 300_000);
afterEach(() => killAll("test"));
afterAll(() => killAll());

describe("vendor-data → fetch-agent → maas-hw-sync install --root DIR → the installed agent syncs", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let database: RegionDatabase;
  let region: RegionProcess;
  let cli: Cli;
  let systemId: string;
  let vendorData: VendorData;
  let root: string;

  beforeAll(async () => {
    dir = await tempDir("vendor-data");
    root = join(dir.path, "machine-root");
    database = regionDatabase("pglite", dir.path);
    region = await startRegionProcess(database);
    cli = new Cli(join(dir.path, "cli"), "admin");
    await cli.login(region.url, await adminApiKey(region.url));
    systemId = await cli.createMachine("e2e-vendor-data", "52:54:00:e2:e0:d1");
    await cli.deploy(systemId, "30m");
    vendorData = await readVendorData(cli, systemId);
  }, 120_000);

  afterAll(() =>
    cleanUp(
      () => region?.stop(),
      () => database?.drop(),
      () => dir?.remove(),
    ),
  );

  test("cloud-init's write_files put the units, the fetch script and 0600 credentials in place", async () => {
    await applyWriteFiles(vendorData, root);
    expect([...vendorData.files.keys()].sort()).toEqual(
      [CREDENTIALS_PATH, FETCH_AGENT_PATH, SERVICE_PATH, TIMER_PATH].sort(),
    );
    expect(mode(join(root, CREDENTIALS_PATH))).toBe("0600");
    expect(mode(join(root, FETCH_AGENT_PATH))).toBe("0755");
    expect(schedule(file(vendorData, TIMER_PATH).content)).toBe("OnCalendar=*-*-* *:00/30:00");
    expect(vendorData.runcmd).toContain("systemctl enable maas_hardware_sync.timer");
  });

  test("the vendor-data's fetch script downloads the region's agent binary, then only when it changed", async () => {
    const target = join(root, AGENT_PATH);
    // Every image has /usr/local/bin; the fetch script writes into it and creates nothing.
    mkdirSync(join(root, "/usr/local/bin"), { recursive: true });
    const fetch = () =>
      runProcess("sh", [join(root, FETCH_AGENT_PATH), region.url], {
        env: { PATH: process.env.PATH, MAAS_HWSYNC_AGENT: target },
        timeoutMs: 120_000,
      });
    const first = await fetch();
    expect(first.code, describeResult(first)).toBe(0);
    expect(sha256File(target)).toBe(sha256File(BUILT.agent));
    expect(mode(target)).toBe("0755");
    const stamped = statSync(target).mtimeMs;
    const second = await fetch();
    expect(second.code, describeResult(second)).toBe(0);
    expect(statSync(target).mtimeMs).toBe(stamped);
  }, 120_000);

  test("maas-hw-sync install --root DIR keeps the vendor-data's credentials and schedule", async () => {
    const installed = await runProcess(
      join(root, AGENT_PATH),
      [
        "install",
        "--root",
        root,
        "--config",
        join(root, CREDENTIALS_PATH),
        "--interval",
        "30m",
        "--binary",
        AGENT_PATH,
      ],
      { env: {} },
    );
    expect(installed.code, describeResult(installed)).toBe(0);
    expect(installed.stdout).toBe(
      [
        join(root, SERVICE_PATH),
        join(root, TIMER_PATH),
        join(root, CREDENTIALS_PATH),
        "OnCalendar=*-*-* *:00/30:00",
        "systemctl: skipped: --root is not /",
        "",
      ].join("\n"),
    );
    expect(readFileSync(join(root, CREDENTIALS_PATH), "utf8")).toBe(
      file(vendorData, CREDENTIALS_PATH).content,
    );
    expect(mode(join(root, CREDENTIALS_PATH))).toBe("0600");
    const timer = readFileSync(join(root, TIMER_PATH), "utf8");
    expect(schedule(timer)).toBe(schedule(file(vendorData, TIMER_PATH).content));
    expect(readFileSync(join(root, SERVICE_PATH), "utf8")).toContain(
      `ExecStart=${AGENT_PATH} run --config ${CREDENTIALS_PATH} --state-dir ${STATE_DIR}`,
    );
  });

  test("systemd-analyze accepts the installed units and the timer's calendar", async (context) => {
    const probe = await runProcess("systemd-analyze", ["--version"]).catch(() => null);
    if (probe?.code !== 0) context.skip("systemd-analyze is not installed");
    const calendar = await runProcess("systemd-analyze", ["calendar", "*-*-* *:00/30:00"]);
    expect(calendar.code, describeResult(calendar)).toBe(0);
    expect(calendar.stdout).toContain("Next elapse:");
    // Verify checks that ExecStart= is executable, so point it at the agent under the test root.
    const units = join(dir.path, "verify");
    mkdirSync(units, { recursive: true });
    const service = readFileSync(join(root, SERVICE_PATH), "utf8").replace(
      `ExecStart=${AGENT_PATH}`,
      `ExecStart=${join(root, AGENT_PATH)}`,
    );
    writeFileSync(join(units, "maas_hardware_sync.service"), service);
    writeFileSync(join(units, "maas_hardware_sync.timer"), readFileSync(join(root, TIMER_PATH)));
    const verified = await runProcess("systemd-analyze", [
      "verify",
      join(units, "maas_hardware_sync.service"),
      join(units, "maas_hardware_sync.timer"),
    ]);
    expect(verified.code, describeResult(verified)).toBe(0);
  });

  test("the installed agent, run as its service runs it, syncs the machine with the installed credentials", async () => {
    const stateDir = join(root, STATE_DIR);
    const synced = await runProcess(
      join(root, AGENT_PATH),
      ["run", "--config", join(root, CREDENTIALS_PATH), "--state-dir", stateDir],
      { env: {} },
    );
    expect(synced.code, describeResult(synced)).toBe(0);
    expect(synced.stderr).toMatch(/hardware synced \(sha256:[0-9a-f]{64}, \d+ changes\)/);
    expect(existsSync(join(stateDir, "state.json"))).toBe(true);
    expect(await cli.readMachine(systemId)).toMatchObject({
      status_name: "Deployed",
      sync_interval: 1800,
      is_sync_healthy: true,
    });
  });
});
