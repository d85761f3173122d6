import {
  ApiClient,
  type ApiResponse,
  type Budget,
  BudgetSpentError,
  type FilePart,
  type RetryInfo,
  type RetryPolicy,
  startBudget,
} from "@hwsync/shared/client";
import { type ApiError, ErrorCode, HwsError, InterruptedError, isHwsError } from "@hwsync/shared/errors";
import type { MachineCredentials } from "@hwsync/shared/wire/credentials";
import type { Logger } from "./log.ts";
import { VERSION } from "./version.ts";

// The agent's side of the wire is shared's ApiClient, which already trusts nothing it hears
// (bodies capped, redirects refused, Retry-After honoured within the budget). What is the
// agent's own is the policy around it: one budget for the whole run, every request retried
// (each one is safe to repeat), and which failure the run reports, in words about the machine.

/**
 * Backoff between attempts: 1 s doubling to 16 s, with jitter so a fleet whose timers fire on
 * the same minute does not retry in lockstep. The run's budget, not the count, ends the retries.
 */
export const PUSH_RETRY: RetryPolicy = { retries: 20, minDelayMs: 1000, maxDelayMs: 16_000 };
/** One attempt never waits longer than this for an answer (the budget may cut it shorter). */
const ATTEMPT_TIMEOUT_MS = 30_000;

export interface RegionLinkOptions {
  credentials: MachineCredentials;
  budgetMs: number;
  log: Logger;
  /** Aborted on SIGINT/SIGTERM. */
  signal?: AbortSignal;
  retry?: Partial<RetryPolicy>;
}

export interface RegionRequest {
  method: "GET" | "POST";
  /** From the origin: `/MAAS/metadata/2012-03-01/…`. */
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Multipart form fields (in order) and files, as MAAS's op=signal takes them. */
  form?: Array<[string, string]>;
  files?: FilePart[];
  /** The largest 2xx body this request can legitimately get; more is HWS_RESPONSE_TOO_LARGE. */
  maxBytes: number;
}

/** One run's link to the region: every request it sends shares the run's budget. */
export class RegionLink {
  /** Failed attempts retried so far, across every request of the run. */
  failures = 0;
  private lastFailure: Error | null = null;
  private readonly budget: Budget;
  private readonly client: ApiClient;
  private readonly options: RegionLinkOptions;

  constructor(options: RegionLinkOptions) {
    this.options = options;
    this.budget = startBudget(options.budgetMs);
    this.client = new ApiClient({
      url: options.credentials.baseUrl,
      credentials: options.credentials,
      userAgent: `maas-hw-sync/${VERSION}`,
      timeoutMs: Math.min(ATTEMPT_TIMEOUT_MS, options.budgetMs),
      retry: { ...PUSH_RETRY, ...options.retry },
      onRetry: (info) => this.noteRetry(info),
    });
  }

  /** The answer's exact bytes; resolves only with a 2xx whose body fits `maxBytes`. */
  send(request: RegionRequest): Promise<ApiResponse<Uint8Array>> {
    return this.client.request<Uint8Array>({
      ...request,
      // Safe to repeat: the region applies a payload idempotently, keyed by its content hash,
      // and MAAS stores a repeated signal's result again (its own client re-sends up to 8 times).
      retryUnsafe: true,
      budget: this.budget,
      signal: this.options.signal,
      maxResponseBytes: request.maxBytes,
      responseType: "bytes",
    });
  }

  private noteRetry({ error, retryAfterMs }: RetryInfo): void {
    this.failures += 1;
    this.lastFailure = error;
    const code = isHwsError(error) ? error.code : "ERROR";
    const why =
      retryAfterMs === null ? "" : `; the region asked to retry after ${Math.ceil(retryAfterMs / 1000)} s`;
    this.options.log.warn(`attempt ${this.failures} failed ${code}: ${error.message}${why}; retrying`);
  }

