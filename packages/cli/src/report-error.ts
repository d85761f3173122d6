import { ErrorCode, EXIT_BUG, isHwsError, isInterrupted } from "@hwsync/shared/errors";
import { loadStyle, type OutStream } from "./output.ts";

/** The CLI's exit codes (README "Exit codes"); stable, scripts match on them. */
export const ExitCode = {
  OK: 0,
  API: 1,
  USAGE: 2,
  AUTH: 3,
  NOT_FOUND: 4,
  NETWORK: 5,
  BUG: EXIT_BUG,
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

const EXIT_BY_CODE: Partial<Record<string, ExitCode>> = {
  [ErrorCode.USAGE]: ExitCode.USAGE,
  [ErrorCode.TIME_SPAN_INVALID]: ExitCode.USAGE,
  [ErrorCode.API_KEY_INVALID]: ExitCode.USAGE,
  [ErrorCode.CONFIG_INVALID]: ExitCode.USAGE,
  [ErrorCode.AUTH_REJECTED]: ExitCode.AUTH,
  [ErrorCode.NOT_FOUND]: ExitCode.NOT_FOUND,
  [ErrorCode.PROFILE_NOT_FOUND]: ExitCode.NOT_FOUND,
  [ErrorCode.NET_UNREACHABLE]: ExitCode.NETWORK,
  [ErrorCode.TIMEOUT]: ExitCode.NETWORK,
};

interface CommanderLike {
  code: string;
  exitCode: number;
}

function isCommanderError(error: unknown): error is CommanderLike {
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { code?: unknown }).code === "string" &&
    (error as { code: string }).code.startsWith("commander.")
  );
}

/** Exit code for any thrown value; the one mapping the CLI has. */
export function exitCodeFor(error: unknown): ExitCode {
  if (isInterrupted(error)) return ExitCode.INTERRUPTED;
  if (isCommanderError(error)) return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
  if (isHwsError(error)) return EXIT_BY_CODE[error.code] ?? ExitCode.API;
  return ExitCode.BUG;
}

interface ApiErrorLike {
  status: number;
  body: unknown;
}

function isApiErrorLike(error: unknown): error is ApiErrorLike {
  return isHwsError(error) && typeof (error as { status?: unknown }).status === "number";
}

const MAX_SERVER_TEXT = 300;

/**
 * The server's words on one line: MAAS sends `text/plain` messages, or JSON `{"field": ["msg"]}`
 * for validation errors (docs/maas-compatibility.md#error-bodies), or an empty 403.
 */
export function serverText(body: unknown): string {
  if (body === undefined || body === null) return "";
  let text: string;
  if (typeof body === "string") {
    text = /^\s*<(!doctype|html)/i.test(body) ? `(an HTML page of ${body.length} characters)` : body;
  } else if (typeof body === "object" && !Array.isArray(body)) {
    text = Object.entries(body as Record<string, unknown>)
      .map(
        ([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.join(" ") : String(messages)}`,
      )
      .join("; ");
  } else {
    text = JSON.stringify(body);
  }
  text = text.trim().replace(/\s+/g, " ");
  return text.length > MAX_SERVER_TEXT ? `${text.slice(0, MAX_SERVER_TEXT - 1)}…` : text;
}

/** What to do next, when the error itself carries no hint. */
function defaultHint(error: ApiErrorLike, profile: string | undefined): string | undefined {
  const name = profile ?? "PROFILE";
  if (error.status === 401) {
    return `the region did not accept the API key of profile '${name}'; log in again: maas login ${name} URL KEY`;
  }
  if (error.status === 403) {
    return `the user of profile '${name}' may not do this (admin-only action, or a machine owned by someone else)`;
  }
  if (error.status === 404) return `check the id or name; maas ${name} machines read lists machines`;
  if (error.status >= 500) return "the region failed to answer; retry, or look at the region's log";
  return undefined;
}

export interface ReportOptions {
  stderr: OutStream;
  colorLevel: 0 | 1 | 2 | 3;
  debug: boolean;
  profile: string | undefined;
}

/** Writes the error report to stderr (one line unless it is a bug or --debug) and returns the exit code. */
export async function reportError(error: unknown, options: ReportOptions): Promise<ExitCode> {
  const code = exitCodeFor(error);
  if (code === ExitCode.OK) return code;
  const style = await loadStyle(options.colorLevel);
  const write = (line: string) => options.stderr.write(`${line}\n`);
  if (isInterrupted(error)) {
    write(style.dim("interrupted"));
    return code;
  }
  // commander has already printed its own one-line message and the --help pointer.
  if (isCommanderError(error)) return code;
  if (isHwsError(error)) {
    const parts = [error.message.replace(/\s+/g, " ").trim()];
    let hint = error.hint;
    if (isApiErrorLike(error)) {
      const text = serverText(error.body);
      if (text) parts[0] = `${parts[0]}: ${text}`;
      hint ??= defaultHint(error, options.profile);
    }
    write(`${style.red(`error ${error.code}`)} ${parts[0]}${hint ? ` ${style.dim(`Hint: ${hint}`)}` : ""}`);
    if (options.debug && error.stack) write(style.dim(stackWithCauses(error)));
    return code;
  }
  write(style.red(stackWithCauses(error)));
  write(
    `${style.red("error")} this is a bug: please report it with the lines above (maas exit code ${ExitCode.BUG})`,
  );
  return code;
}

function stackWithCauses(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    lines.push(
      depth === 0 ? "" : "caused by:",
      current instanceof Error ? (current.stack ?? String(current)) : String(current),
    );
    current = current instanceof Error ? current.cause : undefined;
  }
  return lines.filter(Boolean).join("\n");
}
