import { setTimeout as sleep } from "node:timers/promises";
import { ErrorCode, HwsError, isHwsError } from "@hwsync/shared/errors";
import type { Logger } from "./log.ts";
import { RegionStatusError } from "./region-client.ts";

export interface RetryPolicy {
  /** Extra attempts after the first. */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
}

/** Statuses that say "try again later": MAAS answers 503/504 with Retry-After on RPC trouble. */
const TRANSIENT_STATUS = new Set([408, 429, 502, 503, 504]);

/** Worth another attempt in this run: the network, a timeout, or a "later" status. */
export function isTransient(error: unknown): boolean {
  if (error instanceof RegionStatusError) return TRANSIENT_STATUS.has(error.status);
  return isHwsError(error) && (error.code === ErrorCode.NET_UNREACHABLE || error.code === ErrorCode.TIMEOUT);
}

/** The region asked for a pause longer than the budget has left: the next run retries. */
export class RetryLaterError extends HwsError {
  readonly status: number;
  readonly retryAt: Date;
  constructor(error: RegionStatusError, delayMs: number, budgetMs: number, now: Date) {
    const retryAt = new Date(now.getTime() + delayMs);
    super(
      error.code,
      `the region answered ${error.status} ${error.serverMessage || "(no message)"} and asked to retry after ${Math.ceil(delayMs / 1000)} s (at ${retryAt.toISOString()}), past the ${budgetMs / 1000}s budget; not waiting`,
      {
        hint: `Nothing is lost: the payload stays spooled and the next timer tick retries; a manual \`maas-hw-sync run\` can succeed from ${retryAt.toISOString()} on.`,
        cause: error,
      },
    );
    this.status = error.status;
    this.retryAt = retryAt;
  }
}

export interface RetrierOptions {
  policy: RetryPolicy;
  budgetMs: number;
  /** The run's budget and SIGINT/SIGTERM: ends a pause at once. */
  signal: AbortSignal;
  log: Logger;
  now?: () => Date;
}

/**
 * Attempts with backoff (doubling from minDelayMs to maxDelayMs, with jitter so a fleet whose
 * timers fire on the same minute does not retry in lockstep) or, when the region says how long
 * to wait (Retry-After), exactly that long. The run's budget, not the count, ends the retries:
 * a pause that would outlast it is not started.
 */
export class Retrier {
  /** Failed attempts so far, across every request of the run. */
  failures = 0;
  /** The last failure that was retried: what a budget error reports. */
  lastError: Error | null = null;
  private readonly deadline: number;
  private readonly options: RetrierOptions;

  constructor(options: RetrierOptions) {
    this.options = options;
    this.deadline = performance.now() + options.budgetMs;
  }

  async run<T>(attempt: () => Promise<T>): Promise<T> {
    for (let retry = 0; ; retry++) {
      try {
        return await attempt();
      } catch (error) {
        if (this.options.signal.aborted || !isTransient(error)) throw error;
        this.failures += 1;
        const remaining = this.deadline - performance.now();
        const asked = error instanceof RegionStatusError ? error.retryAfterMs : null;
        if (asked !== null && asked > remaining) {
          throw new RetryLaterError(
            error as RegionStatusError,
            asked,
            this.options.budgetMs,
            (this.options.now ?? (() => new Date()))(),
          );
        }
        const delay = asked ?? this.backoff(retry);
        if (retry >= this.options.policy.retries) throw error;
        if (delay >= remaining) throw this.budgetSpent(error as Error);
        this.lastError = error as Error;
        const code = isHwsError(error) ? error.code : "ERROR";
        const why = asked === null ? "" : `; the region asked to retry after ${Math.ceil(asked / 1000)} s`;
        this.options.log.warn(
          `attempt ${this.failures} failed ${code}: ${(error as Error).message}${why}; retrying`,
        );
        await sleep(delay, undefined, { signal: this.options.signal });
      }
    }
  }

  /** The run ends for lack of time: `last`, the latest real failure, says why. */
  budgetSpent(last: Error): HwsError {
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

  private backoff(retry: number): number {
    const { minDelayMs, maxDelayMs } = this.options.policy;
    const base = Math.min(maxDelayMs, minDelayMs * 2 ** retry);
    // Between 1× and 2× the step, capped: the same spread p-retry's `randomize` gives.
    return Math.min(maxDelayMs, Math.round(base * (1 + Math.random())));
  }
}
