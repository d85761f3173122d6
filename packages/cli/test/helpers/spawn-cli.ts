import { spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildCli } from "../../build.ts";
import type { CliResult } from "./run-cli.ts";

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
// Node 24 from the repository (the machine's own node may be older).
const NODE = process.execPath;

/**
 * Builds the real bundle with build.ts into a temporary package folder (bin/ + dist/), so test
 * files can build in parallel without touching packages/cli/dist. Returns the bin shim's path.
 */
export async function buildBinary(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "maas-cli-build-"));
  await buildCli(join(root, "dist"));
  await mkdir(join(root, "bin"));
  const bin = join(root, "bin", "maas.js");
  await copyFile(join(packageDir, "bin", "maas.js"), bin);
  return bin;
}

export interface SpawnOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

/** Spawns `node bin/maas.js …` with a clean environment; the child is killed if it overruns. */
export function spawnCli(bin: string, args: string[], options: SpawnOptions = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(NODE, [bin, ...args], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NO_COLOR: "1",
        MAAS_HWSYNC_RETRIES: "0",
        ...options.env,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? (signal === "SIGINT" ? 130 : -1), stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}
