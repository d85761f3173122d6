import { gzipSync } from "node:zlib";
import type { ApiResponse, RetryPolicy } from "@hwsync/shared/client";
import type { ApiError } from "@hwsync/shared/errors";
import type { MachineCredentials } from "@hwsync/shared/wire/credentials";
import {
  CONTENT_HASH_HEADER,
  HARDWARE_SYNC_PATH,
  type PushResult,
  pushResultSchema,
} from "@hwsync/shared/wire/push";
import { pushCompat } from "./compat.ts";
import type { Logger } from "./log.ts";
import { isMissingRoute, RegionLink, statusOf, unexpectedAnswer } from "./region-link.ts";

export type PushMode = "auto" | "fast" | "compat";

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
  const link = new RegionLink({
    credentials: options.credentials,
    budgetMs: options.budgetMs,
    log,
    signal: options.signal,
    retry: options.retry,
  });

  const outcome = async (): Promise<PushOutcome> => {
    if (options.mode !== "compat") {
      try {
        const answer = await link.send({
          method: "POST",
          path: HARDWARE_SYNC_PATH,
          body: gzipSync(options.body),
          headers: {
            "content-type": "application/json",
            "content-encoding": "gzip",
            [CONTENT_HASH_HEADER]: options.hash,
          },
          maxBytes: PUSH_ANSWER_MAX_BYTES,
        });
        const result = readPushResult(answer, options.hash);
        return {
          mode: "fast",
          changed: result.changed,
          changes: result.changes,
          attempts: link.failures + 1,
          result,
        };
      } catch (error) {
        if (!(options.mode === "auto" && statusOf(error) === 404 && isMissingRoute(error as ApiError)))
          throw error;
        log.info("the region has no fast path (404): using the MAAS op=signal wire");
      }
    }
    await pushCompat(link, {
      body: options.body,
      stderr: options.stderr ?? "",
      runtimeSeconds: options.runtimeSeconds ?? 0,
      log,
    });
    return { mode: "compat", changed: null, changes: null, attempts: link.failures + 1, result: null };
  };

  try {
    return await outcome();
  } catch (error) {
    throw link.explain(error);
  }
}

/**
 * The fast path's answer: JSON in the PushResult shape, acknowledging the very hash we sent.
 * An HTML page, random bytes or another payload's hash means something else answered.
 */
function readPushResult(answer: ApiResponse<Uint8Array>, hash: string): PushResult {
  const text = Buffer.from(answer.body).toString("utf8");
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