  /** The error the run reports for a failed push: what it means for this machine, and what to do. */
  explain(error: unknown): unknown {
    const { signal } = this.options;
    if (signal?.aborted) {
      const reason: unknown = signal.reason;
      return reason instanceof InterruptedError ? reason : new InterruptedError("SIGINT");
    }
    if (error instanceof BudgetSpentError || this.budget.signal.aborted) {
      const cut = error instanceof BudgetSpentError ? error.lastFailure : null;
      return this.budgetSpent(this.lastFailure ?? cut ?? (error as Error));
    }
    const status = statusOf(error);
    if (status === 401) return revoked(error as ApiError);
    if (status === 403) return notMachineToken(error as ApiError);
    if (status === 404 && isMissingRoute(error as ApiError)) {
      return new HwsError(
        ErrorCode.NOT_FOUND,
        `${(error as ApiError).message}: the region has neither the fast path nor MAAS's metadata API`,
        {
          hint: "Check the endpoint in the credentials file: it must point at a MAAS region or rack (…:5248/MAAS/…).",
          cause: error,
        },
      );
    }
    return error;
  }

  /** The run ends for lack of time: `last`, the latest real failure, says why. */
  private budgetSpent(last: Error): HwsError {
    const failures = Math.max(this.failures, 1);
    return new HwsError(
      ErrorCode.NET_UNREACHABLE,
      `no answer from the region within the ${this.options.budgetMs / 1000}s budget after ${failures} failed attempt${failures > 1 ? "s" : ""}: ${last.message}`,
      {
        hint: "Check that the region is up and that the endpoint in the credentials file is reachable; the next run retries.",
        cause: last,
      },
    );
  }
}

/** The HTTP status of a non-2xx answer, else null. */
export function statusOf(error: unknown): number | null {
  const status = isHwsError(error) ? (error as { status?: unknown }).status : undefined;
  return typeof status === "number" ? status : null;
}

/**
 * A 404 for a URL the server does not route: MAAS names no code, our region says
 * HWS_ROUTE_NOT_FOUND. A 404 naming another of our codes is about something else.
 */
export function isMissingRoute(error: ApiError): boolean {
  return error.serverCode === null || error.serverCode === ErrorCode.ROUTE_NOT_FOUND;
}

/** A 2xx whose body is not the answer the request expects (HTML, random bytes, another shape). */
export function unexpectedAnswer(message: string): HwsError {
  return new HwsError(ErrorCode.UNEXPECTED_ANSWER, message, {
    hint: "Something other than a MAAS region answers at the endpoint in the credentials file (a proxy, a captive portal, another web server): check the endpoint and the network path. The payload stays spooled.",
  });
}

/**
 * 401 from the metadata API means the token is gone: MAAS deletes a machine's token when it is
 * released. Retrying cannot help, and saying so beats a bare "Unauthorized".
 */
function revoked(error: ApiError): HwsError {
  const said = error.serverMessage;
  return new HwsError(
    ErrorCode.AUTH_REJECTED,
    `the region refused the machine token (401${said ? `: ${said}` : ""}); the machine was probably released or its token revoked`,
    {
      hint: "Redeploy the machine with hardware sync enabled, or install fresh credentials with `maas-hw-sync install --config FILE`.",
      cause: error,
    },
  );
}

/** 403 on the metadata API: a valid key, but a user's, not this machine's. */
function notMachineToken(error: ApiError): HwsError {
  const said = error.serverMessage;
  return new HwsError(
    ErrorCode.AUTH_REJECTED,
    `the region refused the credentials (403${said ? `: ${said}` : ""}): they are not a machine token`,
    {
      hint: "Redeploy the machine with hardware sync enabled, or install the machine's own token (`maas PROFILE machine get-token SYSTEM_ID --format json`) with `maas-hw-sync install --config FILE --endpoint URL`.",
      cause: error,
    },
  );
}
