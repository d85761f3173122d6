import {
  contentHash,
  formatMaasTimestamp,
  NODE_STATUS_NAMES,
  nextSync,
  type PushResult,
} from "@hwsync/shared";
import type { Db } from "../../db/db.ts";
import { type HeartbeatRow, writeHeartbeat } from "../../db/heartbeat.ts";
import { regionError } from "../../errors.ts";
import { decodeBody, normalizeForStorage, parsePayload } from "./payload.ts";
import { syncMachine } from "./sync.ts";
import { checkSyncable } from "./syncable.ts";

// Our fast path (docs/architecture.md): one POST of the whole payload with a content hash.

export interface PushInput {
  machineId: number;
  /** The token that authenticated the push (see SyncRequest.tokenKey). */
  tokenKey?: string;
  systemId: string;
  /** The body exactly as received (still gzipped when it was sent so). */
  body: Buffer;
  contentEncoding: string | undefined;
  /** `x-hwsync-content-hash`: `sha256:<hex>` of the uncompressed body. */
  declaredHash: string | undefined;
  now: Date;
  maxPayloadBytes: number;
}

const HASH = /^sha256:[0-9a-f]{64}$/;

function result(
  changed: boolean,
  changes: number,
  hash: string,
  machine: { status: number; lastSync: Date | null; syncInterval: number | null },
): PushResult {
  return {
    changed,
    changes,
    content_hash: hash,
    last_sync: formatMaasTimestamp(machine.lastSync),
    next_sync: formatMaasTimestamp(nextSync(machine.lastSync, machine.syncInterval)),
    sync_interval: machine.syncInterval,
    status_name: NODE_STATUS_NAMES[machine.status] ?? String(machine.status),
  };
}

async function heartbeat(db: Db, machineId: number, hash: string | null, now: Date): Promise<HeartbeatRow> {
  const row = await writeHeartbeat(db, machineId, hash, now);
  if (!row) throw regionError("HWS_MACHINE_NOT_FOUND");
  return row;
}

export async function handlePush(db: Db, input: PushInput): Promise<PushResult> {
  const declared = input.declaredHash?.trim().toLowerCase();
  if (declared !== undefined && !HASH.test(declared)) {
    throw regionError("HWS_REQUEST_MALFORMED", {
      message:
        "Header x-hwsync-content-hash must be sha256:<64 lower-case hex digits> of the uncompressed body.",
    });
  }
  const row = await heartbeat(db, input.machineId, declared ?? null, input.now);
  if (row.last_sync) return unchanged(declared!, row);
  // Refuse before reading the body: a released or never-enabled machine must not cost a parse.
  checkSyncable({ systemId: input.systemId, status: row.status, enableHwSync: row.enable_hw_sync }, "push");
  const bytes = await decodeBody(input.body, input.contentEncoding, input.maxPayloadBytes);
  const actual = contentHash(bytes);
  if (declared !== undefined && declared !== actual) {
    throw regionError("HWS_CONTENT_HASH_MISMATCH", { declared, actual });
  }
  // Without a declared hash, the body's own hash still spares an unchanged payload the parse.
  if (declared === undefined && row.hardware_hash === actual) {
    const again = await heartbeat(db, input.machineId, actual, input.now);
    if (again.last_sync) return unchanged(actual, again);
  }
  const state = normalizeForStorage(parsePayload(bytes));
  const outcome = await syncMachine(db, {
    machineId: input.machineId,
    tokenKey: input.tokenKey,
    now: input.now,
    wire: "push",
    report: { state, contentHash: actual },
  });
  return result(outcome.changes.length > 0, outcome.changes.length, actual, outcome.machine);
}

function unchanged(hash: string, row: HeartbeatRow): PushResult {
  return result(false, 0, hash, {
    status: row.status,
    lastSync: row.last_sync,
    syncInterval: row.sync_interval,
  });
}
