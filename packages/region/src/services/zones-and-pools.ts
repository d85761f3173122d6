import { type Db, isUniqueViolation } from "../db/db.ts";
import {
  countMachinesIn,
  deleteNamedObject,
  getNamedObject,
  insertNamedObject,
  listNamedObjects,
  moveMachines,
  type NamedObjectRow,
  type NamedObjectTable,
  updateNamedObject,
} from "../db/named-objects.ts";
import { DEFAULT_POOL_ID, RESOURCE_POOLS } from "../db/resource-pools.ts";
import { DEFAULT_ZONE_ID, ZONES } from "../db/zones.ts";
import { regionError } from "../errors.ts";

// Zones and resource pools: MAAS's two ways of grouping machines, same shape, same rules
// (docs/maas-compatibility.md#machine-object). Zones are addressed by name, pools by id.

interface Kind {
  table: NamedObjectTable;
  model: "Zone" | "ResourcePool";
  /** MAAS's verbose name, in its duplicate-name message. */
  label: string;
  defaultId: number;
  /** MAAS's refusal to delete the default one. */
  defaultUndeletable: string;
  /** Whether deleting one moves its machines to the default (zones) or is refused (pools). */
  machinesOnDelete: "move" | "refuse";
}

export const ZONE_KIND: Kind = {
  table: ZONES,
  model: "Zone",
  label: "Zone",
  defaultId: DEFAULT_ZONE_ID,
  defaultUndeletable: "This zone is the default zone, it cannot be deleted.",
  machinesOnDelete: "move",
};

export const POOL_KIND: Kind = {
  table: RESOURCE_POOLS,
  model: "ResourcePool",
  label: "Resource pool",
  defaultId: DEFAULT_POOL_ID,
  defaultUndeletable: "This is the default pool, it cannot be deleted.",
  machinesOnDelete: "refuse",
};

// MAAS's model names: a word character first, then word characters, spaces and '-'.
const NAME = /^\w[ \w-]*$/;

export interface NamedObjectInput {
  name?: string;
  description?: string;
}

export function listObjects(db: Db, kind: Kind): Promise<NamedObjectRow[]> {
  return listNamedObjects(db, kind.table);
}

export async function findObject(
  db: Db,
  kind: Kind,
  by: { id: number } | { name: string },
): Promise<NamedObjectRow> {
  const row = Number.isNaN("id" in by ? by.id : 0) ? null : await getNamedObject(db, kind.table, by);
  if (!row) throw regionError("HWS_NOT_FOUND", { model: kind.model });
  return row;
}

function checkName(name: string | undefined, required: boolean): Record<string, string[]> {
  if (name === undefined || name === "") return required ? { name: ["This field is required."] } : {};
  if (name.length > 256 || !NAME.test(name)) {
    return {
      name: [
        `'${name}' is not a valid name: use letters, digits, '_', '-' and spaces, starting with a letter or digit.`,
      ],
    };
  }
  return {};
}

async function uniqueName<T>(kind: Kind, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw regionError("HWS_VALIDATION_FAILED", {
        fields: { name: [`${kind.label} with this Name already exists.`] },
      });
    }
    throw error;
  }
}

export async function createObject(db: Db, kind: Kind, input: NamedObjectInput): Promise<NamedObjectRow> {
  const fields = checkName(input.name, true);
  if (Object.keys(fields).length > 0) throw regionError("HWS_VALIDATION_FAILED", { fields });
  return uniqueName(kind, () =>
    insertNamedObject(db, kind.table, { name: input.name!, description: input.description ?? "" }),
  );
}

export async function updateObject(
  db: Db,
  kind: Kind,
  by: { id: number } | { name: string },
  input: NamedObjectInput,
): Promise<NamedObjectRow> {
  const row = await findObject(db, kind, by);
  const fields = checkName(input.name, false);
  if (Object.keys(fields).length > 0) throw regionError("HWS_VALIDATION_FAILED", { fields });
  return uniqueName(kind, () =>
    updateNamedObject(db, kind.table, row.id, {
      name: input.name || undefined,
      description: input.description,
    }),
  );
}

/** Deletes one; the default one stays, as in MAAS. */
export async function deleteObject(db: Db, kind: Kind, by: { id: number } | { name: string }): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await findObject(tx, kind, by);
    if (row.id === kind.defaultId) throw regionError("HWS_BAD_REQUEST", { message: kind.defaultUndeletable });
    if (kind.machinesOnDelete === "refuse" && (await countMachinesIn(tx, kind.table, row.id)) > 0) {
      throw regionError("HWS_BAD_REQUEST", { message: "Pool has machines in it, it cannot be deleted." });
    }
    await moveMachines(tx, kind.table, row.id, kind.defaultId);
    await deleteNamedObject(tx, kind.table, row.id);
  });
}
