import { isHwsError } from "@hwsync/shared";
import type { PrincipalUser } from "../auth.ts";
import { type Db, isUniqueViolation } from "../db/db.ts";
import { loadHardwareSummaries } from "../db/hardware.ts";
import { listMachines, type MachineRow } from "../db/machines.ts";
import {
  attachTagToMachines,
  deleteTag,
  detachTagFromMachines,
  getTagByName,
  insertTag,
  listTags,
  type TagRow,
  updateTag,
} from "../db/tags.ts";
import { regionError } from "../errors.ts";
import { tagSubject } from "./hardware-sync/tag-subject.ts";
import { evaluateTag, parseTagDefinition } from "./tags.ts";

// The tags API (docs/maas-compatibility.md#machine-object): MAAS's TagsHandler and TagHandler.
// A tag with a definition is attached by the tag engine (services/tags.ts) to every machine whose
// stored hardware satisfies it: at once when it is created or its definition changes, and again
// after each hardware sync. A tag without one is attached by hand (update_nodes).

export interface TagInput {
  name?: string;
  comment?: string;
  definition?: string;
  kernelOpts?: string;
}

// MAAS's tag names end up in URLs: letters, digits, '-' and '_'.
const TAG_NAME = /^[\w-]+$/;

export function tagJson(tag: TagRow): Record<string, unknown> {
  return {
    name: tag.name,
    definition: tag.definition,
    comment: tag.comment,
    kernel_opts: tag.kernelOpts,
    resource_uri: `/MAAS/api/2.0/tags/${encodeURIComponent(tag.name)}/`,
  };
}

export async function findTag(db: Db, name: string): Promise<TagRow> {
  const tag = await getTagByName(db, name);
  if (!tag) throw regionError("HWS_NOT_FOUND", { model: "Tag" });
  return tag;
}

export { listTags };

function validate(input: TagInput, required: boolean): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  if (input.name === undefined || input.name === "") {
    if (required) fields.name = ["This field is required."];
  } else if (input.name.length > 256 || !TAG_NAME.test(input.name)) {
    fields.name = [`'${input.name}' is not a valid tag name: use letters, digits, '-' and '_'.`];
  }
  if (input.definition) {
    try {
      parseTagDefinition(input.definition);
    } catch (error) {
      if (!isHwsError(error)) throw error;
      fields.definition = [error.message];
    }
  }
  return fields;
}

async function save<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw regionError("HWS_VALIDATION_FAILED", {
        fields: { name: ["Tag with this Name already exists."] },
      });
    }
    throw error;
  }
}

/**
 * Attaches a defined tag to exactly the machines whose stored hardware satisfies it (MAAS's
 * populate_nodes). Machines are evaluated a page at a time so a big fleet is never all in memory.
 */
async function populate(db: Db, tag: TagRow): Promise<void> {
  if (!tag.definition) return;
  const expr = parseTagDefinition(tag.definition);
  const machines = await listMachines(db);
  const PAGE = 200;
  for (let start = 0; start < machines.length; start += PAGE) {
    const page = machines.slice(start, start + PAGE);
    const hardware = await loadHardwareSummaries(
      db,
      page.map((machine) => machine.id),
    );
    const matching: number[] = [];
    const other: number[] = [];
    for (const machine of page) {
      const state = hardware.get(machine.id)!;
      const subject = tagSubject(machineHardware(machine), state);
      (evaluateTag(expr, subject) ? matching : other).push(machine.id);
    }
    await attachTagToMachines(db, tag.id, matching);
    await detachTagFromMachines(db, tag.id, other);
  }
}

function machineHardware(machine: MachineRow) {
  return {
    architecture: machine.architecture,
    osystem: machine.osystem,
    distroSeries: machine.distroSeries,
    cpuCount: machine.cpuCount,
    cpuModel: machine.cpuModel,
    cpuSpeed: machine.cpuSpeed,
    memory: machine.memory,
    hardwareUuid: machine.hardwareUuid,
    systemInfo: machine.systemInfo as Record<string, string>,
  };
}

