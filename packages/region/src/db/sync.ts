import type { HardwareChange, NotReported } from "@hwsync/shared";
import type { Db } from "./db.ts";
import { type EventInsert, insertEventsSql } from "./events.ts";
import { insertHardwareSyncSql } from "./hardware-syncs.ts";
import { type MachinePatch, machineSetSql } from "./machines.ts";
import { MACHINE_CHANNEL } from "./notify.ts";
import { attachTagsSql, detachTagsSql } from "./tags.ts";

// The end of a changed sync: every write after the device rows, as one statement.

export interface SyncWrite {
  /** Machine columns to set (the sync may set columns MachinePatch types more narrowly). */
  patch: Partial<Record<keyof MachinePatch, unknown>>;
  events: EventInsert[];
  /** The hardware-history entry; null when nothing changed and every class was reported. */
  history: {
    created: Date;
    contentHash: string | null;
    changes: HardwareChange[];
    notReported: NotReported[];
  } | null;
  tags: { attach: number[]; detach: number[] } | null;
}

/** The machine's sync fields as the statement left them. */
export interface SyncedMachine {
  systemId: string;
  status: number;
  lastSync: Date | null;
  syncInterval: number | null;
  hardwareHash: string | null;
}

/**
 * The machine row, the events, the history entry, the tag changes and the live-update
 * notification (sent by PostgreSQL at COMMIT) in one round trip. Call inside the sync's
 * transaction, with the machine row locked.
 */
export async function writeSync(tx: Db, machineId: number, work: SyncWrite): Promise<SyncedMachine> {
  const params: unknown[] = [machineId];
  const param = (value: unknown) => `$${params.push(value)}`;
  const sets = machineSetSql(work.patch, param);
  const ctes: string[] = [];
  ctes.push(
    sets.length > 0
      ? `m AS (UPDATE machines SET ${sets.join(", ")} WHERE id = $1 RETURNING system_id, status, last_sync, sync_interval, hardware_hash)`
      : "m AS (SELECT system_id, status, last_sync, sync_interval, hardware_hash FROM machines WHERE id = $1)",
  );
  if (work.events.length > 0) ctes.push(`e AS (${insertEventsSql(work.events, param)})`);
  if (work.history) ctes.push(`h AS (${insertHardwareSyncSql("$1", work.history, param)})`);
  if (work.tags && work.tags.detach.length > 0) {
    ctes.push(`td AS (${detachTagsSql("$1", work.tags.detach, param)})`);
  }
  if (work.tags && work.tags.attach.length > 0) {
    ctes.push(`ta AS (${attachTagsSql("$1", work.tags.attach, param)})`);
  }
  const written = sets.length > 0 || work.events.length > 0;
  const notify = written ? `, pg_notify(${param(MACHINE_CHANNEL)}, m.system_id) AS notified` : "";
  const { rows } = await tx.query<SyncedMachine>(
    `WITH ${ctes.join(",\n")}
     SELECT m.system_id AS "systemId", m.status, m.last_sync AS "lastSync", m.sync_interval AS "syncInterval",
            m.hardware_hash AS "hardwareHash"${notify} FROM m`,
    params,
    // Built from a fixed set of CTEs and columns: parsed and planned once per connection.
    { prepare: true },
  );
  const row = rows[0]!;
  return {
    systemId: row.systemId,
    status: row.status,
    lastSync: row.lastSync,
    syncInterval: row.syncInterval,
    hardwareHash: row.hardwareHash,
  };
}
