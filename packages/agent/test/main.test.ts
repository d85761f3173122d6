import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { canonicalJson, contentHash } from "@hwsync/shared";
import { expect, test } from "vitest";
import { Spool } from "../src/spool.ts";
import { VERSION } from "../src/version.ts";
import { useAgentSession } from "./fixtures/agent-session.ts";

const session = useAgentSession();
const { tree } = session;
const cli = session.main;

test.each([["--version"], ["-V"]])("%s prints the version and exits 0", async (flag) => {
  expect(await cli([flag])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
});

test("--help lists the commands and the exit codes on stdout", async () => {
  const { code, stdout } = await cli(["--help"]);
  expect(code).toBe(0);
  expect(stdout).toMatch(/^maas-hw-sync: keeps the MAAS region's record/);
  for (const command of ["run", "collect", "install", "uninstall", "status"])
    expect(stdout).toContain(`\n  ${command} `);
});

test("no command prints the help on stderr and exits 2", async () => {
  const { code, stdout, stderr } = await cli([]);
  expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
  expect(stderr).toContain("Usage: maas-hw-sync <command>");
});

test.each([
  [
    ["frobnicate"],
    "error HWS_USAGE: unknown command 'frobnicate'\nhint: Commands: run, collect, install, uninstall, status. See `maas-hw-sync --help`.\n",
  ],
  [["collect", "--bogus"], "error HWS_USAGE: collect: Unknown option '--bogus'"],
  [["collect", "extra"], "error HWS_USAGE: collect: Unexpected argument 'extra'"],
  [["run", "--budget"], "error HWS_USAGE: run: Option '--budget <value>' argument missing"],
])("usage error %j exits 2 with a message naming the problem", async (argv, message) => {
  const { code, stderr } = await cli(argv);
  expect(code).toBe(2);
  expect(stderr.startsWith(message)).toBe(true);
});

test("a command's --help prints its options", async () => {
  const { code, stdout } = await cli(["run", "--help"]);
  expect(code).toBe(0);
  expect(stdout).toContain("--budget SPAN");
});

test("collect prints the exact bytes run would hash; --pretty indents them", async () => {
  const plain = await cli(["collect", "--root", tree.root]);
  expect(plain.code).toBe(0);
  const payload = JSON.parse(plain.stdout);
  expect(plain.stdout).toBe(canonicalJson(payload));
  expect(contentHash(plain.stdout)).toMatch(/^sha256:/);
  const pretty = await cli(["collect", "--root", tree.root, "--pretty"]);
  expect(pretty.stdout).toMatch(/^\{\n {2}"api_version": "1.0",/);
});

test("status shows the last run, its error and the spooled payload", async () => {
  const stateDir = join(session.dir, "state");
  const spool = new Spool(stateDir);
  spool.save('{"api_version":"1.0"}');
  spool.writeState({
    last_run: "2026-11-24T15:55:00.000Z",
    result: "failed",
    exit_code: 75,
    mode: null,
    content_hash: "sha256:abc",
    changes: null,
    attempts: 3,
    last_success: "2026-11-24T15:40:00.000Z",
    last_error: { code: "HWS_NET_UNREACHABLE", message: "no answer from the region" },
  });
  const { code, stdout } = await cli(["status", "--state-dir", stateDir]);
  // The last run failed: status exits with its code (issue 20: it used to exit 0).
  expect(code).toBe(75);
  const lines = stdout.trimEnd().split("\n");
  expect(lines.slice(0, 4)).toEqual([
    "last run:        2026-11-24T15:55:00.000Z (failed, exit 75)",
    "last success:    2026-11-24T15:40:00.000Z",
    "content hash:    sha256:abc",
    "last error:      HWS_NET_UNREACHABLE no answer from the region",
  ]);
  expect(lines[4]).toMatch(
    new RegExp(`^spooled payload: ${join(stateDir, "unsent-payload.json")} \\(21 bytes, .*\\)$`),
  );
  const json = await cli(["status", "--state-dir", stateDir, "--json"]);
  expect(JSON.parse(json.stdout).state.exit_code).toBe(75);
});

test("status on a fresh machine says no run is recorded", async () => {
  expect((await cli(["status", "--state-dir", join(session.dir, "fresh")])).stdout).toBe(
    `no run recorded in ${join(session.dir, "fresh")} yet\n`,
  );
});

test("errors go to the journal with priority prefixes under systemd", async () => {
  const { stderr } = await cli(["run", "--config", join(session.dir, "missing.yml")], {
    JOURNAL_STREAM: "8:99",
  });
  expect(stderr.split("\n")[0]).toBe(
    `<3>error HWS_CONFIG_INVALID: cannot read the credentials file ${join(session.dir, "missing.yml")}: no such file`,
  );
});

test("SIGINT while the region does not answer ends the process with exit 130", async () => {
  const hanging = await session.hostile(() => {});
  const config = session.credentials(hanging.url);
  const root = resolve(import.meta.dirname, "../../..");
  const child = spawn(
    join(root, "node_modules/.bin/node"),
    [
      "--conditions=@hwsync/source",
      join(root, "packages/agent/src/bin.ts"),
      "run",
      "--config",
      config,
      "--state-dir",
      join(session.dir, "sigint"),
      "--root",
      tree.root,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // Interrupt once the request is in flight.
  await expect.poll(() => hanging.requests.length, { timeout: 20_000 }).toBe(1);
  child.kill("SIGINT");
  const code = await new Promise<number | null>((done) => child.on("exit", (exitCode) => done(exitCode)));
  expect(code).toBe(130);
  expect(stderr).toContain("interrupted by SIGINT");
  expect(new Spool(join(session.dir, "sigint")).peek()).not.toBeNull();
});
