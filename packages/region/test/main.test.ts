import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { POSTGRES_URL, uniqueName } from "@hwsync/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildRegion } from "../build.ts";
import { dropSchema } from "../src/db/db.ts";
import { type MainIo, main, parseByteSize } from "../src/main.ts";

const PACKAGE_DIR = resolve(import.meta.dirname, "..");
const NODE = resolve(PACKAGE_DIR, "../../node_modules/.bin/node");

function io(env: Record<string, string> = {}, stopSignal: Promise<string> = new Promise(() => {})) {
  const out: string[] = [];
  const err: string[] = [];
  const value: MainIo = {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    env,
    cwd: tmpdir(),
    stopSignal,
  };
  return { io: value, stdout: () => out.join(""), stderr: () => err.join("") };
}

describe("maas-region command line", () => {
  const schema = uniqueName("hwsync_cli");
  /** `main([command, --database-url …, --database-schema …, ...args])` on this suite's schema. */
  async function onPostgres(command: string, ...args: string[]) {
    const run = io();
    const code = await main(
      [command, "--database-url", POSTGRES_URL, "--database-schema", schema, ...args],
      run.io,
    );
    return { code, stdout: run.stdout(), stderr: run.stderr() };
  }
  beforeAll(async () => {
    const first = io({ DATABASE_URL: POSTGRES_URL, MAAS_REGION_DATABASE_SCHEMA: schema });
    expect(await main(["createadmin", "--username", "probe", "--password", "probe-password"], first.io)).toBe(
      0,
    );
  });
  afterAll(() => dropSchema(POSTGRES_URL, schema));

  test("--help prints the usage on stdout and exits 0; no command prints it on stderr and exits 2", async () => {
    const help = io();
    expect(await main(["--help"], help.io)).toBe(0);
    expect(help.stdout()).toMatch(/^Usage: maas-region <command> \[options\]/);
    const none = io();
    expect(await main([], none.io)).toBe(2);
    expect(none.stderr()).toMatch(/^Usage:/);
    expect(none.stdout()).toBe("");
  });

  test.each([
    [["frobnicate"], /unknown command 'frobnicate'/],
    [["start", "--port", "http"], /--port 'http' is not a port number/],
    [["start", "--max-payload", "lots"], /--max-payload 'lots' is not a size/],
    [["apikey", "--bogus"], /Unknown option '--bogus'/],
    [["apikey"], /--username is required/],
    [["add-machine", "--hostname", "x"], /--mac is required/],
  ])("%j is a usage error (exit 2) that says what to fix", async (argv, message) => {
    const run = io();
    expect(await main(argv, run.io)).toBe(2);
    expect(run.stderr()).toMatch(message);
    expect(run.stderr()).toMatch(/error HWS_USAGE/);
  });

  test("createadmin, apikey and add-machine work against PostgreSQL", async () => {
    const admin = await onPostgres(
      "createadmin",
      ...["--username", "ops", "--password", "ops-password", "--email", "ops@example.com"],
    );
    expect(admin.code).toBe(0);
    expect(admin.stderr).toBe("maas-region: admin 'ops' created\n");
    const key = await onPostgres("apikey", "--username", "ops");
    expect(key.code).toBe(0);
    expect(key.stdout).toMatch(/^[A-Za-z0-9]{18}:[A-Za-z0-9]{18}:[A-Za-z0-9]{32}\n$/);
    const again = await onPostgres("apikey", "--username", "ops");
    expect(again.stdout).toBe(key.stdout);
    const machine = await onPostgres(
      "add-machine",
      ...["--hostname", "rack-01", "--mac", "52:54:00:aa:bb:01", "--mac", "52:54:00:aa:bb:02"],
    );
    expect(machine.code).toBe(0);
    const json = JSON.parse(machine.stdout);
    expect(json).toMatchObject({ hostname: "rack-01", status_name: "Ready", architecture: "amd64/generic" });
    expect(json.interface_set.map((nic: { mac_address: string }) => nic.mac_address)).toEqual([
      "52:54:00:aa:bb:01",
      "52:54:00:aa:bb:02",
    ]);
  });

  test("errors from the work itself exit 1 with the coded message", async () => {
    const dup = await onPostgres("createadmin", "--username", "probe", "--password", "probe-password");
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/A user with that username already exists/);
    const unknown = await onPostgres("apikey", "--username", "nobody");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No User matches the given query/);
  });

  test("start listens, creates the admin from the environment, and stops cleanly on the signal", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "hwsync-start-"));
    let stop!: (signal: string) => void;
    const run = io(
      { MAAS_ADMIN_USERNAME: "envadmin", MAAS_ADMIN_PASSWORD: "env-password", MAAS_REGION_PORT: "0" },
      new Promise((resolveStop) => {
        stop = resolveStop;
      }),
    );
    try {
      const exit = main(
        ["start", "--data-dir", dataDir, "--deploy-immediately", "--max-payload", "4MiB"],
        run.io,
      );
      while (!run.stderr().includes("listening on")) await new Promise((r) => setTimeout(r, 20));
      const url = /listening on (\S+)/.exec(run.stderr())![1]!;
      expect(run.stderr()).toContain(`(PGlite in ${dataDir})`);
      const login = await fetch(`${url}/accounts/authenticate/`, {
        method: "POST",
        body: new URLSearchParams({ username: "envadmin", password: "env-password" }),
      });
      expect(login.status).toBe(200);
      stop("SIGTERM");
      expect(await exit).toBe(0);
      expect(run.stderr()).toMatch(/SIGTERM: shutting down\n$/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("start on a port that is taken is exit 1 with a message naming the port", async () => {
    const blocker = createServer();
    await new Promise<void>((resolveListen) => blocker.listen(0, "127.0.0.1", resolveListen));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const run = io();
      expect(await main(["start", "--data-dir", "memory://", "--port", String(port)], run.io)).toBe(1);
      expect(run.stderr()).toContain(`error HWS_CONFIG_INVALID: port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });

  test.each([
    ["8MiB", 8 * 1024 * 1024],
    ["512KiB", 512 * 1024],
    ["500kB", 500_000],
    ["2MB", 2_000_000],
    ["1048576", 1048576],
    ["1.5 MiB", 1.5 * 1024 * 1024],
  ])("parseByteSize(%s) is %i", (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });
});

describe("the built bundle", () => {
  test("bin/maas-region.js runs the bundle and stops on SIGTERM with exit 0", async () => {
    const { outfile, bytes } = await buildRegion();
    expect(outfile).toBe(resolve(PACKAGE_DIR, "dist/maas-region.js"));
    expect(bytes).toBeGreaterThan(10_000);
    const child = spawn(
      NODE,
      [resolve(PACKAGE_DIR, "bin/maas-region.js"), "start", "--port", "0", "--data-dir", "memory://"],
      {
        env: { PATH: process.env.PATH ?? "" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolveExit) => child.on("exit", (code) => resolveExit(code)));
    try {
      while (!stderr.includes("listening on") && child.exitCode === null)
        await new Promise((r) => setTimeout(r, 50));
      const url = /listening on (\S+)/.exec(stderr)?.[1];
      expect(url, stderr).toBeDefined();
      const version = await fetch(`${url}/api/version/`);
      expect(await version.text()).toBe("2.0");
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 60_000);
});
