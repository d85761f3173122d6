import { type HardwareChange, NODE_STATUS_NAMES, NodeStatus, type NotReported } from "@hwsync/shared";
import type { Db } from "../../db/db.ts";
import {
  BLOCK_DEVICES,
  type DeviceTable,
  INTERFACES,
  loadForSync,
  PCI_DEVICES,
  type TableWrite,
  USB_DEVICES,
  writeDevices,
} from "../../db/hardware.ts";
import { getMachineById, type MachineRow } from "../../db/machines.ts";
import { writeSync } from "../../db/sync.ts";
import { ensureTag, type ManagedTagState } from "../../db/tags.ts";
import { machineTokenExists } from "../../db/tokens.ts";
import { regionError } from "../../errors.ts";
import type { HardwareState, MachineHardware, SectionGap } from "../../model/hardware.ts";
import { changeEvents, notReportedEvents, type RecordEventInput, toEventInsert } from "../events.ts";
import { planTags, type TagPlan } from "../tags.ts";
import { applyBmc, type BmcReport } from "./bmc.ts";
import { planSync, type SyncPlan, type TableOps } from "./diff.ts";
import { checkSyncable, type SyncWire } from "./syncable.ts";
import { tagSubject } from "./tag-subject.ts";

/** A validated, normalized payload and the hash of the bytes it came from. */
export interface HardwareReport {
  state: HardwareState;
  contentHash: string;
}

export interface SyncRequest {
  machineId: number;
  /**
   * The machine token that authenticated the request. Authentication ran before the row lock, so
   * a release (which deletes the token) and a redeploy may have committed since: the sync then
   * answers 401, as if it had arrived after the release, instead of crediting the new deployment
   * with the old one's report.
   */
  tokenKey?: string;
  now: Date;
  report?: HardwareReport;
  bmc?: BmcReport;
  /**
   * "signal" answers machines in states MAAS leaves alone (Ready, Broken, Failed…) with "ignored"
   * instead of a 409, because the real client would retry a refusal for a minute.
   */
  wire: SyncWire;
  /** More work in the same transaction, after the checks; returns events to record with the sync's. */
  within?: (tx: Db, machine: MachineRow) => Promise<RecordEventInput[]>;
}

export interface SyncOutcome {
  ignored: boolean;
  changes: HardwareChange[];
  /** Classes the payload did not report, kept as stored. */
  notReported: NotReported[];
  machine: Pick<MachineRow, "systemId" | "status" | "lastSync" | "syncInterval" | "hardwareHash">;
}

function statusName(status: number): string {
  return NODE_STATUS_NAMES[status] ?? String(status);
}

