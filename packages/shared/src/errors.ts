/**
 * Every error we raise on purpose carries a stable string code. Callers match on `code`
 * (never on `instanceof`): each binary bundles its own copy of this package.
 */
export const ErrorCode = {
  USAGE: "HWS_USAGE",
  CONFIG_INVALID: "HWS_CONFIG_INVALID",
  PROFILE_NOT_FOUND: "HWS_PROFILE_NOT_FOUND",
  API_KEY_INVALID: "HWS_API_KEY_INVALID",
  TIME_SPAN_INVALID: "HWS_TIME_SPAN_INVALID",
  NET_UNREACHABLE: "HWS_NET_UNREACHABLE",
  TIMEOUT: "HWS_TIMEOUT",
  AUTH_REJECTED: "HWS_AUTH_REJECTED",
  NOT_FOUND: "HWS_NOT_FOUND",
  API_STATUS: "HWS_API_STATUS",
  INVENTORY_INVALID: "HWS_INVENTORY_INVALID",
  VALIDATION_FAILED: "HWS_VALIDATION_FAILED",
  CREDENTIALS_INVALID: "HWS_CREDENTIALS_INVALID",
  COLLECT_FAILED: "HWS_COLLECT_FAILED",
  SPOOL_FAILED: "HWS_SPOOL_FAILED",
  INTERRUPTED: "HWS_INTERRUPTED",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface HwsErrorOptions {
  hint?: string;
  cause?: unknown;
}

/** Base class of every coded error in the project. */
export class HwsError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  constructor(code: ErrorCode, message: string, options: HwsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "HwsError";
    this.code = code;
    this.hint = options.hint;
  }
}

/** True for any error raised on purpose by this project (matched by code prefix). */
export function isHwsError(err: unknown): err is HwsError {
  return (
    typeof err === "object" &&
    err !== null &&
    typeof (err as { code?: unknown }).code === "string" &&
    (err as { code: string }).code.startsWith("HWS_")
  );
}

/** The signals our binaries stop on; each exits 128 + the signal's number, as shells report it. */
export type InterruptSignal = "SIGINT" | "SIGTERM";
const INTERRUPTED_EXIT: Record<InterruptSignal, number> = { SIGINT: 130, SIGTERM: 143 };

/** A run cut short by SIGINT (Ctrl-C) or SIGTERM (systemd stopping a unit). */
export class InterruptedError extends HwsError {
  readonly signal: InterruptSignal;
  constructor(signal: InterruptSignal = "SIGINT") {
    super(ErrorCode.INTERRUPTED, `interrupted by ${signal}`);
    this.name = "InterruptedError";
    this.signal = signal;
  }

  /** 130 for SIGINT, 143 for SIGTERM. */
  get exitCode(): number {
    return INTERRUPTED_EXIT[this.signal];
  }
}

/** True for an InterruptedError from any bundle (matched by code, like every coded error). */
export function isInterrupted(err: unknown): err is InterruptedError {
  return isHwsError(err) && err.code === ErrorCode.INTERRUPTED;
}

/**
 * The exit code of "this is a bug" (an error nobody raised on purpose) in every binary: sysexits'
 * EX_SOFTWARE, so a script can tell a crash from the codes it is meant to handle.
 */
export const EXIT_BUG = 70;

/** A non-2xx answer from a MAAS-compatible server. The URL never carries credentials. */
export class ApiError extends HwsError {
  readonly status: number;
  readonly method: string;
  readonly url: string;
  /** Parsed JSON body when the server sent JSON, else the text. */
  readonly body: unknown;
  constructor(
    code: ErrorCode,
    init: { status: number; statusText: string; method: string; url: string; body: unknown },
    options: HwsErrorOptions = {},
  ) {
    super(code, `[${init.method}] ${init.url}: ${init.status} ${init.statusText}`, options);
    this.name = "ApiError";
    this.status = init.status;
    this.method = init.method;
    this.url = init.url;
    this.body = init.body;
  }

  /** The server's own words, one line, for error reports. */
  get serverMessage(): string {
    if (this.body === undefined || this.body === null || this.body === "") return "";
    const text = typeof this.body === "string" ? this.body : JSON.stringify(this.body);
    return text.trim().replace(/\s+/g, " ");
  }
}

/** Maps an HTTP status to the error code a caller should match on. */
export function codeForStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return ErrorCode.AUTH_REJECTED;
  if (status === 404) return ErrorCode.NOT_FOUND;
  return ErrorCode.API_STATUS;
}
