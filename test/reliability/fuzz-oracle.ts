// The fuzzer's oracle for what an applied hardware push may do to the record: a stored device
// may disappear, and a stored CPU, memory or system value may change, only when the payload
// explicitly reported that class (a list, possibly empty, for devices; an object for the scalars)
// and no collector error names it. Written from the payload alone, apart from the region's code.
import type { Db } from "@hwsync/region";

type Doc = Record<string, any>;

export interface StoredRecord {
  devices: Record<DeviceClass, Map<number, string>>;
  cpu: string;
  memory: string;
  system: string;
}

type DeviceClass = "block_devices" | "interfaces" | "pci_devices" | "usb_devices";

const DEVICE_TABLES: Record<DeviceClass, string> = {
  block_devices: "name",
  interfaces: "name",
  pci_devices: "pci_address",
  usb_devices: "bus_address || ':' || device_address",
};

/** Every stored device (by row id) and the machine's scalar hardware values, in one query. */
export async function storedRecord(db: Db, systemId: string): Promise<StoredRecord> {
  const devices = Object.entries(DEVICE_TABLES)
    .map(
      ([table, label]) =>
        `(SELECT coalesce(json_agg(json_build_array(d.id, ${label})), '[]'::json) FROM ${table} d WHERE d.machine_id = m.id) AS ${table}`,
    )
    .join(", ");
  const { rows } = await db.query<Record<string, any>>(
    `SELECT ${devices}, m.cpu_count, m.cpu_model, m.cpu_speed, m.memory, m.hardware_uuid, m.system_info
       FROM machines m WHERE m.system_id = $1`,
    [systemId],
  );
  const row = rows[0]!;
  const byId = (list: Array<[number, string]>) =>
    new Map(list.map(([id, label]) => [Number(id), String(label)]));
  return {
    devices: {
      block_devices: byId(row.block_devices),
      interfaces: byId(row.interfaces),
      pci_devices: byId(row.pci_devices),
      usb_devices: byId(row.usb_devices),
    },
    cpu: JSON.stringify([row.cpu_count, row.cpu_model, row.cpu_speed]),
    memory: JSON.stringify(row.memory),
    system: JSON.stringify([row.hardware_uuid, row.system_info]),
  };
}

const isObject = (value: unknown): boolean =>
  value !== null && typeof value === "object" && !Array.isArray(value);

function failed(doc: Doc, collector: string): boolean {
  return (
    Array.isArray(doc.collector_errors) &&
    doc.collector_errors.some((error: Doc) => error?.collector === collector)
  );
}

/** Whether the payload explicitly reports a device class: its list is there and no collector failed. */
function reportsDevices(doc: Doc, kind: DeviceClass): boolean {
  const resources = isObject(doc.resources) ? doc.resources : {};
  switch (kind) {
    case "block_devices":
      return Array.isArray(resources.storage?.disks) && !failed(doc, "disks");
    case "interfaces":
      return (
        Array.isArray(resources.network?.cards) &&
        isObject(doc.networks) &&
        !failed(doc, "nics") &&
        !failed(doc, "networks")
      );
    case "pci_devices":
      return Array.isArray(resources.pci?.devices) && !failed(doc, "pci");
    case "usb_devices":
      return Array.isArray(resources.usb?.devices) && !failed(doc, "usb");
  }
}

function reportsScalar(doc: Doc, section: "cpu" | "memory" | "system"): boolean {
  return isObject(doc.resources?.[section]) && !failed(doc, section);
}

/** What the push changed without the payload saying so; empty when the record stayed true. */
export function silentLosses(before: StoredRecord, after: StoredRecord, doc: Doc): string[] {
  const out: string[] = [];
  for (const kind of Object.keys(DEVICE_TABLES) as DeviceClass[]) {
    if (reportsDevices(doc, kind)) continue;
    for (const [id, label] of before.devices[kind]) {
      if (!after.devices[kind].has(id)) out.push(`${kind} ${label} disappeared without an explicit report`);
    }
  }
  for (const section of ["cpu", "memory", "system"] as const) {
    if (!reportsScalar(doc, section) && before[section] !== after[section]) {
      out.push(`${section} changed (${before[section]} → ${after[section]}) without an explicit report`);
    }
  }
  return out;
}
