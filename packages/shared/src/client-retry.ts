import { setTimeout as sleep } from "node:timers/promises";
import pRetry, { AbortError } from "p-retry";
import { ApiError, ErrorCode, HwsError, isHwsError } from "./errors.ts";

// When and how long ApiClient waits before another attempt. p-retry does the counting, the
// backoff and the overall deadline; what is ours is the policy: which failures are worth another
// attempt, and that a pause the server names (Retry-After) replaces the backoff, but only when it
// ends inside the caller's budget.

export interface RetryPolicy {
  /** Extra attempts after the first. */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
}

/**
 * The time a caller gives one or more requests, attempts, pauses and body reads included (the
 * agent's `--budget`, one CLI request). Its signal ends whatever is in flight when it runs out.
 */
export interface Budget {
  readonly ms: number;
  /** On the `performance.now()` clock, so a clock step cannot stretch or cut it. */
  readonly endsAt: number;
  readonly signal: AbortSignal;
}

export function startBudget(ms: number): Budget {
  return { ms, endsAt: performance.now() + ms, signal: AbortSignal.timeout(ms) };
}

function remainingMs(budget: Budget): number {
  return budget.endsAt - performance.now();
}

function spent(budget: Budget): boolean {
  return budget.signal.aborted || remainingMs(budget) <= 0;
}

/** Statuses that say "try again later": MAAS answers 503/504 with Retry-After on RPC trouble. */
const TRANSIENT_STATUS = new Set([408, 429, 502, 503, 504]);

/** Worth another attempt: the network, a timeout, or a "later" status. */
export function isTransient(error: unknown): boolean {
  if (error instanceof ApiError) return TRANSIENT_STATUS.has(error.status);
  return isHwsError(error) && (error.code === ErrorCode.NET_UNREACHABLE || error.code === ErrorCode.TIMEOUT);
}

/** The server asked for a pause that ends after the budget does: not started, the caller retries later. */
export class RetryLaterError extends ApiError {
  readonly retryAt: Date;
  constructor(error: ApiError, delayMs: number, budgetMs: number, now: Date) {
    const retryAt = new Date(now.getTime() + delayMs);
    super(
      error.code,
      {
        status: error.status,
        statusText: "",
        method: error.method,
        url: error.url,
        body: error.body,
        serverCode: error.serverCode,
        retryAfterMs: delayMs,
      },
      {
        hint: `The region is busy and said when to come back: a retry can succeed from ${retryAt.toISOString()} on.`,
        cause: error,
      },
    );
    this.name = "RetryLaterError";
    this.message = `the region answered ${error.status} ${error.serverMessage || "(no message)"} and asked to retry after ${Math.ceil(delayMs / 1000)} s (at ${retryAt.toISOString()}), past the ${budgetMs / 1000}s budget; not waiting`;
    this.retryAt = retryAt;
  }
}

/** The budget ran out before an answer came: `lastFailure`, the latest real failure, says why. */
export class BudgetSpentError extends HwsError {
  readonly budgetMs: number;
  readonly failedAttempts: number;
  readonly lastFailure: Error | null;
  constructor(what: string, budgetMs: number, failedAttempts: number, lastFailure: Error | null) {
    const why =
      lastFailure === null
        ? "; it ran out before the request went out"
        : ` after ${failedAttempts} failed attempt${failedAttempts > 1 ? "s" : ""}: ${lastFailure.message}`;
    super(ErrorCode.TIMEOUT, `${what}: no answer within the ${budgetMs / 1000}s budget${why}`, {
      hint: "Check that the region is up and answers quickly; raise the timeout if it is merely slow.",
      cause: lastFailure ?? undefined,
    });
    this.name = "BudgetSpentError";
    this.budgetMs = budgetMs;
    this.failedAttempts = failedAttempts;
    this.lastFailure = lastFailure;
  }
}

export interface RetryInfo {
  /** The failed attempt's number, from 1. */
  attempt: number;
  error: Error;
  /** The pause the server asked for (Retry-After); null when the backoff decides. */
  retryAfterMs: number | null;
}

export interface RetryOptions {
  policy: RetryPolicy;
  budget: Budget;
  /** The caller's own cancellation (SIGINT): ends a pause or an attempt at once. */
  signal?: AbortSignal;
  /** Says what failed, for BudgetSpentError: `[POST] http://…`. */
  what: string;
  /** Called before each pause, e.g. to log that another attempt follows. */
  onRetry?: (info: RetryInfo) => void;
  now?: () => Date;
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the budget or the retries run out, with
 * backoff doubling from minDelayMs to maxDelayMs and jittered (1× to 2×) so a fleet whose timers
 * fire on the same minute does not retry in lockstep. `attempt` receives the signal that ends it:
 * the caller's and the budget's.
 */
export async function retryTransient<T>(
  attempt: (signal: AbortSignal) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const { budget, policy } = options;
  const signal = options.signal ? AbortSignal.any([options.signal, budget.signal]) : budget.signal;
  let attempts = 0;
  let lastFailure: Error | null = null;
  try {
    return await pRetry(
      async () => {
        attempts += 1;
        try {
          return await attempt(signal);
        } catch (error) {
          // Cut short by the budget or the caller: the catch below says which; never retried.
          if (signal.aborted || !isTransient(error)) throw new AbortError(error as Error);
          throw error;
        }
      },
      {
        retries: policy.retries,
        minTimeout: policy.minDelayMs,
        maxTimeout: policy.maxDelayMs,
        factor: 2,
        randomize: true,
        maxRetryTime: Math.max(0, remainingMs(budget)),
        signal,
        onFailedAttempt: async ({ error, attemptNumber }) => {
          lastFailure = error;
          // Out of retries: p-retry reports this failure itself (shouldRetry below).
          if (attemptNumber > policy.retries) return;
          const asked = error instanceof ApiError ? error.retryAfterMs : null;
          if (asked !== null && asked > remainingMs(budget)) {
            throw new RetryLaterError(error as ApiError, asked, budget.ms, options.now?.() ?? new Date());
          }
          options.onRetry?.({ attempt: attemptNumber, error, retryAfterMs: asked });
          // The server named the pause: wait exactly that, instead of the backoff (see below).
          if (asked !== null) await sleep(asked, undefined, { signal });
        },
        // A pause the server named replaces the backoff: p-retry then starts the next attempt at
        // once. Such retries still count, against `retries` below.
        shouldConsumeRetry: ({ error }) => !(error instanceof ApiError && error.retryAfterMs !== null),
        shouldRetry: ({ attemptNumber }) => attemptNumber <= policy.retries,
      },
    );
  } catch (error) {
    if (options.signal?.aborted) {
      const reason: unknown = options.signal.reason;
      throw isHwsError(reason)
        ? reason
        : new HwsError(ErrorCode.TIMEOUT, `${options.what}: aborted`, { cause: reason });
    }
    if (spent(budget)) {
      // An attempt the budget cut short failed too, but the failure before it, if any, says why.
      const last = lastFailure ?? (attempts > 0 ? (error as Error) : null);
      throw new BudgetSpentError(options.what, budget.ms, attempts, last);
    }
    throw error;
  }
}
