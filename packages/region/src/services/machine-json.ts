import {
  formatMaasEventTime,
  formatMaasTimestamp,
  isSyncHealthy,
  NODE_STATUS_NAMES,
  nextSync,
} from "@hwsync/shared";
import type { Db } from "../db/db.ts";
import {
  type BlockDeviceRow,
  type HardwareSummary,
  type InterfaceRow,
  loadHardwareSummaries,
  loadHardwareSummary,
  type PciDeviceRow,
  type UsbDeviceRow,
} from "../db/hardware.ts";
import type { MachineRow } from "../db/machines.ts";
import { loadTagNames } from "../db/tags.ts";

// The REST machine object in MAAS's field names (docs/maas-compatibility.md#machine-object). This
// module is the one place machine rows become wire JSON for the REST API.

const DOMAIN = "maas";

// MAAS's hardware_info keys; values it does not know read "Unknown".
const HARDWARE_INFO_KEYS = [
  "system_vendor",
  "system_product",
  "system_family",
  "system_version",
  "system_sku",
  "system_serial",
  "mainboard_vendor",
  "mainboard_product",
  "mainboard_serial",
  "mainboard_version",
  "mainboard_firmware_vendor",
  "mainboard_firmware_date",
  "mainboard_firmware_version",
  "chassis_vendor",
  "chassis_type",
  "chassis_serial",
  "chassis_version",
] as const;

export function statusName(status: number): string {
  return NODE_STATUS_NAMES[status] ?? `Unknown (${status})`;
}

function nodeUri(systemId: string, kind: string, id: number): string {
  return `/MAAS/api/2.0/nodes/${systemId}/${kind}/${id}/`;
}

function blockDeviceJson(systemId: string, disk: BlockDeviceRow): Record<string, unknown> {
  return {
    id: disk.id,
    name: disk.name,
    path: `/dev/disk/by-dname/${disk.name}`,
    id_path: disk.idPath,
    model: disk.model,
    serial: disk.serial,
    size: disk.size,
    block_size: disk.blockSize,
    type: "physical",
    bus: disk.type,
    rpm: disk.rpm,
    firmware_version: disk.firmwareVersion,
    numa_node: disk.numaNode,
    tags: disk.tags,
    is_virtual: disk.isVirtual,
    used_size: 0,
    available_size: disk.size,
    partitions: [],
    filesystem: null,
    storage_pool: null,
    system_id: systemId,
    resource_uri: nodeUri(systemId, "blockdevices", disk.id),
  };
}

function interfaceJson(systemId: string, nic: InterfaceRow, all: InterfaceRow[]): Record<string, unknown> {
  return {
    id: nic.id,
    name: nic.name,
    type: nic.type,
    mac_address: nic.macAddress,
    vendor: nic.vendor,
    product: nic.product,
    driver: nic.driver,
    pci_address: nic.pciAddress,
    enabled: true,
    link_connected: nic.linkConnected,
    link_speed: nic.linkSpeed ?? 0,
    interface_speed: nic.interfaceSpeed ?? 0,
    numa_node: nic.numaNode,
    sriov_max_vf: nic.sriovMaxVf,
    is_virtual: nic.isVirtual,
    parents: nic.parents,
    children: all.filter((other) => other.parents.includes(nic.name)).map((other) => other.name),
    vlan: null,
    links: [],
    params: {},
    tags: nic.tags,
    discovered: null,
    effective_mtu: 1500,
    system_id: systemId,
    resource_uri: nodeUri(systemId, "interfaces", nic.id),
  };
}

function pciDeviceJson(systemId: string, device: PciDeviceRow): Record<string, unknown> {
  return {
    id: device.id,
    bus: 1,
    hardware_type: device.hardwareType,
    pci_address: device.pciAddress,
    vendor_id: device.vendorId,
    product_id: device.productId,
    vendor_name: device.vendor,
    product_name: device.product,
    commissioning_driver: device.driver,
    numa_node: device.numaNode,
    iommu_group: device.iommuGroup,
    is_virtual: device.isVirtual,
    system_id: systemId,
  };
}

function usbDeviceJson(systemId: string, device: UsbDeviceRow): Record<string, unknown> {
  return {
    id: device.id,
    bus: 2,
    bus_number: device.busAddress,
    device_number: device.deviceAddress,
    vendor_id: device.vendorId,
    product_id: device.productId,
    vendor_name: device.vendor,
    product_name: device.product,
    commissioning_driver: device.driver,
    speed: device.speed,
    system_id: systemId,
  };
}

function hardwareInfo(row: MachineRow): Record<string, string> {
  const info: Record<string, string> = {};
  for (const key of HARDWARE_INFO_KEYS) {
    const value = row.systemInfo?.[key];
    info[key] = typeof value === "string" && value ? value : "Unknown";
  }
  info.cpu_model = row.cpuModel || "Unknown";
  return info;
}

/** The hw-sync fields with REST formats: ISO 8601 UTC timestamps, null when unknown. */
function syncFields(row: MachineRow, now: Date): Record<string, unknown> {
  return {
    enable_hw_sync: row.enableHwSync,
    sync_interval: row.syncInterval,
    last_sync: formatMaasTimestamp(row.lastSync),
    next_sync: formatMaasTimestamp(nextSync(row.lastSync, row.syncInterval)),
    is_sync_healthy: isSyncHealthy(row.enableHwSync, row.lastSync, row.syncInterval, now),
  };
}

/** MAAS reports storage in MB (10^6 bytes) of the physical disks. */
function storageMb(disks: BlockDeviceRow[]): number {
  const bytes = disks.filter((disk) => !disk.isVirtual).reduce((sum, disk) => sum + disk.size, 0);
  return Math.round(bytes / 1000) / 1000;
}

