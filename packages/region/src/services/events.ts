import type { HardwareChange, HardwareKind, NotReported } from "@hwsync/shared";
import type { Db } from "../db/db.ts";
import { type EventInsert, insertEvents } from "../db/events.ts";

export type EventLevel = "AUDIT" | "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL";

interface EventTypeInfo {
  /** What the events API shows as `type` (MAAS shows the description, not the name). */
  description: string;
  level: EventLevel;
}

/**
 * Event types by name (docs/maas-compatibility.md#events). The USB description fixes MAAS's
 * "chage" typo; `NODE_HARDWARE_SYNC_SYSTEM`, `NODE_HARDWARE_SYNC_FAILED` and
 * `NODE_HARDWARE_NOT_REPORTED` (a sync that kept a class as stored because it was not reported) are ours. Hardware-sync
 * events are INFO (MAAS logged them as AUDIT before LP:2062141, which hid them from default
 * queries).
 */
export const EVENT_TYPES = {
  NODE_HARDWARE_SYNC_BLOCK_DEVICE: {
    description: "Node Block Device hardware sync state change",
    level: "INFO",
  },
  NODE_HARDWARE_SYNC_INTERFACE: { description: "Node Interface hardware sync state change", level: "INFO" },
  NODE_HARDWARE_SYNC_PCI_DEVICE: { description: "Node PCI Device hardware sync state change", level: "INFO" },
  NODE_HARDWARE_SYNC_USB_DEVICE: { description: "Node USB Device hardware sync state change", level: "INFO" },
  NODE_HARDWARE_SYNC_CPU: { description: "Node CPU hardware sync state change", level: "INFO" },
  NODE_HARDWARE_SYNC_MEMORY: { description: "Node Memory hardware sync state change", level: "INFO" },
  NODE_HARDWARE_SYNC_BMC: { description: "Node BMC hardware sync state change", level: "INFO" },
  NODE_HARDWARE_SYNC_SYSTEM: { description: "Node System hardware sync state change", level: "INFO" },
  NODE_HARDWARE_SYNC_FAILED: { description: "Node hardware sync failed", level: "ERROR" },
  NODE_HARDWARE_NOT_REPORTED: { description: "Node hardware not reported by sync", level: "WARNING" },
  SCRIPT_RESULT_ERROR: { description: "Script result lookup or storage error", level: "ERROR" },
  NODE_CHANGED_STATUS: { description: "Node changed status", level: "INFO" },
  REQUEST_NODE_START_DEPLOYMENT: { description: "User starting deployment", level: "INFO" },
  REQUEST_NODE_RELEASE: { description: "User releasing node", level: "INFO" },
  DEPLOYED: { description: "Deployed", level: "INFO" },
} as const satisfies Record<string, EventTypeInfo>;
export type EventType = keyof typeof EVENT_TYPES;

/** The `type` text the events API shows for a stored type name (unknown names show as they are). */
export function eventTypeDescription(name: string): string {
  return (EVENT_TYPES as Record<string, EventTypeInfo>)[name]?.description ?? name;
}

const CHANGE_EVENT_TYPES: Record<HardwareChange["kind"], EventType> = {
  block_device: "NODE_HARDWARE_SYNC_BLOCK_DEVICE",
  interface: "NODE_HARDWARE_SYNC_INTERFACE",
  pci_device: "NODE_HARDWARE_SYNC_PCI_DEVICE",
  usb_device: "NODE_HARDWARE_SYNC_USB_DEVICE",
  cpu: "NODE_HARDWARE_SYNC_CPU",
  memory: "NODE_HARDWARE_SYNC_MEMORY",
  system: "NODE_HARDWARE_SYNC_SYSTEM",
  bmc: "NODE_HARDWARE_SYNC_BMC",
};

export interface EventMachine {
  id: number;
  systemId: string;
  hostname: string;
}

export interface RecordEventInput {
  machine: EventMachine | null;
  type: EventType | (string & {});
  description: string;
  level?: EventLevel;
  username?: string | null;
  at: Date;
}

export function toEventInsert(input: RecordEventInput): EventInsert {
  const known = (EVENT_TYPES as Record<string, EventTypeInfo>)[input.type];
  return {
    machineId: input.machine?.id ?? null,
    systemId: input.machine?.systemId ?? null,
    hostname: input.machine?.hostname ?? null,
    username: input.username ?? null,
    type: input.type,
    level: input.level ?? known?.level ?? "INFO",
    description: input.description,
    created: input.at,
  };
}

/** Stores one event (deploy, release, create); a sync writes its events with its own statement. */
export async function recordEvent(db: Db, input: RecordEventInput): Promise<void> {
  await insertEvents(db, [toEventInsert(input)]);
}

