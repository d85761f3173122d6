// The README's quick start, as CI checks it: a fresh clone of HEAD (so only committed work counts),
// `npm ci`, then the second half of the README's first command (`npm run demo`), with nothing of
// this checkout's PATH, npm environment or build outputs leaking in.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describeResult, killAll, runProcess } from "@hwsync/testkit/process";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { REPO_ROOT, tempDir } from "./lib/build.ts";

afterEach(() => killAll("test"));
afterAll(() => killAll());

/** The commands of the first line of the README's Quick start code block (`a && b`). */
function quickStartCommands(readme: string): string[] {
  const section = readme.split(/^## Quick start$/m)[1];
  const block = section && /```(?:sh|bash|console)\n([\s\S]*?)```/.exec(section)?.[1];
  const firstLine = block?.split("\n").find((line) => line.trim() !== "");
  if (!firstLine) throw new Error("README.md has no ## Quick start section with a code block");
  return firstLine
    .replace(/^\$\s*/, "")
    .replace(/\s+#.*$/, "")
    .split("&&")
    .map((command) => command.trim());
}

/** What a fresh machine has: the system's PATH without any node_modules/.bin, no npm_* variables. */
function freshEnv(): NodeJS.ProcessEnv {
  const path = (process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin")
    .split(":")
    .filter((entry) => entry !== "" && !entry.includes("node_modules"))
    .join(":");
  const keep = ["HOME", "USER", "LANG", "LC_ALL", "TMPDIR", "CI"];
  return {
    ...Object.fromEntries(
      keep.filter((key) => process.env[key] !== undefined).map((key) => [key, process.env[key]]),
    ),
    PATH: path,
    NO_COLOR: "1",
  };
}

describe("the README's quick start from a fresh clone", () => {
  test("npm ci then npm run demo exits 0 and tells the whole hardware-sync story", async () => {
    const dir = await tempDir("readme");
    try {
      const clone = join(dir.path, "hwsync");
      const cloned = await runProcess("git", ["clone", "--quiet", "--no-hardlinks", REPO_ROOT, clone], {
        timeoutMs: 60_000,
      });
      expect(cloned.code, describeResult(cloned)).toBe(0);

      const [install, demo, ...rest] = quickStartCommands(readFileSync(join(clone, "README.md"), "utf8"));
      expect([install, demo, rest]).toEqual(["npm ci", "npm run demo", []]);
      const env = freshEnv();
      // The npm cache is warm on our machines and CI: prefer it over the registry.
      const installed = await runProcess("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], {
        cwd: clone,
        env,
        timeoutMs: 180_000,
      });
      expect(installed.code, describeResult(installed)).toBe(0);

      const story = await runProcess("sh", ["-c", demo!], { cwd: clone, env, timeoutMs: 240_000 });
      expect(story.code, describeResult(story)).toBe(0);
      const lines = story.stdout;
      for (const expected of [
        /^▶ 1\. Deploy the machine with hardware sync/m,
        /^status\s+Deploying$/m,
        /^\s+hardware synced \(sha256:[0-9a-f]{64}, \d+ changes\)$/m,
        /^\s+status_name\s+"Deployed"$/m,
        /^\s+last_sync\s+"\d{4}-\d\d-\d\dT[\d:.]+Z"$/m,
        /^\s+next_sync\s+"\d{4}-\d\d-\d\dT[\d:.]+Z"$/m,
        /^\s+is_sync_healthy\s+true$/m,
        /^\s+pushed a changed payload: \{"changed":true/m,
        /was removed on node /,
        /^▶ 6\. Release/m,
        /^\s+interfaces after release: /m,
        /^✔ demo finished$/m,
      ]) {
        expect(lines, describeResult(story)).toMatch(expected);
      }
    } finally {
      await dir.remove();
    }
  }, 300_000);
});