function storedMachine(machine: MachineRow): MachineHardware {
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

function tableWrite<T>(
  table: DeviceTable<T>,
  uniqueColumn: string | null,
  ops: TableOps<T>,
): TableWrite<unknown> {
  const moving = ops.updates.filter((update) => update.keyChanged).map((update) => update.id);
  return {
    table: table as DeviceTable<unknown>,
    deletes: ops.deletes.map((row) => row.id),
    park: uniqueColumn && moving.length > 0 ? { column: uniqueColumn, ids: moving } : null,
    updates: ops.updates,
    inserts: ops.inserts,
  };
}

function planWrites(plan: SyncPlan): Array<TableWrite<unknown>> {
  return [
    tableWrite(BLOCK_DEVICES, "identity", plan.blockDevices),
    tableWrite(INTERFACES, "name", plan.interfaces),
    tableWrite(PCI_DEVICES, null, plan.pciDevices),
    tableWrite(USB_DEVICES, null, plan.usbDevices),
  ];
}

type MachineWrite = Partial<MachineHardware> & {
  lastSync?: Date;
  hardwareHash?: string;
  status?: number;
  statusMessage?: string;
  powerType?: string;
};

/** MAAS's tag for a machine whose `system.type` names a hypervisor or container runtime. */
const VIRTUAL_TAG = "virtual";
const MESSAGE_LIMIT = 1000;

function notReportedOf(gaps: SectionGap[]): NotReported[] {
  return gaps.map(({ hardwareClass, message, ...gap }) => ({
    kind: hardwareClass,
    ...gap,
    ...(message === undefined ? {} : { message: message.slice(0, MESSAGE_LIMIT) }),
  }));
}

/**
 * MAAS's `virtual` tag follows the reported `system.type`: on for anything but empty or
 * "physical" (docs/maas-compatibility.md#applying-a-payload). Only a sync that reported the
 * system section decides; the tag is created the first time a machine needs it.
 */
async function planVirtualTag(
  tx: Db,
  state: HardwareState,
  current: ManagedTagState | null,
): Promise<TagPlan> {
  if (state.gaps.some((gap) => gap.hardwareClass === "system")) return { attach: [], detach: [] };
  const type = state.machine.systemInfo.system_type ?? "";
  const wanted = type !== "" && type.toLowerCase() !== "physical";
  if (wanted && !current?.attached) {
    const id =
      current?.id ?? (await ensureTag(tx, VIRTUAL_TAG, "Machines that report a virtual system type"));
    return { attach: [id], detach: [] };
  }
  if (!wanted && current?.attached) return { attach: [], detach: [current.id] };
  return { attach: [], detach: [] };
}

/**
 * One sync, in one transaction holding the machine's row lock: concurrent syncs, deploys and
 * releases of the machine take turns, and a failure anywhere leaves nothing half-written.
 */
export async function syncMachine(db: Db, request: SyncRequest): Promise<SyncOutcome> {
  return db.transaction(async (tx) => {
    const machine = await getMachineById(tx, request.machineId, { forUpdate: true });
    if (!machine) throw regionError("HWS_MACHINE_NOT_FOUND");
    if (request.tokenKey !== undefined && !(await machineTokenExists(tx, request.tokenKey, machine.id))) {
      throw regionError("HWS_OAUTH_REJECTED", { detail: `Invalid access token: ${request.tokenKey}` });
    }
    if (checkSyncable(machine, request.wire) === "ignore") {
      return { ignored: true, changes: [], notReported: [], machine };
    }
    const events = request.within ? await request.within(tx, machine) : [];
    const changes: HardwareChange[] = [];
    let notReported: NotReported[] = [];
    let patch: MachineWrite = {};
    let tags: TagPlan | null = null;
    const { report, now } = request;
    // Another push of the same bytes may have won the lock first: then only the heartbeat is new.
    if (report && machine.hardwareHash !== report.contentHash) {
      const stored = await loadForSync(tx, machine.id, VIRTUAL_TAG);
      const plan = planSync({ machine: storedMachine(machine), ...stored }, report.state);
      await writeDevices(tx, machine.id, planWrites(plan));
      changes.push(...plan.changes);
      notReported = notReportedOf(report.state.gaps);
      patch = { ...plan.machinePatch };
      // A partial report is no description of the machine: its hash is kept only when it changed
      // the record (so the next full report is never mistaken for "unchanged"); otherwise the
      // same partial report is applied, and its gaps recorded, every time it comes.
      if (notReported.length === 0 || changes.length > 0) patch.hardwareHash = report.contentHash;
      const managed = stored.managedTag;
      const virtual = await planVirtualTag(tx, plan.state, managed);
      const defined =
        changes.length > 0 && stored.tags.length > 0
          ? planTags(
              // The virtual tag follows system.type alone, whatever definition it may carry.
              stored.tags.filter((tag) => tag.id !== managed?.id),
              tagSubject({ ...storedMachine(machine), ...patch }, plan.state),
            )
          : { attach: [], detach: [] };
      const attach = [...defined.attach, ...virtual.attach];
      const detach = [...defined.detach, ...virtual.detach];
      if (attach.length > 0 || detach.length > 0) tags = { attach, detach };
    }
    if (report) {
      patch.lastSync = now;
      if (machine.status === NodeStatus.DEPLOYING) {
        patch.status = NodeStatus.DEPLOYED;
        patch.statusMessage = statusName(NodeStatus.DEPLOYED);
      }
    }
    if (request.bmc) {
      const bmc = await applyBmc(tx, machine, request.bmc, now);
      changes.push(...bmc.changes);
      if (bmc.powerType !== undefined) patch.powerType = bmc.powerType;
    }
    const allEvents = [
      ...changeEvents(changes, machine, now, machine.ownerUsername),
      ...notReportedEvents(notReported, machine, now, machine.ownerUsername),
      ...events,
    ];
    if (patch.status !== undefined) {
      allEvents.push({
        machine,
        type: "NODE_CHANGED_STATUS",
        description: `From '${statusName(machine.status)}' to '${statusName(patch.status)}'`,
        at: now,
      });
    }
    const written = await writeSync(tx, machine.id, {
      patch,
      events: allEvents.map(toEventInsert),
      history:
        changes.length > 0 || notReported.length > 0
          ? { created: now, contentHash: report?.contentHash ?? null, changes, notReported }
          : null,
      tags,
    });
    return { ignored: false, changes, notReported, machine: written };
  });
}
