// Runs the built binaries for the scripts (start, demo, bench). Asynchronously: the region may
// live in the calling process and must keep answering while a child talks to it.
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const CLI_BIN = join(ROOT, "packages/cli/bin/maas.js");
export const AGENT_BIN = join(
  ROOT,
  `dist/agent/maas-hw-sync-linux-${process.arch === "arm64" ? "arm64" : "x64"}`,
);

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, input = ""): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ status: code ?? 1, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Runs `maas ARGS` (the built CLI) under this Node. */
export function cliCommand(
  args: string[],
  options: { configDir?: string; input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  const env = {
    ...process.env,
    ...(options.configDir ? { MAAS_HWSYNC_CONFIG_DIR: options.configDir } : {}),
    ...options.env,
  };
  return run(process.execPath, [CLI_BIN, ...args], env, options.input);
}

/** Runs the agent's single binary with an empty environment, as systemd would. */
export function agentCommand(args: string[]): Promise<RunResult> {
  return run(AGENT_BIN, args, {});
}
