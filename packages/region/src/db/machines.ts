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
  /** Migration 003: the zone, pool and domain the machine is in (joined). */
  zoneId: number;
  zoneName: string;
  zoneDescription: string;
  poolId: number;
  poolName: string;
  poolDescription: string;
  domainId: number;
  domainName: string;
  agentName: string;
  description: string;
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
  zoneId: "zone_id",
  poolId: "pool_id",
  agentName: "agent_name",
  description: "description",
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
       m.created, m.updated, m.zone_id AS "zoneId", z.name AS "zoneName", z.description AS "zoneDescription",
       m.pool_id AS "poolId", p.name AS "poolName", p.description AS "poolDescription",
       m.domain_id AS "domainId", d.name AS "domainName", m.agent_name AS "agentName", m.description
  FROM machines m LEFT JOIN users u ON u.id = m.owner_id
       JOIN zones z ON z.id = m.zone_id JOIN resource_pools p ON p.id = m.pool_id
       JOIN domains d ON d.id = m.domain_id`;

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

/** Each list narrows the result; an empty or missing list does not filter. */
export interface MachineFilter {
  systemIds?: string[];
  hostnames?: string[];
  statuses?: number[];
  notSystemIds?: string[];
  notHostnames?: string[];
  notStatuses?: number[];
  /** A second status condition ANDed with `statuses` (MAAS's simple_status). */
  simpleStatuses?: number[];
  macAddresses?: string[];
  domains?: string[];
  notDomains?: string[];
  agentNames?: string[];
  notAgentNames?: string[];
  architectures?: string[];
  notArchitectures?: string[];
  zones?: string[];
  notZones?: string[];
  pools?: string[];
  notPools?: string[];
  /** Machines carrying every one of these tags. */
  allTags?: string[];
  /** Machines carrying none of these tags. */
  noTags?: string[];
  owners?: string[];
  notOwners?: string[];
  minCpuCount?: number;
  minCpuSpeed?: number;
  /** MiB. */
  minMemory?: number;
  /** Machines with an interface at least this fast (Mbit/s). */
  minLinkSpeed?: number;
  /** Set: nothing matches (a filter on something this region has none of, e.g. a pod). */
  matchNothing?: boolean;
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
  const list = (values: unknown[] | undefined, sql: (placeholder: string) => string) => {
    if (values?.length) where.push(sql(`$${params.push(values)}`));
  };
  list(filter.notSystemIds, (p) => `NOT m.system_id = ANY(${p}::text[])`);
  list(filter.notHostnames, (p) => `NOT m.hostname = ANY(${p}::text[])`);
  list(filter.notStatuses, (p) => `NOT m.status = ANY(${p}::int[])`);
  list(filter.simpleStatuses, (p) => `m.status = ANY(${p}::int[])`);
  list(
    filter.macAddresses,
    (p) =>
      `EXISTS (SELECT 1 FROM interfaces i WHERE i.machine_id = m.id AND i.mac_address = ANY(${p}::text[]))`,
  );
  list(filter.domains, (p) => `d.name = ANY(${p}::text[])`);
  list(filter.notDomains, (p) => `NOT d.name = ANY(${p}::text[])`);
  list(filter.agentNames, (p) => `m.agent_name = ANY(${p}::text[])`);
  list(filter.notAgentNames, (p) => `NOT m.agent_name = ANY(${p}::text[])`);
  list(filter.architectures, (p) => `m.architecture = ANY(${p}::text[])`);
  list(filter.notArchitectures, (p) => `NOT m.architecture = ANY(${p}::text[])`);
  list(filter.zones, (p) => `z.name = ANY(${p}::text[])`);
  list(filter.notZones, (p) => `NOT z.name = ANY(${p}::text[])`);
  list(filter.pools, (p) => `p.name = ANY(${p}::text[])`);
  list(filter.notPools, (p) => `NOT p.name = ANY(${p}::text[])`);
  list(
    filter.allTags,
    (p) => `(SELECT count(DISTINCT t.name) FROM machine_tags mt JOIN tags t ON t.id = mt.tag_id
              WHERE mt.machine_id = m.id AND t.name = ANY(${p}::text[])) = cardinality(${p}::text[])`,
  );
  list(
    filter.noTags,
    (p) => `NOT EXISTS (SELECT 1 FROM machine_tags mt JOIN tags t ON t.id = mt.tag_id
                         WHERE mt.machine_id = m.id AND t.name = ANY(${p}::text[]))`,
  );
  list(filter.owners, (p) => `u.username = ANY(${p}::text[])`);
  // MAAS excludes by owner__username: unowned machines stay.
  list(filter.notOwners, (p) => `(u.username IS NULL OR NOT u.username = ANY(${p}::text[]))`);
  const atLeast = (value: number | undefined, column: string) => {
    if (value !== undefined) where.push(`${column} >= $${params.push(value)}`);
  };
  atLeast(filter.minCpuCount, "m.cpu_count");
  atLeast(filter.minCpuSpeed, "m.cpu_speed");
  atLeast(filter.minMemory, "m.memory");
  if (filter.minLinkSpeed !== undefined) {
    where.push(
      `EXISTS (SELECT 1 FROM interfaces i WHERE i.machine_id = m.id AND i.link_speed >= $${params.push(filter.minLinkSpeed)})`,
    );
  }
  if (filter.matchNothing) where.push("false");
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
