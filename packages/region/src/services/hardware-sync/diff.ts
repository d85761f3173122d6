import { canonicalJson, type HardwareChange } from "@hwsync/shared";
import type {
  BlockDeviceSpec,
  HardwareClass,
  HardwareState,
  InterfaceSpec,
  MachineHardware,
  PciDeviceSpec,
  Stored,
  StoredHardware,
  UsbDeviceSpec,
} from "../../model/hardware.ts";
import { type MatchLevel, matchDevices } from "./match.ts";
import { mergeArchitecture } from "./normalize-machine.ts";
import { keepUnreported, unreportedClasses } from "./partial.ts";

// Stored hardware + reported hardware → the row operations and the list of changes. Pure: the
// same inputs always give the same plan, and a device is "updated" only when a stored column
// really differs (MAAS emits UPDATED for every disk and NIC on every sync; we do not).

export interface RowUpdate<T> {
  id: number;
  row: T;
  /** snake_case columns that changed, user-visible ones only. Empty for a silent refresh. */
  changed: string[];
  /** The row's unique key (identity / name) changes: write in two phases to avoid collisions. */
  keyChanged: boolean;
}

export interface TableOps<T> {
  inserts: T[];
  updates: Array<RowUpdate<T>>;
  deletes: Array<Stored<T>>;
}

export type { StoredHardware } from "../../model/hardware.ts";

export interface SyncPlan {
  /** The hardware the record holds after this sync: the report, with unreported classes as stored. */
  state: HardwareState;
  changes: HardwareChange[];
  machinePatch: Partial<MachineHardware>;
  blockDevices: TableOps<BlockDeviceSpec>;
  interfaces: TableOps<InterfaceSpec>;
  pciDevices: TableOps<PciDeviceSpec>;
  usbDevices: TableOps<UsbDeviceSpec>;
}

export function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a === "object" || typeof b === "object") return canonicalJson(a) === canonicalJson(b);
  return false;
}

function changedFields<T extends object>(stored: T, reported: T): string[] {
  const out: string[] = [];
  for (const key of Object.keys(reported) as Array<keyof T & string>) {
    if (!sameValue(stored[key], reported[key])) out.push(key);
  }
  return out;
}

function fieldDetails<T extends object>(stored: T, reported: T, fields: string[]): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  for (const field of fields) {
    details[snakeCase(field)] = {
      from: (stored as Record<string, unknown>)[field] ?? null,
      to: (reported as Record<string, unknown>)[field] ?? null,
    };
  }
  return details;
}

function withoutId<T>(row: Stored<T>): T {
  const { id: _id, ...rest } = row;
  return rest as T;
}

interface DeviceKind<T> {
  kind: HardwareChange["kind"];
  levels: ReadonlyArray<MatchLevel<T>>;
  name(row: T): string;
  /** Columns whose change is bookkeeping, not news (no event). */
  silent: ReadonlyArray<keyof T>;
  /** The column under a unique constraint next to machine_id, if it can change. */
  uniqueKey: keyof T | null;
  summary(row: T): Record<string, unknown>;
}

function planTable<T extends object>(
  spec: DeviceKind<T>,
  stored: ReadonlyArray<Stored<T>>,
  reported: readonly T[],
  changes: HardwareChange[],
): TableOps<T> {
  const plain = stored.map((row) => ({ row, spec: withoutId(row) }));
  const byPlain = new Map(plain.map((entry) => [entry.spec, entry.row]));
  const { pairs, added, removed } = matchDevices<T, T>(
    reported,
    plain.map((entry) => entry.spec),
    spec.levels,
    spec.name,
  );
  const ops: TableOps<T> = { inserts: added, updates: [], deletes: removed.map((row) => byPlain.get(row)!) };
  for (const row of ops.deletes) {
    changes.push({ kind: spec.kind, action: "removed", name: spec.name(row), details: spec.summary(row) });
  }
  for (const [next, previous] of pairs) {
    const fields = changedFields(previous, next);
    if (fields.length === 0) continue;
    const visible = fields.filter((field) => !spec.silent.includes(field as keyof T));
    ops.updates.push({
      id: byPlain.get(previous)!.id,
      row: next,
      changed: visible.map(snakeCase),
      keyChanged: spec.uniqueKey !== null && fields.includes(spec.uniqueKey as string),
    });
    if (visible.length > 0) {
      changes.push({
        kind: spec.kind,
        action: "updated",
        name: spec.name(next),
        details: fieldDetails(previous, next, visible),
      });
    }
  }
  for (const row of added) {
    changes.push({ kind: spec.kind, action: "added", name: spec.name(row), details: spec.summary(row) });
  }
  return ops;
}

const diskKey = (row: BlockDeviceSpec, field: "device_id" | "device_path"): string | null =>
  typeof row.details[field] === "string" ? (row.details[field] as string) : null;
// Two disks that both report a serial and disagree are different disks, whatever else matches.
const serialsAgree = (a: BlockDeviceSpec, b: BlockDeviceSpec): boolean =>
  !a.serial || !b.serial || a.serial === b.serial;

const BLOCK_DEVICE: DeviceKind<BlockDeviceSpec> = {
  kind: "block_device",
  levels: [
    { key: (row) => row.serial },
    { key: (row) => diskKey(row, "device_id"), compatible: serialsAgree },
    { key: (row) => diskKey(row, "device_path"), compatible: serialsAgree },
    { key: (row) => (row.model ? `${row.model}:${row.size}` : null), compatible: serialsAgree },
  ],
  name: (row) => row.name,
  silent: ["identity"],
  uniqueKey: "identity",
  summary: (row) => ({ model: row.model, serial: row.serial, size: row.size, type: row.type }),
};

