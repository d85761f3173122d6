import type { RetryPolicy } from "@hwsync/shared/client";
import { ErrorCode, HwsError, isHwsError } from "@hwsync/shared/errors";
import { parseTimeSpan } from "@hwsync/shared/time-span";
import { canonicalJson, contentHash } from "@hwsync/shared/wire/push";
import { assertCollectableRoot, collectInventory, findsNoHardware } from "../collect.ts";
import { loadCredentials } from "../credentials.ts";
import { EXIT, exitCodeFor } from "../exit-codes.ts";
import type { Logger } from "../log.ts";
import { type PushMode, type PushOutcome, pushInventory } from "../push.ts";
import { storableText } from "../redact.ts";
import { type RunState, Spool } from "../spool.ts";
import type { CommandContext } from "./context.ts";

export const DEFAULT_CONFIG = "/etc/maas/maas-machine-creds.yml";
export const DEFAULT_BUDGET = "60s";

export interface RunOptions {
  config?: string;
  /** The region or rack URL, for a token file without one (`machine get-token` JSON). */
  endpoint?: string;
  stateDir?: string;
  budget?: string;
  compat?: boolean;
  /** Directory standing for `/` when collecting (tests). */
  root?: string;
  /** Backoff override (tests use short delays). */
  retry?: Partial<RetryPolicy>;
}

/**
 * One timer tick: collect, push, record the outcome. A payload that could not be sent stays in
 * the spool and the error propagates (exit 75 for a transient failure), so systemd marks the run
 * failed; the next tick collects afresh and, once through, clears the spool. A token the region
 * refuses (401/403) will not start working by itself: nothing is spooled for it, exit 2.
 */
export async function runCommand(ctx: CommandContext, options: RunOptions): Promise<PushOutcome> {
  const { log } = ctx;
  const budgetMs = parseBudget(options.budget ?? DEFAULT_BUDGET);
  assertCollectableRoot(options.root);
  const credentials = loadCredentials(options.config ?? DEFAULT_CONFIG, { endpoint: options.endpoint });
  const secrets = [credentials.tokenSecret, credentials.tokenKey, credentials.consumerKey];
  for (const secret of secrets) log.addSecret(secret);
  const spool = new Spool(options.stateDir);
  const previous = spool.readState();
  const waiting = spool.peek();
  if (waiting)
    log.info(
      `an unsent payload from ${waiting.savedAt.toISOString()} is spooled; sending the current state instead`,
    );

  const started = performance.now();
  const stderrLines: string[] = [];
  let inventory: Awaited<ReturnType<typeof collectInventory>>;
  try {
    inventory = await collectInventory({ root: options.root, log: tee(log, stderrLines) });
  } catch (error) {
    keep(log, () => spool.writeState(failedState(ctx, previous, error, null, secrets)));
    throw error;
  }
  if (findsNoHardware(inventory.payload)) {
    // Pushing it would tell the region every disk, NIC and device is gone.
    const error = new HwsError(
      ErrorCode.COLLECT_FAILED,
      `no hardware found under ${options.root ?? "/"}: every collector failed or found nothing (${inventory.errors.map((failed) => failed.collector).join(", ") || "no CPU, memory or devices"}); nothing was sent`,
      {
        hint: "Check that sysfs and procfs are mounted (or that --root points at a copy of them); the region keeps the last hardware it has.",
      },
    );
    keep(log, () => spool.writeState(failedState(ctx, previous, error, null, secrets)));
    throw error;
  }
  const body = canonicalJson(inventory.payload);
  const hash = contentHash(body);
  const mode: PushMode = options.compat ? "compat" : "auto";

  let outcome: PushOutcome;
  try {
    outcome = await pushInventory({
      credentials,
      body,
      hash,
      mode,
      budgetMs,
      log,
      signal: ctx.signal,
      retry: options.retry,
      stderr: stderrLines.length > 0 ? `${stderrLines.join("\n")}\n` : "",
      runtimeSeconds: (performance.now() - started) / 1000,
    });
  } catch (error) {
    if (isHwsError(error) && error.code === ErrorCode.AUTH_REJECTED) {
      log.info("not keeping the payload: the region refuses this token, so no retry can deliver it");
    } else {
      const spooled = keep(log, () => spool.save(body));
      if (spooled) log.info(`payload ${hash} kept in ${spool.dir}`);
    }
    keep(log, () => spool.writeState(failedState(ctx, previous, error, hash, secrets)));
    throw error;
  }

  keep(log, () => spool.clear());
  const now = ctx.now().toISOString();
  keep(log, () =>
    spool.writeState({
      ...stateBase(ctx, previous),
      result: outcome.changed === false ? "unchanged" : "synced",
      exit_code: EXIT.OK,
      mode: outcome.mode,
      content_hash: hash,
      changes: outcome.changes,
      attempts: outcome.attempts,
      last_success: now,
      last_error: null,
    }),
  );
  log.info(describe(outcome, hash));
  return outcome;
}

function describe(outcome: PushOutcome, hash: string): string {
  if (outcome.mode === "compat") return `hardware sent to MAAS (op=signal, ${hash})`;
  if (outcome.changed === false) return `hardware unchanged (${hash}); heartbeat recorded`;
  const changes =
    outcome.changes === null ? "" : `, ${outcome.changes} change${outcome.changes === 1 ? "" : "s"}`;
  return `hardware synced (${hash}${changes})`;
}

function stateBase(ctx: CommandContext, previous: RunState | null): RunState {
  return {
    last_run: ctx.now().toISOString(),
    result: "failed",
    exit_code: EXIT.BUG,
    mode: null,
    content_hash: null,
    changes: null,
    attempts: 0,
    last_success: previous?.last_success ?? null,
    last_error: null,
  };
}

/** The failure as `status` shows it: redacted and capped, since the text may be the region's. */
function failedState(
  ctx: CommandContext,
  previous: RunState | null,
  error: unknown,
  hash: string | null,
  secrets: readonly string[],
): RunState {
  const hint = isHwsError(error) ? error.hint : undefined;
  return {
    ...stateBase(ctx, previous),
    result: "failed",
    exit_code: exitCodeFor(error),
    content_hash: hash,
    last_error: {
      code: isHwsError(error) ? error.code : "ERROR",
      message: storableText((error as Error)?.message ?? String(error), secrets),
      ...(hint ? { hint: storableText(hint, secrets) } : {}),
    },
  };
}

/** A state-dir failure must never hide the push result: log it and carry on. */
function keep(log: Logger, write: () => void): boolean {
  try {
    write();
    return true;
  } catch (error) {
    log.error(`${isHwsError(error) ? `${error.code} ` : ""}${(error as Error).message}`);
    if (isHwsError(error) && error.hint) log.error(`hint: ${error.hint}`);
    return false;
  }
}

/** Mirrors collector warnings into the text MAAS stores as the script's stderr (compat wire). */
function tee(log: Logger, lines: string[]): Logger {
  return {
    ...log,
    warn: (message) => {
      lines.push(message);
      log.warn(message);
    },
    error: (message) => {
      lines.push(message);
      log.error(message);
    },
  };
}

function parseBudget(value: string): number {
  let seconds: number;
  try {
    seconds = parseTimeSpan(value);
  } catch (error) {
    throw new HwsError(ErrorCode.USAGE, `--budget: ${(error as Error).message}`, { cause: error });
  }
  if (seconds <= 0) {
    throw new HwsError(ErrorCode.USAGE, `--budget must be longer than 0s, got '${value}' (e.g. 60s, 2m)`);
  }
  return seconds * 1000;
}
