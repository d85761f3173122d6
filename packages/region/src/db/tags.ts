import type { Db } from "./db.ts";
import type { Param } from "./events.ts";

// Machine tags: `tags` (name, optional definition) and `machine_tags` (which machine carries which).

/** A tag with a definition, and whether the machine carries it: what a sync evaluates. */
export interface TagState {
  id: number;
  definition: string;
  attached: boolean;
}

/**
 * A scalar subquery: the json array of TagState for the machine whose id is the placeholder
 * `machine`. Only tags with a definition take part in evaluation.
 */
export function tagStatesSql(machine: string): string {
  return `(SELECT coalesce(json_agg(json_build_object('id', t.id, 'definition', t.definition,
                                                        'attached', mt.tag_id IS NOT NULL)), '[]'::json)
               FROM tags t LEFT JOIN machine_tags mt ON mt.tag_id = t.id AND mt.machine_id = ${machine}
              WHERE coalesce(t.definition, '') <> '')`;
}

/** A tag the sync itself manages (MAAS's `virtual`), and whether the machine carries it. */
export interface ManagedTagState {
  id: number;
  attached: boolean;
}

/** A scalar subquery: the ManagedTagState of the tag named by the placeholder `name`, or null. */
export function managedTagStateSql(machine: string, name: string): string {
  return `(SELECT json_build_object('id', t.id, 'attached', mt.tag_id IS NOT NULL)
               FROM tags t LEFT JOIN machine_tags mt ON mt.tag_id = t.id AND mt.machine_id = ${machine}
              WHERE t.name = ${name})`;
}

/** The id of the tag `name`, created (without a definition) if it does not exist yet. */
export async function ensureTag(db: Db, name: string, comment: string): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO tags (name, comment) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [name, comment],
  );
  return rows[0]!.id;
}

/** Detaches tags from the machine `machine` (a placeholder); usable as a data-modifying CTE. */
export function detachTagsSql(machine: string, tagIds: number[], param: Param): string {
  return `DELETE FROM machine_tags WHERE machine_id = ${machine} AND tag_id = ANY(${param(tagIds)}::int[])`;
}

/** Attaches tags to the machine `machine` (a placeholder); usable as a data-modifying CTE. */
export function attachTagsSql(machine: string, tagIds: number[], param: Param): string {
  return `INSERT INTO machine_tags (machine_id, tag_id) SELECT ${machine}, unnest(${param(tagIds)}::int[]) ON CONFLICT DO NOTHING`;
}

/** Tag names per machine id, for a whole page of machines in one query. */
export async function loadTagNames(db: Db, machineIds: number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (machineIds.length === 0) return out;
  const { rows } = await db.query<{ machineId: number; name: string }>(
    `SELECT mt.machine_id AS "machineId", t.name FROM machine_tags mt JOIN tags t ON t.id = mt.tag_id
      WHERE mt.machine_id = ANY($1::int[]) ORDER BY t.name`,
    [machineIds],
  );
  for (const row of rows) {
    const list = out.get(row.machineId);
    if (list) list.push(row.name);
    else out.set(row.machineId, [row.name]);
  }
  return out;
}

/** A `tags` row as the tags API shows it. */
export interface TagRow {
  id: number;
  name: string;
  definition: string;
  comment: string;
  kernelOpts: string | null;
}

const TAG_SELECT = `SELECT id, name, coalesce(definition, '') AS definition, coalesce(comment, '') AS comment,
       kernel_opts AS "kernelOpts" FROM tags`;

export async function listTags(db: Db): Promise<TagRow[]> {
  const { rows } = await db.query<TagRow>(`${TAG_SELECT} ORDER BY name`);
  return rows;
}

export async function getTagByName(db: Db, name: string): Promise<TagRow | null> {
  const { rows } = await db.query<TagRow>(`${TAG_SELECT} WHERE name = $1`, [name]);
  return rows[0] ?? null;
}

/** Which of these tag names exist, for the list filters' "No such tag(s)" answer. */
export async function existingTagNames(db: Db, names: string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const { rows } = await db.query<{ name: string }>("SELECT name FROM tags WHERE name = ANY($1::text[])", [
    names,
  ]);
  return new Set(rows.map((row) => row.name));
}

export async function insertTag(db: Db, tag: Omit<TagRow, "id">): Promise<TagRow> {
  const { rows } = await db.query<{ id: number }>(
    "INSERT INTO tags (name, definition, comment, kernel_opts) VALUES ($1, $2, $3, $4) RETURNING id",
    [tag.name, tag.definition, tag.comment, tag.kernelOpts],
  );
  return { id: rows[0]!.id, ...tag };
}

export async function updateTag(db: Db, id: number, tag: Omit<TagRow, "id">): Promise<void> {
  await db.query("UPDATE tags SET name = $2, definition = $3, comment = $4, kernel_opts = $5 WHERE id = $1", [
    id,
    tag.name,
    tag.definition,
    tag.comment,
    tag.kernelOpts,
  ]);
}

export async function deleteTag(db: Db, id: number): Promise<void> {
  await db.query("DELETE FROM tags WHERE id = $1", [id]);
}

/** Attaches the tag to these machines; returns how many machines it was newly attached to. */
export async function attachTagToMachines(db: Db, tagId: number, machineIds: number[]): Promise<number> {
  if (machineIds.length === 0) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO machine_tags (machine_id, tag_id) SELECT unnest($2::int[]), $1 ON CONFLICT DO NOTHING`,
    [tagId, machineIds],
  );
  return rowCount;
}

/** Detaches the tag from these machines; returns how many carried it. */
export async function detachTagFromMachines(db: Db, tagId: number, machineIds: number[]): Promise<number> {
  if (machineIds.length === 0) return 0;
  const { rowCount } = await db.query(
    "DELETE FROM machine_tags WHERE tag_id = $1 AND machine_id = ANY($2::int[])",
    [tagId, machineIds],
  );
  return rowCount;
}
