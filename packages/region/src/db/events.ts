import type { Db } from "./db.ts";

export interface EventInsert {
  machineId: number | null;
  systemId: string | null;
  hostname: string | null;
  username: string | null;
  type: string;
  level: string;
  description: string;
  created: Date;
}

export interface EventRow extends EventInsert {
  id: number;
}

/** A placeholder factory: takes a parameter value, returns its `$n`. */
export type Param = (value: unknown) => string;

/** The INSERT for many events as one statement (also usable as a data-modifying CTE). */
export function insertEventsSql(events: EventInsert[], param: Param): string {
  const rows = events.map((event, n) => ({
    n,
    machine_id: event.machineId,
    system_id: event.systemId,
    hostname: event.hostname,
    username: event.username,
    type: event.type,
    level: event.level,
    description: event.description,
    created: event.created.toISOString(),
  }));
  return `INSERT INTO events (machine_id, system_id, hostname, username, type, level, description, created)
     SELECT machine_id, system_id, hostname, username, type, level, description, created
     FROM jsonb_to_recordset(${param(JSON.stringify(rows))}::jsonb) AS x(n int, machine_id int, system_id text,
          hostname text, username text, type text, level text, description text, created timestamptz)
     ORDER BY n`;
}

/** Many events in one statement; ids follow the input order. */
export async function insertEvents(db: Db, events: EventInsert[]): Promise<void> {
  const params: unknown[] = [];
  await db.query(
    insertEventsSql(events, (value) => `$${params.push(value)}`),
    params,
  );
}

export interface EventFilter {
  systemIds?: string[];
  hostnames?: string[];
  macAddresses?: string[];
  owner?: string;
  /** Non-admins: only events of machines this user owns or nobody owns. */
  visibleToUserId?: number;
  /** Levels to include. */
  levels: string[];
  /** Only events with id > after (the page right after it, oldest first before reversing). */
  after?: number;
  before?: number;
  limit: number;
}

export interface EventPage {
  events: EventRow[];
  /** Whether an event older than the page's oldest matches the filter. */
  hasOlder: boolean;
}

/**
 * Events newest first, filtered the way MAAS's `events/?op=query` filters
 * (docs/maas-compatibility.md#events).
 */
export async function queryEvents(db: Db, filter: EventFilter): Promise<EventPage> {
  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const base = filterSql(filter, param);
  const columns = `e.id, e.machine_id AS "machineId", e.system_id AS "systemId", e.hostname, e.username,
                   e.type, e.level, e.description, e.created`;
  if (filter.after === undefined) {
    const bound = filter.before !== undefined ? ` AND e.id < ${param(filter.before)}` : "";
    // One row more than asked tells whether older events exist.
    const { rows } = await db.query<EventRow>(
      `SELECT ${columns} FROM events e WHERE ${base}${bound} ORDER BY e.id DESC LIMIT ${param(filter.limit + 1)}`,
      params,
    );
    return { events: rows.slice(0, filter.limit).map(normalize), hasOlder: rows.length > filter.limit };
  }
  const { rows } = await db.query<EventRow>(
    `SELECT ${columns} FROM events e WHERE ${base} AND e.id > ${param(filter.after)}
     ORDER BY e.id ASC LIMIT ${param(filter.limit)}`,
    params,
  );
  const oldest = rows[0]?.id ?? filter.after + 1;
  const probe: unknown[] = [];
  const older = await db.query(
    `SELECT 1 FROM events e WHERE ${filterSql(filter, (value) => {
      probe.push(value);
      return `$${probe.length}`;
    })} AND e.id < ${Number(oldest)} LIMIT 1`,
    probe,
  );
  return { events: rows.reverse().map(normalize), hasOlder: older.rows.length > 0 };
}

function filterSql(filter: EventFilter, param: (value: unknown) => string): string {
  const where: string[] = [];
  // Machine selectors OR together, as MAAS's node filter does; each is an indexed sub-select.
  const selectors: string[] = [];
  if (filter.systemIds?.length) {
    const ids = param(filter.systemIds);
    selectors.push(`e.machine_id IN (SELECT id FROM machines WHERE system_id = ANY(${ids}::text[]))`);
    // Events outlive a deleted machine (machine_id set null) but keep its system_id.
    selectors.push(`(e.machine_id IS NULL AND e.system_id = ANY(${ids}::text[]))`);
  }
  if (filter.hostnames?.length) {
    selectors.push(
      `e.machine_id IN (SELECT id FROM machines WHERE hostname = ANY(${param(filter.hostnames)}::text[]))`,
    );
  }
  if (filter.macAddresses?.length) {
    selectors.push(
      `e.machine_id IN (SELECT machine_id FROM interfaces WHERE mac_address = ANY(${param(filter.macAddresses)}::text[]))`,
    );
  }
  if (selectors.length > 0) where.push(`(${selectors.join(" OR ")})`);
  if (filter.owner !== undefined) {
    where.push(
      `e.machine_id IN (SELECT m.id FROM machines m JOIN users u ON u.id = m.owner_id WHERE u.username = ${param(filter.owner)})`,
    );
  }
  if (filter.visibleToUserId !== undefined) {
    where.push(
      `e.machine_id IN (SELECT id FROM machines WHERE owner_id IS NULL OR owner_id = ${param(filter.visibleToUserId)})`,
    );
  }
  where.push(`e.level = ANY(${param(filter.levels)}::text[])`);
  return where.join(" AND ");
}

function normalize(row: EventRow): EventRow {
  return { ...row, id: Number(row.id), created: new Date(row.created) };
}

/** The machine's latest events of the given types, newest first. */
export async function recentMachineEvents(
  db: Db,
  machineId: number,
  types: readonly string[],
  limit: number,
): Promise<Array<Pick<EventRow, "id" | "type" | "level" | "description" | "created">>> {
  const { rows } = await db.query<Pick<EventRow, "id" | "type" | "level" | "description" | "created">>(
    `SELECT id, type, level, description, created FROM events
      WHERE machine_id = $1 AND type = ANY($2::text[]) ORDER BY id DESC LIMIT $3`,
    [machineId, types, limit],
  );
  return rows.map((row) => ({ ...row, id: Number(row.id), created: new Date(row.created) }));
}
