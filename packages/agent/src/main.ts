import { type ParseArgsConfig, parseArgs } from "node:util";
import type { HwsError } from "@hwsync/shared/errors";
import { isInterrupted } from "@hwsync/shared/errors";
import type { CommandContext } from "./commands/context.ts";
import { EXIT, errorCode, exitCodeFor, InterruptedError } from "./exit-codes.ts";
import { COLLECT_HELP, INSTALL_HELP, MAIN_HELP, RUN_HELP, STATUS_HELP, UNINSTALL_HELP } from "./help.ts";
import { createLogger, type Logger } from "./log.ts";
import { VERSION } from "./version.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;
type Values = Record<string, string | boolean | undefined>;

interface CommandSpec {
  help: string;
  options: Options;
  /** Loaded on use: `--help` and `collect` must not pay for the HTTP stack. Resolves with the exit code, if not 0. */
  execute: (ctx: CommandContext, values: Values) => Promise<number | undefined>;
}

const str = (value: unknown) => (typeof value === "string" ? value : undefined);
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

const COMMANDS: Record<string, CommandSpec> = {
  run: {
    help: RUN_HELP,
    options: {
      config: { type: "string" },
      endpoint: { type: "string" },
      "state-dir": { type: "string" },
      budget: { type: "string" },
      compat: { type: "boolean" },
      root: { type: "string" },
    },
    execute: async (ctx, v) => {
      const { runCommand } = await import("./commands/run.ts");
      await runCommand(ctx, {
        config: str(v.config),
        endpoint: str(v.endpoint),
        stateDir: str(v["state-dir"]),
        budget: str(v.budget),
        compat: v.compat === true,
        root: str(v.root),
      });
      return undefined;
    },
  },
  collect: {
    help: COLLECT_HELP,
    options: { pretty: { type: "boolean" }, root: { type: "string" } },
    execute: async (ctx, v) => {
      const { collectCommand } = await import("./commands/collect.ts");
      await collectCommand(ctx, { pretty: v.pretty === true, root: str(v.root) });
      return undefined;
    },
  },
  install: {
    help: INSTALL_HELP,
    options: {
      config: { type: "string" },
      endpoint: { type: "string" },
      interval: { type: "string" },
      root: { type: "string" },
      binary: { type: "string" },
      "state-dir": { type: "string" },
    },
    execute: async (ctx, v) => {
      const { installCommand } = await import("./commands/install.ts");
      const result = await installCommand(ctx, {
        config: str(v.config),
        endpoint: str(v.endpoint),
        interval: str(v.interval),
        root: str(v.root),
        binary: str(v.binary),
        stateDir: str(v["state-dir"]),
      });
      ctx.stdout(
        `${result.service}\n${result.timer}\n${result.credentials}\n${result.schedule}\nsystemctl: ${result.systemctl}\n`,
      );
      return undefined;
    },
  },
  uninstall: {
    help: UNINSTALL_HELP,
    options: { root: { type: "string" }, purge: { type: "boolean" }, "state-dir": { type: "string" } },
    execute: async (ctx, v) => {
      const { uninstallCommand } = await import("./commands/uninstall.ts");
      const result = await uninstallCommand(ctx, {
        root: str(v.root),
        purge: v.purge === true,
        stateDir: str(v["state-dir"]),
      });
      ctx.stdout(result.removed.map((path) => `${path}\n`).join(""));
      return undefined;
    },
  },
  status: {
    help: STATUS_HELP,
    options: { "state-dir": { type: "string" }, json: { type: "boolean" } },
    execute: async (ctx, v) => {
      const { renderStatus, statusCommand, statusExitCode } = await import("./commands/status.ts");
      const status = await statusCommand(ctx, { stateDir: str(v["state-dir"]) });
      ctx.stdout(v.json === true ? json(status) : renderStatus(status));
      return statusExitCode(status);
    },
  },
};

