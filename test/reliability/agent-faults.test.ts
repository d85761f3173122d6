// The built agent binary against an unhelpful world: the region down for a while (it backs off,
// then delivers) and a full disk under its state directory (a clear error, no crash).
import { type ChildProcess, execFileSync } from "node:child_process";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAdmin, getOrCreateApiKey } from "@hwsync/region";
import { type ApiCredentials, parseApiKey, renderMachineCredentials } from "@hwsync/shared";
import {
  BUILT,
  openTestDatabase,
  POSTGRES_URL,
  runProcess,
  startProcess,
  type TestDatabase,
} from "@hwsync/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type DeployedMachine,
  deployMachine,
  type RegionProcess,
  report,
  requireBuilt,
  scaled,
  sleep,
  spawnRegion,
} from "./helpers.ts";

/** Failed attempts to wait for before the region comes back (each doubles the backoff). */
const FAILURES_BEFORE_REGION = scaled(3, 6);
const PUSH_MIN_DELAY_MS = 1000;

function credentialsFile(dir: string, machine: DeployedMachine, origin: string): string {
  const path = join(dir, `creds-${machine.systemId}.yml`);
  writeFileSync(
    path,
    renderMachineCredentials({
      consumerKey: machine.creds.consumerKey,
      tokenKey: machine.creds.tokenKey,
      tokenSecret: machine.creds.tokenSecret,
      endpoint: `${origin}/MAAS/metadata/status/${machine.systemId}`,
    }),
    { mode: 0o600 },
  );
  return path;
}

/** Starts the agent and timestamps every stderr line as it arrives. */
function startAgent(args: string[]): {
  child: ChildProcess;
  lines: Array<{ at: number; text: string }>;
  exited: Promise<number | null>;
} {
  const lines: Array<{ at: number; text: string }> = [];
  const agent = startProcess(BUILT.agent, args, {
    env: { ...process.env, JOURNAL_STREAM: "" },
    onLine: (text, stream) => {
      if (stream === "stderr") lines.push({ at: Date.now(), text });
    },
  });
  return { child: agent.child, lines, exited: agent.exited.then(({ code }) => code) };
}

interface FullDir {
  dir: string;
  how: string;
  cleanup(): void;
}

/**
 * A state directory with no space left: a 64 KiB tmpfs filled to the last byte (we run as root),
 * or, where mounting is refused, the agent's temporary file names pointing at /dev/full.
 */
function fullStateDir(base: string): FullDir {
  const mountPoint = join(base, "tiny");
  mkdirSync(mountPoint);
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint], { stdio: "ignore" });
  } catch {
    const dir = join(mountPoint, "state");
    mkdirSync(dir, { mode: 0o700 });
    for (const name of ["state.json.tmp", "unsent-payload.json.tmp"])
      symlinkSync("/dev/full", join(dir, name));
    return { dir, how: "symlinks to /dev/full (mount refused)", cleanup: () => {} };
  }
  const dir = join(mountPoint, "state");
  mkdirSync(dir, { mode: 0o700 });
  try {
    for (;;) appendFileSync(join(mountPoint, "filler"), Buffer.alloc(4096));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  }
  return {
    dir,
    how: "tmpfs 64 KiB, filled",
    cleanup: () => execFileSync("umount", ["-l", mountPoint], { stdio: "ignore" }),
  };
}

