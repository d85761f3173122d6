// Child processes for the end-to-end suite: every one is tracked and has a timeout. Processes a
// test starts are killed by `killAll("test")` in afterEach; regions a file starts in beforeAll
// (they serve a whole story) by `killAll()` in afterAll. A failing test leaves nothing running.
import { type ChildProcess, spawn } from "node:child_process";

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
  /** "test" (default): killed after the current test; "file": kept until afterAll. */
  lifetime?: Lifetime;
}

export type Lifetime = "test" | "file";

const live = new Map<ChildProcess, Lifetime>();

function track(child: ChildProcess, timeoutMs: number, lifetime: Lifetime = "test"): () => void {
  live.set(child, lifetime);
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return () => {
    clearTimeout(timer);
    live.delete(child);
  };
}

/** Runs a command to completion (killed after `timeoutMs`); a non-zero exit is a result, not an error. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const untrack = track(child, options.timeoutMs ?? 60_000);
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
      resolve({ code, signal, stdout, stderr });
    });
    // A child that exits without reading its stdin (the agent does) must not fail the test.
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
  });
}

/** Formats a result for an assertion message: the command's own words are the best diagnosis. */
export function describeResult(result: Result): string {
  return `exit ${result.code ?? result.signal}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

export interface LongRunning {
  child: ChildProcess;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the first match of `pattern` in stderr; rejects if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Starts a server-like process that runs until stopped (or killed after `timeoutMs`). */
export function startProcess(command: string, args: string[], options: RunOptions = {}): LongRunning {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const untrack = track(child, options.timeoutMs ?? 240_000, options.lifetime);
  let stderr = "";
  const listeners = new Set<() => void>();
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    for (const listener of listeners) listener();
  });
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => {
    child.on("close", (code) => {
      untrack();
      for (const listener of listeners) listener();
      resolve(code);
    });
  });
  return {
    child,
    stderr: () => stderr,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stderr);
          if (match) done(() => resolve(match));
          else if (child.exitCode !== null || child.signalCode !== null)
            done(() => reject(new Error(`process exited before printing ${pattern}:\n${stderr}`)));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${stderr}`))),
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
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return exited;
    },
  };
}

/** Kills the still-running processes of a lifetime ("test"), or all of them (no argument). */
export async function killAll(lifetime?: Lifetime): Promise<void> {
  const children = [...live].filter(([, of]) => lifetime === undefined || of === lifetime);
  const waits = children.map(
    ([child]) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("close", () => resolve());
        child.kill("SIGKILL");
      }),
  );
  await Promise.all(waits);
}
