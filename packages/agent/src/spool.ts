import { mkdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ErrorCode, HwsError } from "@hwsync/shared/errors";

export const DEFAULT_STATE_DIR = "/var/lib/maas-hw-sync";
const STATE_FILE = "state.json";
const PAYLOAD_FILE = "unsent-payload.json";

/** What `status` reports: written after every run, successful or not. */
export interface RunState {
  last_run: string;
  result: "synced" | "unchanged" | "failed";
  exit_code: number;
  mode: "fast" | "compat" | null;
  content_hash: string | null;
  changes: number | null;
  attempts: number;
  last_success: string | null;
  /** Redacted and at most 500 characters each; `hint` says what to do. */
  last_error: { code: string; message: string; hint?: string } | null;
}

export interface SpooledPayload {
  path: string;
  bytes: number;
  savedAt: Date;
}

/**
 * The state directory: the last run's outcome and the last payload that could not be sent.
 * The next run collects afresh and sends the newest state, so the spooled payload is evidence
 * for `status` and the operator; it is removed once a run gets through.
 */
export class Spool {
  readonly dir: string;

  constructor(dir: string = DEFAULT_STATE_DIR) {
    this.dir = dir;
  }

  readState(): RunState | null {
    try {
      return JSON.parse(readFileSync(join(this.dir, STATE_FILE), "utf8")) as RunState;
    } catch {
      return null;
    }
  }

  writeState(state: RunState): void {
    this.writeAtomic(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
  }

  /** Keeps the exact bytes that failed to go out. */
  save(body: string): void {
    this.writeAtomic(PAYLOAD_FILE, body);
  }

  peek(): SpooledPayload | null {
    const path = join(this.dir, PAYLOAD_FILE);
    try {
      const stat = statSync(path);
      return { path, bytes: stat.size, savedAt: stat.mtime };
    } catch {
      return null;
    }
  }

  clear(): void {
    rmSync(join(this.dir, PAYLOAD_FILE), { force: true });
  }

  // Write to a temporary name and rename: a crash or a full disk never leaves half a file behind
  // under the real name.
  private writeAtomic(name: string, content: string): void {
    const target = join(this.dir, name);
    const temporary = `${target}.tmp`;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      writeFileSync(temporary, content, { mode: 0o600 });
      renameSync(temporary, target);
    } catch (error) {
      try {
        unlinkSync(temporary);
      } catch {
        // Nothing was created, or it is already gone.
      }
      throw spoolError(target, error);
    }
  }
}

function spoolError(path: string, error: unknown): HwsError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === "ENOSPC" || code === "EDQUOT"
      ? "no space left on the device"
      : code === "EROFS"
        ? "the file system is read-only"
        : code === "EACCES" || code === "EPERM"
          ? "permission denied"
          : (error as Error).message;
  return new HwsError(ErrorCode.SPOOL_FAILED, `cannot write ${path}: ${reason}`, {
    hint: "Free space there or point --state-dir at a writable directory; the next run collects and sends the current state anyway.",
    cause: error,
  });
}