describe("the agent when things go wrong", { timeout: 180_000 }, () => {
  let database: TestDatabase;
  let admin: ApiCredentials;
  let region: RegionProcess | undefined;
  let work: string;

  beforeAll(async () => {
    requireBuilt("agent");
    work = mkdtempSync(join(tmpdir(), "hwsync-agent-faults-"));
    database = await openTestDatabase("postgres");
    await createAdmin(database.db, { username: "admin", password: "agent-faults-password" });
    admin = parseApiKey(await getOrCreateApiKey(database.db, "admin"));
  });

  afterAll(async () => {
    await region?.stop();
    await database?.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function lastSync(systemId: string): Promise<Date | null> {
    const { rows } = await database.db.query<{ last_sync: Date | null }>(
      "SELECT last_sync FROM machines WHERE system_id = $1",
      [systemId],
    );
    return rows[0]?.last_sync ?? null;
  }

  test("with the region down for a while it backs off, then delivers once the region is back", async () => {
    region = await spawnRegion({ databaseUrl: POSTGRES_URL, schema: database.schema! });
    const port = Number(new URL(region.origin).port);
    const machine = await deployMachine(region.origin, admin);
    const config = credentialsFile(work, machine, region.origin);
    await region.stop();

    const stateDir = join(work, "backoff-state");
    const agent = startAgent(["run", "--config", config, "--state-dir", stateDir, "--budget", "120s"]);
    const failures = () => agent.lines.filter((line) => /attempt \d+ failed/.test(line.text));
    while (failures().length < FAILURES_BEFORE_REGION && agent.child.exitCode === null) await sleep(50);
    const downFor = Date.now();
    region = await spawnRegion({ databaseUrl: POSTGRES_URL, schema: database.schema!, port });
    const code = await agent.exited;

    const failed = failures();
    const gaps = failed.slice(1).map((line, i) => line.at - failed[i]!.at);
    report("agent backoff", {
      failedAttempts: failed.length,
      gapsMs: gaps,
      regionDownMs: downFor - (failed[0]?.at ?? downFor),
      exit: code,
      delivered: (await lastSync(machine.systemId)) !== null,
    });
    expect(code, agent.lines.map((line) => line.text).join("\n")).toBe(0);
    expect(failed.length).toBeGreaterThanOrEqual(FAILURES_BEFORE_REGION);
    // Backoff doubles from 1 s, with jitter that only lengthens it: a lower bound per gap.
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(PUSH_MIN_DELAY_MS * 2 ** i * 0.9);
    });
    expect(agent.lines.at(-1)?.text).toMatch(/hardware synced/);
    expect(await lastSync(machine.systemId)).not.toBeNull();
    // Delivered: nothing is left in the spool.
    expect(existsSync(join(stateDir, "unsent-payload.json"))).toBe(false);
  });

  test("a full disk under the state directory gives a clear error and no crash", async () => {
    region ??= await spawnRegion({ databaseUrl: POSTGRES_URL, schema: database.schema! });
    const machine = await deployMachine(region.origin, admin);
    const full = fullStateDir(work);
    try {
      // Region unreachable: the payload cannot be sent and cannot be spooled either.
      const down = credentialsFile(work, machine, "http://127.0.0.1:9");
      const unsent = await runProcess(
        BUILT.agent,
        ["run", "--config", down, "--state-dir", full.dir, "--budget", "2s"],
        {
          env: { ...process.env, JOURNAL_STREAM: "" },
        },
      );
      // Region up: the push goes through; only the state file cannot be written.
      const up = credentialsFile(work, machine, region.origin);
      const sent = await runProcess(
        BUILT.agent,
        ["run", "--config", up, "--state-dir", full.dir, "--budget", "20s"],
        {
          env: { ...process.env, JOURNAL_STREAM: "" },
        },
      );
      const status = await runProcess(BUILT.agent, ["status", "--state-dir", full.dir]);
      report("agent disk full", {
        how: full.how,
        unreachableExit: unsent.code,
        reachableExit: sent.code,
        statusExit: status.code,
        leftovers: readdirSync(full.dir).filter(
          (name) => name.endsWith(".tmp") && !full.how.includes("/dev/full"),
        ),
      });
      for (const result of [unsent, sent, status]) {
        expect(result.signal).toBeNull();
        expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace: not a crash
      }
      expect(unsent.code, unsent.stderr).toBe(75);
      expect(unsent.stderr).toMatch(/cannot write .*unsent-payload\.json: no space left on the device/);
      expect(sent.code, sent.stderr).toBe(0);
      expect(sent.stderr).toMatch(/cannot write .*state\.json: no space left on the device/);
      expect(sent.stderr).toMatch(/hardware synced/);
      expect(await lastSync(machine.systemId)).not.toBeNull();
      if (!full.how.includes("/dev/full")) {
        expect(readdirSync(full.dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
      }
    } finally {
      full.cleanup();
    }
  });
});