/** Admin only, as in MAAS (an empty 403 otherwise). */
function requireTagAdmin(user: PrincipalUser): void {
  if (!user.isSuperuser) throw regionError("HWS_FORBIDDEN");
}

export async function createTag(db: Db, user: PrincipalUser, input: TagInput): Promise<TagRow> {
  requireTagAdmin(user);
  const fields = validate(input, true);
  if (Object.keys(fields).length > 0) throw regionError("HWS_VALIDATION_FAILED", { fields });
  return db.transaction(async (tx) => {
    const tag = await save(() =>
      insertTag(tx, {
        name: input.name!,
        comment: input.comment ?? "",
        definition: input.definition ?? "",
        kernelOpts: input.kernelOpts ?? null,
      }),
    );
    await populate(tx, tag);
    return tag;
  });
}

export async function updateTagByName(
  db: Db,
  user: PrincipalUser,
  name: string,
  input: TagInput,
): Promise<TagRow> {
  requireTagAdmin(user);
  return db.transaction(async (tx) => {
    const tag = await findTag(tx, name);
    const fields = validate(input, false);
    if (Object.keys(fields).length > 0) throw regionError("HWS_VALIDATION_FAILED", { fields });
    const updated: TagRow = {
      id: tag.id,
      name: input.name || tag.name,
      comment: input.comment ?? tag.comment,
      definition: input.definition ?? tag.definition,
      kernelOpts: input.kernelOpts ?? tag.kernelOpts,
    };
    await save(() => updateTag(tx, tag.id, updated));
    if (updated.definition !== tag.definition) await populate(tx, updated);
    return updated;
  });
}

export async function deleteTagByName(db: Db, user: PrincipalUser, name: string): Promise<void> {
  requireTagAdmin(user);
  const tag = await findTag(db, name);
  await deleteTag(db, tag.id);
}

/** `op=rebuild`: evaluates the definition against every machine again. */
export async function rebuildTag(db: Db, user: PrincipalUser, name: string): Promise<{ rebuilding: string }> {
  requireTagAdmin(user);
  await db.transaction(async (tx) => populate(tx, await findTag(tx, name)));
  return { rebuilding: name };
}

/**
 * `op=update_nodes`: attaches the tag to the machines in `add` and detaches it from those in
 * `remove` (system_ids; unknown ones are skipped, as MAAS does). With `definition`, nothing
 * happens unless it is the tag's current one (409), MAAS's guard against an outdated worker.
 */
export async function updateTagNodes(
  db: Db,
  user: PrincipalUser,
  name: string,
  change: { add: string[]; remove: string[]; definition?: string },
): Promise<{ added: number; removed: number }> {
  requireTagAdmin(user);
  return db.transaction(async (tx) => {
    const tag = await findTag(tx, name);
    if (change.definition !== undefined && change.definition !== tag.definition) {
      throw regionError("HWS_TAG_DEFINITION_MISMATCH", {
        supplied: change.definition,
        current: tag.definition,
      });
    }
    const idsOf = async (systemIds: string[]) =>
      systemIds.length === 0 ? [] : (await listMachines(tx, { systemIds })).map((machine) => machine.id);
    const add = await idsOf(change.add);
    const remove = await idsOf(change.remove);
    await attachTagToMachines(tx, tag.id, add);
    await detachTagFromMachines(tx, tag.id, remove);
    return { added: add.length, removed: remove.length };
  });
}

/** `op=machines` / `op=nodes`: the machines carrying the tag that the user may see. */
export async function machinesWithTag(db: Db, user: PrincipalUser, name: string): Promise<MachineRow[]> {
  const tag = await findTag(db, name);
  return listMachines(db, { allTags: [tag.name], visibleToUserId: user.isSuperuser ? undefined : user.id });
}
