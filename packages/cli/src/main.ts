import type { ApiClientOptions } from "@hwsync/shared/client";
import { ErrorCode, HwsError, InterruptedError } from "@hwsync/shared/errors";
import { createContext, type Env, type InStream } from "./context.ts";
import { colorLevel, Output, type OutStream, resolveFormat } from "./output.ts";
import { ProfileStore, RESERVED_PROFILE_NAMES, resolveConfigDir } from "./profiles.ts";
import { ExitCode, reportError } from "./report-error.ts";

/** Options that apply to every command, accepted anywhere before `--`. */
export interface GlobalOptions {
  rest: string[];
  format: string | undefined;
  debug: boolean;
  noColor: boolean;
}

export function extractGlobals(argv: readonly string[]): GlobalOptions {
  const globals: GlobalOptions = { rest: [], format: undefined, debug: false, noColor: false };
  // Completion passes the user's words through untouched, global options included.
  if (argv[0] === "__complete") return { ...globals, rest: [...argv] };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === "--") {
      globals.rest.push(...argv.slice(index));
      break;
    }
    if (arg === "--debug") globals.debug = true;
    else if (arg === "--no-color") globals.noColor = true;
    else if (arg.startsWith("--format=")) globals.format = arg.slice("--format=".length);
    else if (arg === "--format") {
      const value = argv[++index];
      if (value === undefined)
        throw new HwsError(ErrorCode.USAGE, "--format needs a value: json, yaml or table");
      globals.format = value;
    } else globals.rest.push(arg);
  }
  return globals;
}

export interface RunIo {
  stdin: InStream;
  stdout: OutStream;
  stderr: OutStream;
  env: Env;
  signal?: AbortSignal;
  now?: () => Date;
  dispatcher?: ApiClientOptions["dispatcher"];
}

/** argv → one command → exit code. Every error is turned into a code by reportError, here only. */
export async function run(argv: readonly string[], io: RunIo): Promise<number> {
  let globals: GlobalOptions = {
    rest: [...argv],
    format: undefined,
    debug: argv.includes("--debug"),
    noColor: false,
  };
  let env: Env = io.env;
  let profileName: string | undefined;
  try {
    globals = extractGlobals(argv);
    if (globals.noColor) env = { ...io.env, NO_COLOR: "1" };
    const first = globals.rest[0];
    profileName = first && !first.startsWith("-") && !RESERVED_PROFILE_NAMES.has(first) ? first : undefined;
    const now = io.now ?? (() => new Date());
    const output = new Output({
      stdout: io.stdout,
      stderr: io.stderr,
      env,
      format: resolveFormat(globals.format, env, io.stdout),
      now,
    });
    const ctx = createContext({
      env,
      stdin: io.stdin,
      output,
      profiles: new ProfileStore(resolveConfigDir(env)),
      signal: io.signal ?? new AbortController().signal,
      debug: globals.debug,
      profileName,
      now,
      dispatcher: io.dispatcher,
    });
    const { runProgram } = await import("./program.ts");
    await runProgram(globals.rest, ctx);
    return 0;
  } catch (error) {
    return reportError(io.signal?.aborted ? new InterruptedError("SIGINT") : error, {
      stderr: io.stderr,
      colorLevel: colorLevel(io.stderr, env),
      debug: globals.debug,
      profile: profileName,
    });
  }
}

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write("", () => resolve()));
}

/** The process entry: wires the real streams and signals, and is the only place that exits. */
export async function main(): Promise<never> {
  const controller = new AbortController();
  process.once("SIGINT", () => {
    controller.abort(new InterruptedError("SIGINT"));
    // Exit at once: a request in flight would otherwise finish (or retry) first.
    process.stderr.write("\ninterrupted\n");
    process.exit(ExitCode.INTERRUPTED);
  });
  // `maas … | head` closes the pipe early: that is not an error.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  const code = await run(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: controller.signal,
  });
  // Pipes may be asynchronous (macOS): let the output drain before exiting.
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  process.exit(code);
}

if (import.meta.main) await main();
