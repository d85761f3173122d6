import type { HardwareChange, NotReported } from "@hwsync/shared";
import type { Db } from "./db.ts";
import type { Param } from "./events.ts";

// The hardware history: one `hardware_syncs` row per sync that changed something (and per
// release that dropped devices), holding the changes as jsonb.

export interface HardwareSyncRow {
  id: number;
  created: Date;
  contentHash: string | null;
  changes: HardwareChange[];
  notReported: NotReported[];
}

export interface NewHardwareSync {
  machineId: number;
  created: Date;
  /** The payload's hash; null for a release. */
  contentHash: string | null;
  changes: HardwareChange[];
  /** Classes the sync left alone because the payload did not report them. */
  notReported?: NotReported[];
}

/** The INSERT of one entry for the machine `machine` (a placeholder), usable as a data-modifying CTE. */
export function insertHardwareSyncSql(
  machine: string,
  entry: Omit<NewHardwareSync, "machineId">,
  param: Param,
): string {
  return `INSERT INTO hardware_syncs (machine_id, created, content_hash, changes, not_reported)
             VALUES (${machine}, ${param(entry.created)}, ${param(entry.contentHash)}, ${param(JSON.stringify(entry.changes))}::jsonb,
                     ${param(JSON.stringify(entry.notReported ?? []))}::jsonb)`;
}

export async function insertHardwareSync(db: Db, entry: NewHardwareSync): Promise<void> {
  await db.query(
    "INSERT INTO hardware_syncs (machine_id, created, content_hash, changes) VALUES ($1, $2, $3, $4::jsonb)",
    [entry.machineId, entry.created, entry.contentHash, JSON.stringify(entry.changes)],
  );
}

/** A machine's history, newest first. */
export async function listHardwareSyncs(
  db: Db,
  machineId: number,
  limit: number,
): Promise<HardwareSyncRow[]> {
  const { rows } = await db.query<HardwareSyncRow>(
    `SELECT id, created, content_hash AS "contentHash", changes, not_reported AS "notReported" FROM hardware_syncs
      WHERE machine_id = $1 ORDER BY id DESC LIMIT $2`,
    [machineId, limit],
  );
  return rows.map((row) => ({ ...row, id: Number(row.id), created: new Date(row.created) }));
}
