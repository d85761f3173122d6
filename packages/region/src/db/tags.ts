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
