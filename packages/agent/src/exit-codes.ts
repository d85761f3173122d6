import { type ErrorCode, EXIT_BUG, InterruptedError, isHwsError, isInterrupted } from "@hwsync/shared/errors";

// This module is on the start-up path of every command, `--help` and `--version` included, so of
// shared it imports only the errors module, which imports nothing: loading shared's runtime (zod,
// yaml) costs ~20 MB of RSS and tens of milliseconds. Codes are matched as the house style asks,
// by string.

export { InterruptedError };

/** The agent's exit codes (README "Exit codes"); systemd shows anything non-zero as a failed run. */
export const EXIT = {
  OK: 0,
  /** A coded error no retry or configuration change fixes, e.g. the region rejected the payload. */
  ERROR: 1,
  /** An unexpected error: a bug, reported with its stack (the same code in every binary). */
  BUG: EXIT_BUG,
  /** Usage or configuration: the unit cannot succeed until a person fixes something. */
  USAGE: 2,
  /** sysexits EX_TEMPFAIL: the region is unreachable or failing; the next timer tick retries. */
  TEMPFAIL: 75,
  INTERRUPTED: 130,
  /** SIGTERM (systemd stopping the unit or its timeout). */
  TERMINATED: 143,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const CONFIG_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  "HWS_USAGE",
  "HWS_CONFIG_INVALID",
  "HWS_CREDENTIALS_INVALID",
  "HWS_API_KEY_INVALID",
  "HWS_TIME_SPAN_INVALID",
  "HWS_AUTH_REJECTED",
  "HWS_NOT_FOUND",
  // Something other than our region answers at the endpoint: a person must fix the path to it.
  "HWS_REDIRECT_REFUSED",
  "HWS_RESPONSE_TOO_LARGE",
  "HWS_UNEXPECTED_ANSWER",
]);
const TRANSIENT_CODES: ReadonlySet<string> = new Set<ErrorCode>(["HWS_NET_UNREACHABLE", "HWS_TIMEOUT"]);

/** The HWS_* code of an error we raised on purpose, else null. */
export function errorCode(error: unknown): string | null {
  return isHwsError(error) ? error.code : null;
}

/** The one mapping from an error to an exit code. */
export function exitCodeFor(error: unknown): ExitCode {
  if (isInterrupted(error)) return error.signal === "SIGTERM" ? EXIT.TERMINATED : EXIT.INTERRUPTED;
  const code = errorCode(error);
  if (code === null) return EXIT.BUG;
  if (CONFIG_CODES.has(code)) return EXIT.USAGE;
  if (TRANSIENT_CODES.has(code)) return EXIT.TEMPFAIL;
  if (code === ("HWS_API_STATUS" satisfies ErrorCode)) {
    const status = (error as { status?: number }).status ?? 0;
    if (status >= 500 || status === 408 || status === 429) return EXIT.TEMPFAIL;
    // 409: the machine is not deployed with hardware sync; 413: the region's size limit.
    // Neither clears up by retrying: a person has to redeploy or raise the limit.
    if (status === 409 || status === 413) return EXIT.USAGE;
  }
  return EXIT.ERROR;
}
