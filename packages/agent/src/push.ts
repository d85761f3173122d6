import { gzipSync } from "node:zlib";
import { ApiClient, type RetryPolicy } from "@hwsync/shared/client";
import { ApiError, ErrorCode, HwsError, isHwsError } from "@hwsync/shared/errors";
import type { MachineCredentials } from "@hwsync/shared/wire/credentials";
import {
  CONTENT_HASH_HEADER,
  HARDWARE_SYNC_PATH,
  type PushResult,
  pushResultSchema,
} from "@hwsync/shared/wire/push";
import { pushCompat } from "./compat.ts";
import { InterruptedError } from "./exit-codes.ts";
import type { Logger } from "./log.ts";
import { VERSION } from "./version.ts";

export type PushMode = "auto" | "fast" | "compat";

/**
 * Backoff between attempts: 1 s doubling to 16 s, with jitter so a fleet whose timers fire on
 * the same minute does not retry in lockstep. The run's budget, not the count, ends the retries.
 */
export const PUSH_RETRY: RetryPolicy = { retries: 20, minDelayMs: 1000, maxDelayMs: 16_000 };
/** One attempt never waits longer than this for an answer (the budget may cut it shorter). */
const ATTEMPT_TIMEOUT_MS = 30_000;

export interface PushOptions {
  credentials: MachineCredentials;
  /** The canonical JSON, exactly the bytes the hash covers. */
  body: string;
  hash: string;
  mode: PushMode;
  budgetMs: number;
  log: Logger;
  /** Aborted on SIGINT/SIGTERM. */
  signal?: AbortSignal;
  retry?: Partial<RetryPolicy>;
  /** For the compat wire: what MAAS shows as the script's stderr and runtime. */
  stderr?: string;
  runtimeSeconds?: number;
}

export interface PushOutcome {
  mode: "fast" | "compat";
  changed: boolean | null;
  changes: number | null;
  attempts: number;
  result: PushResult | null;
}

/**
 * Sends the payload to the region: our fast path first (one gzip POST with the content hash),
 * MAAS's `op=signal` wire when the region does not know the fast path (404) or `--compat` asks
 * for it. Transient failures are retried with backoff until the budget is spent.
 */
export async function pushInventory(options: PushOptions): Promise<PushOutcome> {
  const { log } = options;
  const budget = AbortSignal.timeout(options.budgetMs);
  const signal = options.signal ? AbortSignal.any([budget, options.signal]) : budget;
  let failures = 0;
  let lastError: Error | null = null;
  const client = new ApiClient({
    url: `${options.credentials.baseUrl}/MAAS/`,
    credentials: options.credentials,
    timeoutMs: Math.min(ATTEMPT_TIMEOUT_MS, options.budgetMs),
    retry: { ...PUSH_RETRY, ...options.retry },
    userAgent: `maas-hw-sync/${VERSION}`,
    onRetry: ({ attempt, error }) => {
      failures = attempt;
      lastError = error;
      log.warn(`attempt ${attempt} failed ${codeOf(error)}: ${error.message}; retrying`);
    },
  });

  const outcome = async (): Promise<PushOutcome> => {
    if (options.mode !== "compat") {
      try {
        return await pushFast(client, options, signal, () => failures + 1);
      } catch (error) {
        if (!(options.mode === "auto" && error instanceof ApiError && error.status === 404)) throw error;
        log.info("the region has no fast path (404): using the MAAS op=signal wire");
      }
    }
    await pushCompat(client, {
      body: options.body,
      stderr: options.stderr ?? "",
      runtimeSeconds: options.runtimeSeconds ?? 0,
      signal,
      log,
    });
    return { mode: "compat", changed: null, changes: null, attempts: failures + 1, result: null };
  };

  try {
    return await outcome();
  } catch (error) {
    if (options.signal?.aborted) {
      const reason: unknown = options.signal.reason;
      throw reason instanceof InterruptedError ? reason : new InterruptedError("SIGINT");
    }
    if (budget.aborted) {
      const last = lastError ?? (error as Error);
      throw new HwsError(
        ErrorCode.NET_UNREACHABLE,
        `no answer from the region within the ${options.budgetMs / 1000}s budget after ${failures || 1} failed attempt${failures > 1 ? "s" : ""}: ${last.message}`,
        {
          hint: "Check that the region is up and that the endpoint in the credentials file is reachable; the next run retries.",
          cause: error,
        },
      );
    }
    if (error instanceof ApiError && error.status === 401) throw revoked(error);
    if (error instanceof ApiError && error.status === 404) {
      throw new HwsError(
        ErrorCode.NOT_FOUND,
        `${error.message}: the region has neither the fast path nor MAAS's metadata API`,
        {
          hint: "Check the endpoint in the credentials file: it must point at a MAAS region or rack (…:5248/MAAS/…).",
          cause: error,
        },
      );
    }
    throw error;
  }
}

async function pushFast(
  client: ApiClient,
  options: PushOptions,
  signal: AbortSignal,
  attempts: () => number,
): Promise<PushOutcome> {
  const response = await client.request({
    method: "POST",
    path: HARDWARE_SYNC_PATH,
    body: gzipSync(options.body),
    headers: {
      "content-type": "application/json",
      "content-encoding": "gzip",
      [CONTENT_HASH_HEADER]: options.hash,
    },
    // Retrying this POST is safe: the region applies a payload idempotently, keyed by its
    // content hash, so a repeat after a lost answer only refreshes last_sync.
    retryUnsafe: true,
    signal,
  });
  const parsed = pushResultSchema.safeParse(response.body);
  const result = parsed.success ? parsed.data : null;
  return {
    mode: "fast",
    changed: result?.changed ?? null,
    changes: result?.changes ?? null,
    attempts: attempts(),
    result,
  };
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

function codeOf(error: unknown): string {
  return isHwsError(error) ? error.code : "ERROR";
}
