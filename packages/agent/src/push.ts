import { gzipSync } from "node:zlib";
import { ErrorCode, HwsError } from "@hwsync/shared/errors";
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
import { type RegionAnswer, RegionClient, RegionStatusError, unexpectedAnswer } from "./region-client.ts";
import { Retrier, type RetryPolicy } from "./retry.ts";
import { VERSION } from "./version.ts";

export type PushMode = "auto" | "fast" | "compat";

/**
 * Backoff between attempts: 1 s doubling to 16 s, with jitter so a fleet whose timers fire on
 * the same minute does not retry in lockstep. The run's budget, not the count, ends the retries.
 */
export const PUSH_RETRY: RetryPolicy = { retries: 20, minDelayMs: 1000, maxDelayMs: 16_000 };
/** One attempt never waits longer than this for an answer (the budget may cut it shorter). */
const ATTEMPT_TIMEOUT_MS = 30_000;
/** The region's answer to a push is < 1 KiB of JSON; anything near this is not our region. */
export const PUSH_ANSWER_MAX_BYTES = 64 * 1024;

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
 * for it. Transient failures are retried with backoff, or after the Retry-After the region
 * names, until the budget is spent. Only an answer that parses as the expected one succeeds.
 */
export async function pushInventory(options: PushOptions): Promise<PushOutcome> {
  const { log } = options;
  const budget = AbortSignal.timeout(options.budgetMs);
  const signal = options.signal ? AbortSignal.any([budget, options.signal]) : budget;
  const client = new RegionClient({
    credentials: options.credentials,
    userAgent: `maas-hw-sync/${VERSION}`,
    attemptTimeoutMs: Math.min(ATTEMPT_TIMEOUT_MS, options.budgetMs),
    signal,
  });
  const retrier = new Retrier({
    policy: { ...PUSH_RETRY, ...options.retry },
    budgetMs: options.budgetMs,
    signal,
    log,
  });

  const outcome = async (): Promise<PushOutcome> => {
    if (options.mode !== "compat") {
      try {
        const answer = await retrier.run(() =>
          client.send({
            method: "POST",
            path: HARDWARE_SYNC_PATH,
            body: gzipSync(options.body),
            headers: {
              "content-type": "application/json",
              "content-encoding": "gzip",
              [CONTENT_HASH_HEADER]: options.hash,
            },
            maxBytes: PUSH_ANSWER_MAX_BYTES,
            what: "the hardware push",
          }),
        );
        // Retrying this POST is safe: the region applies a payload idempotently, keyed by its
        // content hash, so a repeat after a lost answer only refreshes last_sync.
        const result = readPushResult(answer, options.hash);
        return {
          mode: "fast",
          changed: result.changed,
          changes: result.changes,
          attempts: retrier.failures + 1,
          result,
        };
      } catch (error) {
        if (!(options.mode === "auto" && isStatus(error, 404))) throw error;
        log.info("the region has no fast path (404): using the MAAS op=signal wire");
      }
    }
    await pushCompat(client, retrier, {
      body: options.body,
      stderr: options.stderr ?? "",
      runtimeSeconds: options.runtimeSeconds ?? 0,
      log,
    });
    return { mode: "compat", changed: null, changes: null, attempts: retrier.failures + 1, result: null };
  };

  try {
    return await outcome();
  } catch (error) {
    if (options.signal?.aborted) {
      const reason: unknown = options.signal.reason;
      throw reason instanceof InterruptedError ? reason : new InterruptedError("SIGINT");
    }
    if (budget.aborted) throw retrier.budgetSpent(retrier.lastError ?? (error as Error));
    if (isStatus(error, 401)) throw revoked(error as RegionStatusError);
    if (isStatus(error, 403)) throw notMachineToken(error as RegionStatusError);
    if (isStatus(error, 404)) {
      const notFound = error as RegionStatusError;
      throw new HwsError(
        ErrorCode.NOT_FOUND,
        `${notFound.message}: the region has neither the fast path nor MAAS's metadata API`,
        {
          hint: "Check the endpoint in the credentials file: it must point at a MAAS region or rack (…:5248/MAAS/…).",
          cause: error,
        },
      );
    }
    throw error;
  }
}

/**
 * The fast path's answer: JSON in the PushResult shape, acknowledging the very hash we sent.
 * An HTML page, random bytes or another payload's hash means something else answered.
 */
function readPushResult(answer: RegionAnswer, hash: string): PushResult {
  const text = answer.body.toString("utf8");
  let document: unknown;
  let problem: string | null = null;
  try {
    document = JSON.parse(text);
  } catch {
    problem = "not JSON";
  }
  if (problem === null) {
    const parsed = pushResultSchema.safeParse(document, { jitless: true });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      problem = `${issue.path.join(".") || "the document"}: ${issue.message}`;
    } else if (parsed.data.content_hash !== hash) {
      throw unexpectedAnswer(
        `the region acknowledged payload ${parsed.data.content_hash.slice(0, 80)}, not the ${hash} we sent`,
      );
    } else {
      return parsed.data;
    }
  }
  const type = String(answer.headers["content-type"] ?? "no content type");
  throw unexpectedAnswer(
    `the region's answer to the hardware push is not a push result (${answer.status}, ${type}, ${answer.body.length} bytes: ${problem}; it begins ${JSON.stringify(text.slice(0, 80))})`,
  );
}

function isStatus(error: unknown, status: number): boolean {
  return error instanceof RegionStatusError && error.status === status;
}

/**
 * 401 from the metadata API means the token is gone: MAAS deletes a machine's token when it is
 * released. Retrying cannot help, and saying so beats a bare "Unauthorized".
 */
function revoked(error: RegionStatusError): HwsError {
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
function notMachineToken(error: RegionStatusError): HwsError {
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
