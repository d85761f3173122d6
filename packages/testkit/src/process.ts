import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { REPO_ROOT } from "./fixtures.ts";

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion with a timeout; never throws for a non-zero exit. */
export function runProcess(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; timeoutMs?: number } = {},
): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** Paths of the built binaries (`npm run build`). */
export const BUILT = {
  cli: resolve(REPO_ROOT, "packages/cli/bin/maas.js"),
  region: resolve(REPO_ROOT, "packages/region/bin/maas-region.js"),
  agent: resolve(REPO_ROOT, "dist/agent/maas-hw-sync-linux-x64"),
  agentBundle: resolve(REPO_ROOT, "dist/agent/agent.cjs"),
};

/** Runs the built `maas` CLI under this Node (24), with colours off. */
export function runCli(
  args: string[],
  options: { configDir: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number },
): Promise<ProcessResult> {
  return runProcess(process.execPath, [BUILT.cli, ...args], {
    env: { ...process.env, NO_COLOR: "1", MAAS_HWSYNC_CONFIG_DIR: options.configDir, ...options.env },
    input: options.input,
    timeoutMs: options.timeoutMs,
  });
}
