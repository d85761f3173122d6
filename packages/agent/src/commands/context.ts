import type { Logger } from "../log.ts";

/** What a command may touch; tests build one with in-memory streams and a fixed clock. */
export interface CommandContext {
  log: Logger;
  /** Writes data (never notes) to stdout. */
  stdout: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  now: () => Date;
}
