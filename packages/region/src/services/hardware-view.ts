import { formatMaasEventTime, formatMaasTimestamp, type HardwareHistoryEntry } from "@hwsync/shared";
import type { Db } from "../db/db.ts";
import { recentMachineEvents } from "../db/events.ts";
import { loadHardware } from "../db/hardware.ts";
import { listHardwareSyncs } from "../db/hardware-syncs.ts";
import { getMachineById } from "../db/machines.ts";
import { regionError } from "../errors.ts";
import { eventTypeDescription } from "./events.ts";
import { snakeCase } from "./hardware-sync/diff.ts";

/** A stored row in MAAS's wire style: snake_case, without the machine_id. */
function deviceJson(row: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key !== "machineId") out[snakeCase(key)] = value;
  }
  return out;
}

const RECENT_EVENTS = 20;
const HARDWARE_EVENT_TYPES = [
  "NODE_HARDWARE_SYNC_BLOCK_DEVICE",
  "NODE_HARDWARE_SYNC_INTERFACE",
  "NODE_HARDWARE_SYNC_PCI_DEVICE",
  "NODE_HARDWARE_SYNC_USB_DEVICE",
  "NODE_HARDWARE_SYNC_CPU",
  "NODE_HARDWARE_SYNC_MEMORY",
  "NODE_HARDWARE_SYNC_BMC",
  "NODE_HARDWARE_SYNC_SYSTEM",
  "NODE_HARDWARE_SYNC_FAILED",
  "NODE_HARDWARE_NOT_REPORTED",
  "SCRIPT_RESULT_ERROR",
];

/** `op=hardware`: the machine's stored hardware and its latest hardware-sync events. */
export async function hardwareView(db: Db, machineId: number): Promise<Record<string, unknown>> {
  const machine = await getMachineById(db, machineId);
  if (!machine) throw regionError("HWS_MACHINE_NOT_FOUND");
  const [hardware, events] = await Promise.all([
    loadHardware(db, machineId),
    recentMachineEvents(db, machineId, HARDWARE_EVENT_TYPES, RECENT_EVENTS),
  ]);
  return {
    system_id: machine.systemId,
    architecture: machine.architecture,
    cpu: { count: machine.cpuCount, model: machine.cpuModel, speed: machine.cpuSpeed },
    memory: { total: machine.memory },
    system: { ...machine.systemInfo, uuid: machine.hardwareUuid },
    block_devices: hardware.blockDevices.map(deviceJson),
    interfaces: hardware.interfaces.map(deviceJson),
    pci_devices: hardware.pciDevices.map(deviceJson),
    usb_devices: hardware.usbDevices.map(deviceJson),
    last_sync: formatMaasTimestamp(machine.lastSync),
    hardware_hash: machine.hardwareHash,
    recent_events: events.map((event) => ({
      id: event.id,
      type: eventTypeDescription(event.type),
      level: event.level,
      description: event.description,
      created: formatMaasEventTime(event.created),
    })),
  };
}

const HISTORY_DEFAULT_LIMIT = 20;
export const HISTORY_MAX_LIMIT = 1000;

/** `op=hardware_history`: what each sync changed, newest first. */
export async function hardwareHistory(
  db: Db,
  machineId: number,
  options: { limit?: number } = {},
): Promise<HardwareHistoryEntry[]> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? HISTORY_DEFAULT_LIMIT), 1), HISTORY_MAX_LIMIT);
  const rows = await listHardwareSyncs(db, machineId, limit);
  return rows.map((row) => ({
    sync_id: row.id,
    created: formatMaasTimestamp(row.created)!,
    content_hash: row.contentHash,
    changes: row.changes,
    not_reported: row.notReported ?? [],
  }));
}
