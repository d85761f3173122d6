import { EXIT } from "../exit-codes.ts";
import { type RunState, Spool, type SpooledPayload } from "../spool.ts";
import type { CommandContext } from "./context.ts";

export interface StatusOptions {
  stateDir?: string;
}

export interface StatusResult {
  stateDir: string;
  state: RunState | null;
  spooled: SpooledPayload | null;
}

/** The last run as the state directory recorded it; no network, no hardware reads. */
export async function statusCommand(_ctx: CommandContext, options: StatusOptions): Promise<StatusResult> {
  const spool = new Spool(options.stateDir);
  return { stateDir: spool.dir, state: spool.readState(), spooled: spool.peek() };
}

/**
 * The last run's own exit code when it failed (75 transient, 2 configuration, …), else 0: a
 * monitoring check reads the same codes as the timer's runs. No run recorded yet is not a failure.
 */
export function statusExitCode(status: StatusResult): number {
  const state = status.state;
  if (state?.result !== "failed") return 0;
  return Number.isInteger(state.exit_code) && state.exit_code > 0 && state.exit_code < 256
    ? state.exit_code
    : EXIT.BUG;
}

/** `key: value` lines for a terminal or the journal. */
export function renderStatus(status: StatusResult): string {
  const { state, spooled } = status;
  if (!state) return `no run recorded in ${status.stateDir} yet\n`;
  const lines: Array<[string, string]> = [
    ["last run", `${state.last_run} (${state.result}, exit ${state.exit_code})`],
    ["last success", state.last_success ?? "never"],
  ];
  if (state.mode) lines.push(["wire", state.mode === "fast" ? "fast path" : "MAAS op=signal"]);
  if (state.content_hash) lines.push(["content hash", state.content_hash]);
  if (state.changes !== null) lines.push(["changes", String(state.changes)]);
  if (state.last_error) lines.push(["last error", `${state.last_error.code} ${state.last_error.message}`]);
  if (state.last_error?.hint) lines.push(["hint", state.last_error.hint]);
  lines.push([
    "spooled payload",
    spooled ? `${spooled.path} (${spooled.bytes} bytes, ${spooled.savedAt.toISOString()})` : "none",
  ]);
  const width = Math.max(...lines.map(([key]) => key.length)) + 2;
  return lines.map(([key, value]) => `${`${key}:`.padEnd(width)}${value}\n`).join("");
}