const LOGICAL = new Set(["bond", "bridge", "vlan"]);

const INTERFACE: DeviceKind<InterfaceSpec> = {
  kind: "interface",
  levels: [
    // Bonds, bridges and VLANs borrow their parent's MAC: only their name identifies them.
    { key: (row) => (LOGICAL.has(row.type) ? `${row.type}:${row.name}` : null) },
    { key: (row) => (!LOGICAL.has(row.type) && row.macAddress ? row.macAddress : null) },
    { key: (row) => (!LOGICAL.has(row.type) && !row.macAddress ? `name:${row.name}` : null) },
  ],
  name: (row) => row.name,
  silent: [],
  uniqueKey: "name",
  summary: (row) => ({
    mac_address: row.macAddress,
    type: row.type,
    vendor: row.vendor,
    product: row.product,
  }),
};

const PCI_DEVICE: DeviceKind<PciDeviceSpec> = {
  kind: "pci_device",
  levels: [{ key: (row) => `${row.vendorId}:${row.productId}@${row.pciAddress}` }],
  name: (row) => row.pciAddress,
  silent: [],
  uniqueKey: null,
  summary: (row) => ({
    vendor_id: row.vendorId,
    product_id: row.productId,
    vendor: row.vendor,
    product: row.product,
  }),
};

const USB_DEVICE: DeviceKind<UsbDeviceSpec> = {
  kind: "usb_device",
  levels: [{ key: (row) => `${row.vendorId}:${row.productId}@${row.busAddress}:${row.deviceAddress}` }],
  name: (row) => `${row.busAddress}:${row.deviceAddress}`,
  silent: [],
  uniqueKey: null,
  summary: (row) => ({
    vendor_id: row.vendorId,
    product_id: row.productId,
    vendor: row.vendor,
    product: row.product,
  }),
};

function planMachine(stored: MachineHardware, reported: MachineHardware, changes: HardwareChange[]) {
  const patch: Partial<MachineHardware> = {};
  const next: MachineHardware = {
    ...reported,
    architecture: mergeArchitecture(stored.architecture, reported.architecture),
    // Keep what we knew when the payload is silent (no os-release). A system section that was
    // not reported never gets here: keepUnreported put the stored values in.
    osystem: reported.osystem ?? stored.osystem,
    distroSeries: reported.distroSeries ?? stored.distroSeries,
  };
  for (const field of changedFields(stored, next)) {
    (patch as Record<string, unknown>)[field] = next[field as keyof MachineHardware];
  }
  const firstSync = stored.cpuCount === 0 && !stored.cpuModel && stored.memory === 0;
  if ("cpuCount" in patch || "cpuModel" in patch) {
    const fields = ["cpuCount", "cpuModel"].filter((field) => field in patch);
    changes.push({
      kind: "cpu",
      action: firstSync ? "added" : "updated",
      name: next.cpuModel ?? `${next.cpuCount} threads`,
      details: fieldDetails(stored, next, fields),
    });
  }
  if ("memory" in patch) {
    changes.push({
      kind: "memory",
      action: next.memory >= stored.memory ? "added" : "removed",
      name: "memory",
      details: { from: stored.memory, to: next.memory },
    });
  }
  const systemFields = ["architecture", "osystem", "distroSeries", "hardwareUuid"].filter(
    (field) => field in patch,
  );
  const systemKeys = "systemInfo" in patch ? changedKeys(stored.systemInfo, next.systemInfo) : [];
  if (systemFields.length > 0 || systemKeys.length > 0) {
    const details = fieldDetails(stored, next, systemFields);
    for (const key of systemKeys) {
      details[key] = { from: stored.systemInfo[key] ?? null, to: next.systemInfo[key] ?? null };
    }
    changes.push({
      kind: "system",
      action: Object.keys(stored.systemInfo).length === 0 ? "added" : "updated",
      name: next.systemInfo.system_product ?? "system",
      details,
    });
  }
  return patch;
}

function changedKeys(a: Record<string, string>, b: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((key) => a[key] !== b[key]).sort();
}

const NO_OPS = { inserts: [], updates: [], deletes: [] };

/**
 * Everything one sync has to write, and the changes it reports. A class the payload did not
 * report (`reported.gaps`) is not planned at all: its stored rows are neither updated nor removed.
 */
export function planSync(stored: StoredHardware, reported: HardwareState): SyncPlan {
  const missing = unreportedClasses(reported);
  const state = keepUnreported(stored, reported);
  const changes: HardwareChange[] = [];
  const machinePatch = planMachine(stored.machine, state.machine, changes);
  const table = <T extends object>(
    hardwareClass: HardwareClass,
    spec: DeviceKind<T>,
    storedRows: ReadonlyArray<Stored<T>>,
    reportedRows: readonly T[],
  ): TableOps<T> =>
    missing.has(hardwareClass) ? NO_OPS : planTable(spec, storedRows, reportedRows, changes);
  return {
    state,
    changes,
    machinePatch,
    blockDevices: table("block_device", BLOCK_DEVICE, stored.blockDevices, state.blockDevices),
    interfaces: table("interface", INTERFACE, stored.interfaces, state.interfaces),
    pciDevices: table("pci_device", PCI_DEVICE, stored.pciDevices, state.pciDevices),
    usbDevices: table("usb_device", USB_DEVICE, stored.usbDevices, state.usbDevices),
  };
}
