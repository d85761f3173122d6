// Child processes for tests, benchmarks and scripts: one to run to completion, one to keep running
// until stopped. Every child is tracked, so `killAll()` in an afterEach/afterAll leaves nothing
// behind when a test fails. No vitest here: scripts import this module too
// (`@hwsync/testkit/process`).
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { REPO_ROOT } from "./fixtures.ts";

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** "test": killed by `killAll("test")` after the current test; "file": kept until `killAll()`. */
export type Lifetime = "test" | "file";

export interface ProcessOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** SIGKILL after this long (runProcess: default 60 s; startProcess: no limit unless given). */
  timeoutMs?: number;
  lifetime?: Lifetime;
}

export interface RunOptions extends ProcessOptions {
  /** Written to stdin, which is then closed (an empty stdin by default). */
  input?: string;
}

const live = new Map<ChildProcess, Lifetime>();

function track(child: ChildProcess, options: ProcessOptions, defaultTimeoutMs?: number): () => void {
  live.set(child, options.lifetime ?? "test");
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return () => {
    clearTimeout(timer);
    live.delete(child);
  };
}

/** Runs a command to completion; a non-zero exit is a result, not an error. */
export function runProcess(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const untrack = track(child, options, 60_000);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", (error) => {
      untrack();
      reject(error);
    });
    child.on("close", (code, signal) => {
      untrack();
      resolvePromise({ code, signal, stdout, stderr });
    });
    // A child that exits without reading its stdin (the agent does) is not an error.
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
  });
}

/** Runs a command to completion and returns its result; a non-zero exit throws, with its output. */
export async function runChecked(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<ProcessResult> {
  const result = await runProcess(command, args, options);
  if (result.code !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${describeResult(result)}`);
  return result;
}

/** A result for an assertion message: the command's own words are the best diagnosis. */
export function describeResult(result: ProcessResult): string {
  return `exit ${result.code ?? result.signal}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

export interface StartOptions extends ProcessOptions {
  /** Called with every complete line the process writes, as it arrives. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LongRunning {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** stdout and stderr together, in the order they arrived. */
  output(): string;
  /** Resolves with the first match of `pattern` in stderr; rejects if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Settles once the process is gone and its output read. */
  exited: Promise<ProcessExit>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Starts a server-like process that runs until stopped. */
export function startProcess(command: string, args: string[], options: StartOptions = {}): LongRunning {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const untrack = track(child, options);
  const text = { stdout: "", stderr: "", output: "" };
  const partial = { stdout: "", stderr: "" };
  const listeners = new Set<() => void>();
  for (const stream of ["stdout", "stderr"] as const) {
    child[stream]!.setEncoding("utf8").on("data", (chunk: string) => {
      text[stream] += chunk;
      text.output += chunk;
      if (options.onLine) {
        const lines = (partial[stream] + chunk).split("\n");
        partial[stream] = lines.pop() ?? "";
        for (const line of lines) options.onLine(line, stream);
      }
      for (const listener of listeners) listener();
    });
  }
  const exited = new Promise<ProcessExit>((resolvePromise) => {
    child.on("close", (code, signal) => {
      untrack();
      resolvePromise({ code, signal });
      for (const listener of listeners) listener();
    });
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    pid: child.pid!,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    output: () => text.output,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolvePromise, reject) => {
        const check = () => {
          const match = pattern.exec(text.stderr);
          if (match) done(() => resolvePromise(match));
          else if (gone())
            done(() => reject(new Error(`process exited before printing ${pattern}:\n${text.output}`)));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${text.output}`))),
          timeoutMs,
        );
        const done = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    async stop(graceMs = 10_000) {
      if (!gone()) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
      }
      return (await exited).code;
    },
  };
}

/**
 * Starts a server-like process and waits for `ready` in its stderr (its "listening on" line); a
 * process that exits or stays silent past `readyTimeoutMs` is stopped and the wait rejects.
 */
export async function startWhenReady(
  command: string,
  args: string[],
  ready: RegExp,
  options: StartOptions & { readyTimeoutMs?: number } = {},
): Promise<{ process: LongRunning; match: RegExpMatchArray }> {
  const { readyTimeoutMs, ...startOptions } = options;
  const started = startProcess(command, args, startOptions);
  try {
    return { process: started, match: await started.waitFor(ready, readyTimeoutMs) };
  } catch (error) {
    await started.stop();
    throw error;
  }
}

/** Kills the still-running processes of a lifetime ("test"), or all of them (no argument). */
export async function killAll(lifetime?: Lifetime): Promise<void> {
  const children = [...live].filter(([, of]) => lifetime === undefined || of === lifetime);
  await Promise.all(
    children.map(
      ([child]) =>
        new Promise<void>((resolvePromise) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolvePromise();
          child.once("close", () => resolvePromise());
          child.kill("SIGKILL");
        }),
    ),
  );
}

const AGENT_ARCH = process.arch === "arm64" ? "arm64" : "x64";

/** Paths of the built binaries (`npm run build`). */
export const BUILT = {
  cli: resolve(REPO_ROOT, "packages/cli/bin/maas.js"),
  region: resolve(REPO_ROOT, "packages/region/bin/maas-region.js"),
  agent: resolve(REPO_ROOT, `dist/agent/maas-hw-sync-linux-${AGENT_ARCH}`),
  agentBundle: resolve(REPO_ROOT, "dist/agent/agent.cjs"),
};

export interface CliRunOptions extends RunOptions {
  /** MAAS_HWSYNC_CONFIG_DIR: where the profiles live (default: the user's, as `maas` decides). */
  configDir?: string;
}

/** Runs the built `maas ARGS` under this Node (24), with colours off. */
export function runCli(args: string[], options: CliRunOptions = {}): Promise<ProcessResult> {
  const { configDir, env, ...rest } = options;
  return runProcess(process.execPath, [BUILT.cli, ...args], {
    ...rest,
    env: {
      ...process.env,
      NO_COLOR: "1",
      ...(configDir === undefined ? {} : { MAAS_HWSYNC_CONFIG_DIR: configDir }),
      ...env,
    },
  });
}
