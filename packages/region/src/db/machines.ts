import type { Db } from "./db.ts";
import type { Param } from "./events.ts";

/** A `machines` row in camelCase, plus the owner's username (joined). */
export interface MachineRow {
  id: number;
  systemId: string;
  hostname: string;
  status: number;
  architecture: string;
  osystem: string;
  distroSeries: string;
  ownerId: number | null;
  ownerUsername: string | null;
  powerType: string;
  enableHwSync: boolean;
  syncInterval: number | null;
  lastSync: Date | null;
  hardwareHash: string | null;
  cpuCount: number;
  cpuModel: string | null;
  cpuSpeed: number;
  memory: number;
  hardwareUuid: string | null;
  systemInfo: Record<string, unknown>;
  userData: string | null;
  statusMessage: string | null;
  created: Date;
  updated: Date;
}

/** The columns a patch may set, by MachineRow field name. */
const WRITABLE = {
  hostname: "hostname",
  status: "status",
  architecture: "architecture",
  osystem: "osystem",
  distroSeries: "distro_series",
  ownerId: "owner_id",
  powerType: "power_type",
  enableHwSync: "enable_hw_sync",
  syncInterval: "sync_interval",
  lastSync: "last_sync",
  hardwareHash: "hardware_hash",
  cpuCount: "cpu_count",
  cpuModel: "cpu_model",
  cpuSpeed: "cpu_speed",
  memory: "memory",
  hardwareUuid: "hardware_uuid",
  systemInfo: "system_info",
  userData: "user_data",
  statusMessage: "status_message",
} as const;

export type MachinePatch = Partial<Pick<MachineRow, keyof typeof WRITABLE>>;
type MachineColumns = Partial<Record<keyof typeof WRITABLE, unknown>>;

/** `column = $n` for every set field of a patch (system_info as jsonb); undefined leaves a column alone. */
export function machineSetSql(patch: MachineColumns, param: Param): string[] {
  const sets: string[] = [];
  for (const [field, value] of Object.entries(patch)) {
    const column = Object.hasOwn(WRITABLE, field) ? WRITABLE[field as keyof typeof WRITABLE] : undefined;
    if (!column || value === undefined) continue;
    sets.push(
      field === "systemInfo"
        ? `${column} = ${param(JSON.stringify(value))}::jsonb`
        : `${column} = ${param(value)}`,
    );
  }
  return sets;
}

const MACHINE_SELECT = `SELECT m.id, m.system_id AS "systemId", m.hostname, m.status, m.architecture,
       m.osystem, m.distro_series AS "distroSeries", m.owner_id AS "ownerId", u.username AS "ownerUsername",
       m.power_type AS "powerType", m.enable_hw_sync AS "enableHwSync", m.sync_interval AS "syncInterval",
       m.last_sync AS "lastSync", m.hardware_hash AS "hardwareHash", m.cpu_count AS "cpuCount",
       m.cpu_model AS "cpuModel", m.cpu_speed AS "cpuSpeed", m.memory, m.hardware_uuid AS "hardwareUuid",
       m.system_info AS "systemInfo", m.user_data AS "userData", m.status_message AS "statusMessage",
       m.created, m.updated
  FROM machines m LEFT JOIN users u ON u.id = m.owner_id`;

/**
 * One machine by system_id. `forUpdate` locks the row until the transaction ends, so a sync,
 * a deploy and a release of the same machine take turns (across region processes too).
 */
export async function getMachineBySystemId(
  db: Db,
  systemId: string,
  options: { forUpdate?: boolean } = {},
): Promise<MachineRow | null> {
  const { rows } = await db.query<MachineRow>(
    `${MACHINE_SELECT} WHERE m.system_id = $1${options.forUpdate ? " FOR UPDATE OF m" : ""}`,
    [systemId],
  );
  return rows[0] ?? null;
}

export async function getMachineById(
  db: Db,
  id: number,
  options: { forUpdate?: boolean } = {},
): Promise<MachineRow | null> {
  const { rows } = await db.query<MachineRow>(
    `${MACHINE_SELECT} WHERE m.id = $1${options.forUpdate ? " FOR UPDATE OF m" : ""}`,
    [id],
    { prepare: true },
  );
  return rows[0] ?? null;
}

/** Writes the given fields (others untouched) and returns the updated row. */
export async function updateMachine(db: Db, id: number, patch: MachinePatch): Promise<MachineRow> {
  const params: unknown[] = [id];
  const sets = machineSetSql(patch, (value) => `$${params.push(value)}`);
  if (sets.length > 0) await db.query(`UPDATE machines SET ${sets.join(", ")} WHERE id = $1`, params);
  const row = await getMachineById(db, id);
  if (!row) throw new Error(`machine ${id} vanished during an update`);
  return row;
}

export interface NewMachine {
  systemId: string;
  hostname: string;
  architecture: string;
  powerType: string;
  status: number;
  statusMessage: string | null;
}

export async function insertMachine(db: Db, machine: NewMachine): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO machines (system_id, hostname, architecture, power_type, status, status_message)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      machine.systemId,
      machine.hostname,
      machine.architecture,
      machine.powerType,
      machine.status,
      machine.statusMessage,
    ],
  );
  return rows[0]!.id;
}

/** The boot interfaces given at creation (`mac_addresses`); hardware sync later renames them. */
export async function insertBootInterfaces(db: Db, machineId: number, macs: string[]): Promise<void> {
  if (macs.length === 0) return;
  await db.query(
    `INSERT INTO interfaces (machine_id, name, mac_address, type)
     SELECT $1, 'eth' || (i - 1), ($2::text[])[i], 'physical' FROM generate_subscripts($2::text[], 1) AS i`,
    [machineId, macs],
  );
}

/** Which of these MACs already belong to some machine's interface. */
export async function findUsedMacs(db: Db, macs: string[]): Promise<string[]> {
  if (macs.length === 0) return [];
  const { rows } = await db.query<{ mac: string }>(
    "SELECT DISTINCT mac_address AS mac FROM interfaces WHERE mac_address = ANY($1::text[])",
    [macs],
  );
  return rows.map((row) => row.mac);
}

export interface MachineFilter {
  systemIds?: string[];
  hostnames?: string[];
  statuses?: number[];
  /** Only hw-sync machines that are unhealthy at this instant (never synced, or overdue). */
  syncUnhealthyAt?: Date;
  /** Non-admins see machines they own and unowned ones. */
  visibleToUserId?: number;
}

export async function listMachines(db: Db, filter: MachineFilter = {}): Promise<MachineRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.systemIds?.length) where.push(`m.system_id = ANY($${params.push(filter.systemIds)}::text[])`);
  if (filter.hostnames?.length) where.push(`m.hostname = ANY($${params.push(filter.hostnames)}::text[])`);
  if (filter.statuses?.length) where.push(`m.status = ANY($${params.push(filter.statuses)}::int[])`);
  if (filter.syncUnhealthyAt) {
    // sync_deadline is kept by a trigger (migration 001) and indexed where enable_hw_sync.
    const at = params.push(filter.syncUnhealthyAt);
    where.push(`m.enable_hw_sync AND (m.sync_deadline IS NULL OR m.sync_deadline < $${at})`);
  }
  if (filter.visibleToUserId !== undefined) {
    where.push(`(m.owner_id IS NULL OR m.owner_id = $${params.push(filter.visibleToUserId)})`);
  }
  const { rows } = await db.query<MachineRow>(
    `${MACHINE_SELECT}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY m.id`,
    params,
  );
  return rows;
}
