import type { Db } from "./db.ts";

// Zones and resource pools are the same shape in MAAS (id, unique name, description) and hold
// machines through a column of `machines`; zones.ts and resource-pools.ts bind these statements to
// their table. Table and column names come from those two modules only, never from a request.

export interface NamedObjectRow {
  id: number;
  name: string;
  description: string;
}

export interface NamedObjectTable {
  table: "zones" | "resource_pools";
  /** The `machines` column that points at a row of the table. */
  machineColumn: "zone_id" | "pool_id";
}

export async function listNamedObjects(db: Db, t: NamedObjectTable): Promise<NamedObjectRow[]> {
  const { rows } = await db.query<NamedObjectRow>(`SELECT id, name, description FROM ${t.table} ORDER BY id`);
  return rows;
}

export async function getNamedObject(
  db: Db,
  t: NamedObjectTable,
  by: { id: number } | { name: string },
): Promise<NamedObjectRow | null> {
  const [column, value] = "id" in by ? ["id", by.id] : ["name", by.name];
  const { rows } = await db.query<NamedObjectRow>(
    `SELECT id, name, description FROM ${t.table} WHERE ${column} = $1`,
    [value],
  );
  return rows[0] ?? null;
}

/** Which of these names exist, for the list filters' "No such …" answers. */
export async function existingNames(db: Db, t: NamedObjectTable, names: string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const { rows } = await db.query<{ name: string }>(
    `SELECT name FROM ${t.table} WHERE name = ANY($1::text[])`,
    [names],
  );
  return new Set(rows.map((row) => row.name));
}

export async function insertNamedObject(
  db: Db,
  t: NamedObjectTable,
  values: { name: string; description: string },
): Promise<NamedObjectRow> {
  const { rows } = await db.query<NamedObjectRow>(
    `INSERT INTO ${t.table} (name, description) VALUES ($1, $2) RETURNING id, name, description`,
    [values.name, values.description],
  );
  return rows[0]!;
}

export async function updateNamedObject(
  db: Db,
  t: NamedObjectTable,
  id: number,
  patch: { name?: string; description?: string },
): Promise<NamedObjectRow> {
  const { rows } = await db.query<NamedObjectRow>(
    `UPDATE ${t.table} SET name = coalesce($2, name), description = coalesce($3, description)
      WHERE id = $1 RETURNING id, name, description`,
    [id, patch.name ?? null, patch.description ?? null],
  );
  return rows[0]!;
}

export async function countMachinesIn(db: Db, t: NamedObjectTable, id: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM machines WHERE ${t.machineColumn} = $1`,
    [id],
  );
  return rows[0]!.n;
}

/** Moves every machine of row `from` to row `to` (deleting a zone sends its machines home). */
export async function moveMachines(db: Db, t: NamedObjectTable, from: number, to: number): Promise<void> {
  await db.query(`UPDATE machines SET ${t.machineColumn} = $2 WHERE ${t.machineColumn} = $1`, [from, to]);
}

export async function deleteNamedObject(db: Db, t: NamedObjectTable, id: number): Promise<void> {
  await db.query(`DELETE FROM ${t.table} WHERE id = $1`, [id]);
}