const BINARY_UNITS = ["MiB", "GiB", "TiB", "PiB"];

/** 16384 → `16.0 GiB`: MiB in the largest binary unit that keeps the number ≥ 1, one decimal. */
export function formatMebibytes(mebibytes: number): string {
  let value = Math.abs(mebibytes);
  let unit = 0;
  while (value >= 1024 && unit < BINARY_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${BINARY_UNITS[unit]}`;
}

function label(details: Record<string, unknown> | null | undefined): string {
  const vendor = typeof details?.vendor === "string" ? details.vendor : "";
  const product = typeof details?.product === "string" ? details.product : "";
  const both = [vendor, product].filter(Boolean).join(" ");
  return both ? ` (${both})` : "";
}

function fieldList(details: Record<string, unknown> | null | undefined): string {
  const fields = Object.keys(details ?? {});
  return fields.length > 0 ? `: ${fields.join(", ")}` : "";
}

function fromTo(details: Record<string, unknown> | null | undefined): string {
  const parts = Object.entries(details ?? {}).map(([field, value]) => {
    const { from, to } = value as { from: unknown; to: unknown };
    return `${field} ${from ?? "none"} → ${to ?? "none"}`;
  });
  return parts.length > 0 ? `: ${parts.join(", ")}` : "";
}

/**
 * MAAS-style text for one change (`block device sdb was added on node abc123`). PCI and USB
 * devices are named by address plus vendor/product, where MAAS prints a bare device number.
 */
export function describeChange(change: HardwareChange, systemId: string): string {
  const on = `on node ${systemId}`;
  const { action, details, name } = change;
  switch (change.kind) {
    case "block_device":
      return `block device ${name} was ${action} ${on}${action === "updated" ? fieldList(details) : ""}`;
    case "interface":
      return `interface ${name} was ${action} ${on}${action === "updated" ? fieldList(details) : ""}`;
    case "pci_device":
      return `pci device ${name}${action === "updated" ? "" : label(details)} was ${action} ${on}${action === "updated" ? fieldList(details) : ""}`;
    case "usb_device":
      return `usb device ${name}${action === "updated" ? "" : label(details)} was ${action} ${on}${action === "updated" ? fieldList(details) : ""}`;
    case "cpu":
      return `cpu ${name} was ${action} ${on}${action === "updated" ? fromTo(details) : ""}`;
    case "memory": {
      const from = Number(details?.from ?? 0);
      const to = Number(details?.to ?? 0);
      return `${formatMebibytes(to - from)} of memory was ${action} ${on}`;
    }
    case "system":
      return `system information was ${action} ${on}${action === "updated" ? fieldList(details) : ""}`;
    case "bmc":
      return `BMC details were ${action} ${on}${fieldList(details)}`;
  }
}

/** One event per change, all at the same instant. */
export function changeEvents(
  changes: HardwareChange[],
  machine: EventMachine,
  at: Date,
  username: string | null,
): RecordEventInput[] {
  return changes.map((change) => ({
    machine,
    type: CHANGE_EVENT_TYPES[change.kind],
    description: describeChange(change, machine.systemId),
    username,
    at,
  }));
}

const CLASS_NAMES: Record<HardwareKind, string> = {
  block_device: "block devices",
  interface: "interfaces",
  pci_device: "PCI devices",
  usb_device: "USB devices",
  cpu: "CPU",
  memory: "memory",
  system: "system information",
  bmc: "BMC details",
};
const MESSAGE_LIMIT = 200;

function gapText(gap: NotReported): string {
  if (gap.reason !== "collector_error") return `${gap.section} is ${gap.reason}`;
  const message = gap.message ?? "";
  const short = message.length > MESSAGE_LIMIT ? `${message.slice(0, MESSAGE_LIMIT)}…` : message;
  return `collector ${gap.collector} failed with ${gap.code}${short ? ` (${short})` : ""}`;
}

/**
 * One WARNING per class a sync kept as stored because the payload did not report it, naming the
 * class and why (the section, or the agent's collector and error code).
 */
export function notReportedEvents(
  gaps: NotReported[],
  machine: EventMachine,
  at: Date,
  username: string | null,
): RecordEventInput[] {
  const byKind = new Map<HardwareKind, NotReported[]>();
  for (const gap of gaps) byKind.set(gap.kind, [...(byKind.get(gap.kind) ?? []), gap]);
  return [...byKind].map(([kind, list]) => ({
    machine,
    type: "NODE_HARDWARE_NOT_REPORTED",
    level: "WARNING",
    description: `${CLASS_NAMES[kind]} not reported by node ${machine.systemId}: ${list.map(gapText).join("; ")}; the stored ${CLASS_NAMES[kind]} were kept`,
    username,
    at,
  }));
}
