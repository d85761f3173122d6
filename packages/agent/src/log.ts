import { redactSecrets } from "./redact.ts";

/**
 * One line per event on stderr, without colour or timestamps: journald adds the time, and under
 * systemd (JOURNAL_STREAM set) each line starts with an sd-daemon(3) priority so that
 * `journalctl -p warning -u maas_hardware_sync` filters work.
 */
export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  /** Printed only with --debug. */
  debug(message: string): void;
  /** Registers a value that must never appear in a log line (token secret, token key, consumer key). */
  addSecret(secret: string): void;
}

export interface LoggerOptions {
  write?: (line: string) => void;
  /** Prefix lines with `<3>`/`<4>`/`<6>`/`<7>`; defaults to whether JOURNAL_STREAM is set. */
  journal?: boolean;
  debug?: boolean;
  env?: NodeJS.ProcessEnv;
}

const PRIORITY = { error: 3, warn: 4, info: 6, debug: 7 } as const;

export function createLogger(options: LoggerOptions = {}): Logger {
  const env = options.env ?? process.env;
  const journal = options.journal ?? Boolean(env.JOURNAL_STREAM);
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const secrets: string[] = [];

  const emit = (level: keyof typeof PRIORITY, message: string) => {
    // Registered values, and anything shaped like a credential that a region echoed back.
    const text = redactSecrets(message, secrets);
    // A multi-line message (a stack) stays one journal entry per line, each with its priority.
    for (const line of text.split("\n")) {
      write(journal ? `<${PRIORITY[level]}>${line}\n` : `${line}\n`);
    }
  };

  return {
    error: (message) => emit("error", message),
    warn: (message) => emit("warn", message),
    info: (message) => emit("info", message),
    debug: (message) => {
      if (options.debug) emit("debug", message);
    },
    addSecret(secret) {
      // Very short values would redact unrelated text; MAAS keys are 18 and 32 characters.
      if (secret.length >= 6 && !secrets.includes(secret)) secrets.push(secret);
    },
  };
}

/** A logger that keeps lines in memory: for tests and for the compat `.err` part. */
export function createMemoryLogger(options: Omit<LoggerOptions, "write"> = {}): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ journal: false, ...options, write: (line) => lines.push(line.trimEnd()) });
  return Object.assign(logger, { lines });
}