function toJson(
  row: MachineRow,
  hardware: HardwareSummary,
  tags: string[],
  now: Date,
): Record<string, unknown> {
  const interfaces = hardware.interfaces.map((nic) => interfaceJson(row.systemId, nic, hardware.interfaces));
  const bootInterface = interfaces.find((nic) => nic.type === "physical") ?? interfaces[0] ?? null;
  return {
    system_id: row.systemId,
    hostname: row.hostname,
    fqdn: `${row.hostname}.${DOMAIN}`,
    domain: { id: 0, name: DOMAIN },
    node_type: 0,
    node_type_name: "Machine",
    status: row.status,
    status_name: statusName(row.status),
    status_message: row.statusMessage ?? statusName(row.status),
    architecture: row.architecture,
    osystem: row.osystem,
    distro_series: row.distroSeries,
    owner: row.ownerUsername,
    locked: false,
    power_type: row.powerType,
    power_state: "unknown",
    zone: { id: 1, name: "default" },
    pool: { id: 0, name: "default" },
    tag_names: tags,
    ...syncFields(row, now),
    cpu_count: row.cpuCount,
    cpu_speed: row.cpuSpeed,
    memory: row.memory,
    storage: storageMb(hardware.blockDevices),
    hardware_uuid: row.hardwareUuid,
    hardware_info: hardwareInfo(row),
    physicalblockdevice_set: hardware.blockDevices.map((disk) => blockDeviceJson(row.systemId, disk)),
    interface_set: interfaces,
    boot_interface: bootInterface,
    ip_addresses: [],
    pci_devices: hardware.pciDevices.map((device) => pciDeviceJson(row.systemId, device)),
    usb_devices: hardware.usbDevices.map((device) => usbDeviceJson(row.systemId, device)),
    resource_uri: `/MAAS/api/2.0/machines/${row.systemId}/`,
  };
}

/** One machine as REST JSON (read, deploy, release answers). */
export async function machineToJson(db: Db, row: MachineRow, now: Date): Promise<Record<string, unknown>> {
  const [hardware, tags] = await Promise.all([loadHardwareSummary(db, row.id), loadTagNames(db, [row.id])]);
  return toJson(row, hardware, tags.get(row.id) ?? [], now);
}

/** Many machines with a fixed number of queries, whatever their count (the list endpoint). */
export async function machinesToJson(
  db: Db,
  rows: MachineRow[],
  now: Date,
): Promise<Array<Record<string, unknown>>> {
  const ids = rows.map((row) => row.id);
  const [hardware, tags] = await Promise.all([loadHardwareSummaries(db, ids), loadTagNames(db, ids)]);
  const empty: HardwareSummary = { blockDevices: [], interfaces: [], pciDevices: [], usbDevices: [] };
  return rows.map((row) => toJson(row, hardware.get(row.id) ?? empty, tags.get(row.id) ?? [], now));
}

/**
 * Machines per hardware query when a list is streamed (~5 MB of JSON each): bounds memory
 * whatever the fleet's size.
 */
export const LIST_BATCH = 100;

/**
 * The list endpoint's body, exactly as `JSON.stringify(machinesToJson(…), null, 4)` would print
 * it, in pieces: a 10,000-machine fleet with full hardware is ~550 MB of JSON, past V8's largest
 * string, and 100,000 machines would be ~5.5 GB. Hardware is loaded LIST_BATCH machines at a time.
 */
export async function* machinesJsonText(db: Db, rows: MachineRow[], now: Date): AsyncGenerator<string> {
  if (rows.length === 0) {
    yield "[]";
    return;
  }
  for (let start = 0; start < rows.length; start += LIST_BATCH) {
    const batch = await machinesToJson(db, rows.slice(start, start + LIST_BATCH), now);
    // An element of a 4-space indented array is the element's own text indented by 4 more.
    const text = batch.map((machine) => JSON.stringify(machine, null, 4).replaceAll("\n", "\n    "));
    yield `${start === 0 ? "[\n    " : ",\n    "}${text.join(",\n    ")}`;
  }
  yield "\n]";
}

/**
 * A machine for the WebSocket API (docs/maas-compatibility.md#websocket): dates as
 * `Tue, 24 Nov. 2026 15:55:01` ("" when unknown) and the hw-sync keys only when hw sync is on. We
 * send them in machine.list too (MAAS 3.5+ does not) because the UI's fleet view needs them.
 */
export function wsMachineJson(row: MachineRow, now: Date): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: row.id,
    system_id: row.systemId,
    hostname: row.hostname,
    fqdn: `${row.hostname}.${DOMAIN}`,
    status: row.status,
    status_code: row.status,
    status_name: statusName(row.status),
    status_message: row.statusMessage ?? statusName(row.status),
    owner: row.ownerUsername ?? "",
    architecture: row.architecture,
    osystem: row.osystem,
    distro_series: row.distroSeries,
    power_type: row.powerType,
    cpu_count: row.cpuCount,
    cpu_speed: row.cpuSpeed,
    memory: row.memory,
    enable_hw_sync: row.enableHwSync,
  };
  if (row.enableHwSync) {
    json.last_sync = formatMaasEventTime(row.lastSync);
    json.sync_interval = row.syncInterval;
    json.next_sync = formatMaasEventTime(nextSync(row.lastSync, row.syncInterval));
    json.is_sync_healthy = isSyncHealthy(row.enableHwSync, row.lastSync, row.syncInterval, now);
  }
  return json;
}
