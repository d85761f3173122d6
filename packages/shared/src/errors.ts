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
  REDIRECT_REFUSED: "HWS_REDIRECT_REFUSED",
  RESPONSE_TOO_LARGE: "HWS_RESPONSE_TOO_LARGE",
  UNEXPECTED_ANSWER: "HWS_UNEXPECTED_ANSWER",
  INTERRUPTED: "HWS_INTERRUPTED",
  // Raised by the region; every error reply names its code in the ERROR_CODE_HEADER header.
  // The region's table (packages/region/src/errors.ts) gives each one its HTTP status.
  BAD_REQUEST: "HWS_BAD_REQUEST",
  REQUEST_MALFORMED: "HWS_REQUEST_MALFORMED",
  UNRECOGNISED_SIGNATURE: "HWS_UNRECOGNISED_SIGNATURE",
  HW_SYNC_OS_UNSUPPORTED: "HWS_HW_SYNC_OS_UNSUPPORTED",
  CONTENT_HASH_MISMATCH: "HWS_CONTENT_HASH_MISMATCH",
  PAYLOAD_NOT_JSON: "HWS_PAYLOAD_NOT_JSON",
  OAUTH_PARAMS_INVALID: "HWS_OAUTH_PARAMS_INVALID",
  VALUE_NOT_STORABLE: "HWS_VALUE_NOT_STORABLE",
  UNAUTHORIZED: "HWS_UNAUTHORIZED",
  OAUTH_REJECTED: "HWS_OAUTH_REJECTED",
  OAUTH_CONSUMER_MISMATCH: "HWS_OAUTH_CONSUMER_MISMATCH",
  LOGIN_FAILED: "HWS_LOGIN_FAILED",
  FORBIDDEN: "HWS_FORBIDDEN",
  ADMIN_REQUIRED: "HWS_ADMIN_REQUIRED",
  MACHINE_TOKEN_REQUIRED: "HWS_MACHINE_TOKEN_REQUIRED",
  MACHINE_NOT_FOUND: "HWS_MACHINE_NOT_FOUND",
  ROUTE_NOT_FOUND: "HWS_ROUTE_NOT_FOUND",
  METADATA_VERSION_UNKNOWN: "HWS_METADATA_VERSION_UNKNOWN",
  AGENT_ARCH_UNKNOWN: "HWS_AGENT_ARCH_UNKNOWN",
  AGENT_NOT_BUILT: "HWS_AGENT_NOT_BUILT",
  MACHINE_NOT_SYNCABLE: "HWS_MACHINE_NOT_SYNCABLE",
  MACHINE_NOT_DEPLOYABLE: "HWS_MACHINE_NOT_DEPLOYABLE",
  MACHINE_ALLOCATED_TO_OTHER: "HWS_MACHINE_ALLOCATED_TO_OTHER",
  MACHINE_NOT_RELEASABLE: "HWS_MACHINE_NOT_RELEASABLE",
  MACHINE_TOKEN_MISSING: "HWS_MACHINE_TOKEN_MISSING",
  TAG_DEFINITION_MISMATCH: "HWS_TAG_DEFINITION_MISMATCH",
  PAYLOAD_TOO_LARGE: "HWS_PAYLOAD_TOO_LARGE",
  URL_TOO_LONG: "HWS_URL_TOO_LONG",
  CONTENT_ENCODING_UNSUPPORTED: "HWS_CONTENT_ENCODING_UNSUPPORTED",
  CONTENT_TYPE_UNSUPPORTED: "HWS_CONTENT_TYPE_UNSUPPORTED",
  INTERNAL_ERROR: "HWS_INTERNAL_ERROR",
  DATABASE_UNAVAILABLE: "HWS_DATABASE_UNAVAILABLE",
  WEB_UI_NOT_BUILT: "HWS_WEB_UI_NOT_BUILT",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The response header in which the region names the code of every error reply. */
export const ERROR_CODE_HEADER = "x-hwsync-error-code";

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

export interface ApiErrorInit {
  status: number;
  statusText: string;
  method: string;
  url: string;
  body: unknown;
  /** The code our region names in ERROR_CODE_HEADER; null from MAAS and anything else. */
  serverCode?: string | null;
  /** The pause the answer's Retry-After asks for, in milliseconds; null when it asks none. */
  retryAfterMs?: number | null;
}

/** A non-2xx answer from a MAAS-compatible server. The URL never carries credentials. */
export class ApiError extends HwsError {
  readonly status: number;
  readonly method: string;
  readonly url: string;
  /** Parsed JSON body when the server sent JSON, else the text. */
  readonly body: unknown;
  /**
   * Our region's own code for the error (`HWS_MACHINE_NOT_SYNCABLE`, …), from ERROR_CODE_HEADER:
   * match on it rather than on the body's words. Null when the server names none (real MAAS).
   */
  readonly serverCode: string | null;
  readonly retryAfterMs: number | null;
  constructor(code: ErrorCode, init: ApiErrorInit, options: HwsErrorOptions = {}) {
    super(code, `[${init.method}] ${init.url}: ${init.status} ${init.statusText}`, options);
    this.name = "ApiError";
    this.status = init.status;
    this.method = init.method;
    this.url = init.url;
    this.body = init.body;
    this.serverCode = init.serverCode ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
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