export interface MainIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  now?: () => Date;
}

/** argv (without the program name) → one command → exit code. Never exits the process. */
export async function main(argv: string[], io: MainIo): Promise<number> {
  const debug = argv.includes("--debug");
  const log = createLogger({ write: io.stderr, env: io.env, debug });
  try {
    const [name, ...rest] = argv;
    if (name === undefined) {
      io.stderr(MAIN_HELP);
      return EXIT.USAGE;
    }
    if (name === "-h" || name === "--help" || name === "help") {
      io.stdout(MAIN_HELP);
      return EXIT.OK;
    }
    if (name === "-V" || name === "--version" || name === "version") {
      io.stdout(`${VERSION}\n`);
      return EXIT.OK;
    }
    const spec = COMMANDS[name];
    if (!spec) {
      throw await usageError(`unknown command '${name}'`, {
        hint: `Commands: ${Object.keys(COMMANDS).join(", ")}. See \`maas-hw-sync --help\`.`,
      });
    }
    const values = await parseOptions(name, spec, rest);
    if (values.help) {
      io.stdout(spec.help);
      return EXIT.OK;
    }
    const ctx: CommandContext = {
      log,
      stdout: io.stdout,
      env: io.env,
      signal: io.signal,
      now: io.now ?? (() => new Date()),
    };
    const code = await spec.execute(ctx, values);
    return io.signal.aborted ? exitCodeFor(io.signal.reason) : (code ?? EXIT.OK);
  } catch (error) {
    const reported = io.signal.aborted && !isInterrupted(error) ? io.signal.reason : error;
    reportError(log, reported, debug);
    return exitCodeFor(reported);
  }
}

/** Shared is loaded only once a command runs: `--help` and `--version` stay cheap. */
async function usageError(message: string, options: { hint: string }): Promise<HwsError> {
  const { ErrorCode, HwsError } = await import("@hwsync/shared/errors");
  return new HwsError(ErrorCode.USAGE, message, options);
}

async function parseOptions(name: string, spec: CommandSpec, args: string[]): Promise<Values> {
  try {
    const { values } = parseArgs({
      args,
      options: { ...spec.options, help: { type: "boolean", short: "h" }, debug: { type: "boolean" } },
      strict: true,
      allowPositionals: false,
    });
    return values as Values;
  } catch (error) {
    throw await usageError(`${name}: ${(error as Error).message}`, {
      hint: `See \`maas-hw-sync ${name} --help\`.`,
    });
  }
}

/** Coded errors print as one line plus hint; anything else is a bug and gets its stack. */
function reportError(log: Logger, error: unknown, debug: boolean): void {
  if (isInterrupted(error)) {
    log.error(error.message);
    return;
  }
  const code = errorCode(error);
  if (code !== null) {
    const coded = error as HwsError & { serverMessage?: string };
    log.error(`error ${code}: ${coded.message}`);
    if (coded.serverMessage) log.error(`region said: ${coded.serverMessage.slice(0, 500)}`);
    if (coded.hint) log.error(`hint: ${coded.hint}`);
    if (debug && coded.stack) log.error(coded.stack);
    return;
  }
  log.error((error as Error)?.stack ?? String(error));
  log.error("this is a bug in maas-hw-sync: please report it with the lines above");
}

/** Process wiring for the binary: signals, streams, and the one process.exit of the agent. */
export function runMain(argv: string[] = process.argv.slice(2)): void {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    const interrupted = new InterruptedError(name === "SIGTERM" ? "SIGTERM" : "SIGINT");
    if (controller.signal.aborted) process.exit(exitCodeFor(interrupted));
    controller.abort(interrupted);
    // Give the command a moment to spool its payload, then leave regardless.
    setTimeout(() => process.exit(exitCodeFor(interrupted)), 5000).unref();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  main(argv, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    signal: controller.signal,
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
      process.exit(EXIT.BUG);
    },
  );
}
