// The suite runs the built binaries, so each file builds first; scripts/build.ts skips every step
// whose outputs are newer than its sources, so after the first file this costs about a second.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUILT, REPO_ROOT } from "@hwsync/testkit";
import { describeResult, runProcess } from "@hwsync/testkit/process";

export { BUILT, REPO_ROOT };

/** The pinned Node 24 this suite runs under: the CLI and region bundles need it. */
export const NODE = process.execPath;

export async function ensureBuilt(): Promise<void> {
  // Engineers (and their test runs) share one checkout: a lock keeps two builds from writing the
  // agent binary at the same time.
  const result = await runProcess(
    "flock",
    [join(tmpdir(), "hwsync-build.lock"), NODE, join(REPO_ROOT, "scripts/build.ts"), "--quiet"],
    { cwd: REPO_ROOT, timeoutMs: 300_000 },
  );
  if (result.code !== 0) throw new Error(`scripts/build.ts failed:\n${describeResult(result)}`);
  for (const path of [BUILT.cli, BUILT.region, BUILT.agent]) {
    if (!existsSync(path)) throw new Error(`the build did not produce ${path}`);
  }
}

/**
 * Runs every clean-up step, in order, even when an earlier one fails (a database that went away must not
 * leave the temp dir behind), then reports the first failure.
 */
export async function cleanUp(...steps: Array<() => Promise<unknown> | undefined>): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
}

/** A fresh directory under the system temp dir, and its removal. */
export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `hwsync-e2e-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
