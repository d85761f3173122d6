import {
  formatMaasEventTime,
  formatMaasTimestamp,
  isSyncHealthy,
  NODE_STATUS_NAMES,
  NodeStatus,
  nextSync,
} from "@hwsync/shared";
import type { Db } from "../db/db.ts";
import { DEFAULT_DOMAIN_ID, listDomains } from "../db/domains.ts";
import {
  type BlockDeviceRow,
  type HardwareSummary,
  loadHardwareSummaries,
  loadHardwareSummary,
} from "../db/hardware.ts";
import type { MachineRow } from "../db/machines.ts";
import { loadTagNames } from "../db/tags.ts";
import { blockDeviceJson, interfaceJson, pciDeviceJson, usbDeviceJson } from "./device-json.ts";

// The REST machine object in MAAS's field names (docs/maas-compatibility.md#machine-object). This
// module is the one place machine rows become wire JSON for the REST API.

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

/** The zone, pool and domain a machine names, as MAAS nests them. */
export function zoneJson(zone: { id: number; name: string; description: string }): Record<string, unknown> {
  return {
    name: zone.name,
    description: zone.description,
    id: zone.id,
    resource_uri: `/MAAS/api/2.0/zones/${zone.name}/`,
  };
}

export function poolJson(pool: { id: number; name: string; description: string }): Record<string, unknown> {
  return {
    name: pool.name,
    description: pool.description,
    id: pool.id,
    resource_uri: `/MAAS/api/2.0/resourcepool/${pool.id}/`,
  };
}

export function domainJson(domain: {
  id: number;
  name: string;
  authoritative: boolean;
  ttl: number | null;
  machineCount: number;
}): Record<string, unknown> {
  return {
    authoritative: domain.authoritative,
    ttl: domain.ttl,
    resource_record_count: domain.machineCount,
    name: domain.name,
    id: domain.id,
    is_default: domain.id === DEFAULT_DOMAIN_ID,
    resource_uri: `/MAAS/api/2.0/domains/${domain.id}/`,
  };
}

// MAAS's value for a script-result status it has no results for.
const NO_RESULTS = { status: -1, name: "Unknown" } as const;
const NO_GATEWAY = { gateway_ip: null, link_id: null };

/** Every field of MAAS 3.6's machine read, in its order, with the values this region has. */
function toJson(
  row: MachineRow,
  hardware: HardwareSummary,
  tags: string[],
  domainRecords: number,
  now: Date,
): Record<string, unknown> {
  const interfaces = hardware.interfaces.map((nic) => interfaceJson(row.systemId, nic, hardware.interfaces));
  const disks = hardware.blockDevices.map((disk) => blockDeviceJson(row.systemId, disk));
  const bootInterface = interfaces.find((nic) => nic.type === "physical") ?? interfaces[0] ?? null;
  const results = (prefix: string) => ({
    [`${prefix}_status`]: NO_RESULTS.status,
    [`${prefix}_status_name`]: NO_RESULTS.name,
  });
  return {
    system_id: row.systemId,
    hostname: row.hostname,
    description: row.description,
    hardware_uuid: row.hardwareUuid,
    domain: domainJson({
      id: row.domainId,
      name: row.domainName,
      authoritative: true,
      ttl: null,
      machineCount: domainRecords,
    }),
    fqdn: `${row.hostname}.${row.domainName}`,
    owner: row.ownerUsername,
    owner_data: {},
    locked: false,
    cache_sets: [],
    bcaches: [],
    bios_boot_method: null,
    boot_interface: bootInterface,
    architecture: row.architecture,
    min_hwe_kernel: "",
    hwe_kernel: null,
    cpu_count: row.cpuCount,
    cpu_speed: row.cpuSpeed,
    memory: row.memory,
    swap_size: null,
    storage: storageMb(hardware.blockDevices),
    status: row.status,
    osystem: row.osystem,
    distro_series: row.distroSeries,
    ephemeral_deploy: false,
    error_description: "",
    // MAAS stops network-booting a machine once it is deployed.
    netboot: row.status !== NodeStatus.DEPLOYED,
    power_type: row.powerType,
    power_state: "unknown",
    tag_names: tags,
    address_ttl: null,
    ip_addresses: [],
    interface_set: interfaces,
    zone: zoneJson({ id: row.zoneId, name: row.zoneName, description: row.zoneDescription }),
    pool: poolJson({ id: row.poolId, name: row.poolName, description: row.poolDescription }),
    disable_ipv4: false,
    boot_disk: disks[0] ?? null,
    blockdevice_set: disks,
    physicalblockdevice_set: disks,
    virtualblockdevice_set: [],
    volume_groups: [],
    raids: [],
    status_action: "",
    status_message: row.statusMessage ?? statusName(row.status),
    status_name: statusName(row.status),
    node_type: 0,
    node_type_name: "Machine",
    special_filesystems: [],
    parent: null,
    pod: null,
    default_gateways: { ipv4: NO_GATEWAY, ipv6: NO_GATEWAY },
    current_commissioning_result_id: null,
    current_testing_result_id: null,
    current_installation_result_id: null,
    ...results("commissioning"),
    ...results("testing"),
    ...results("cpu_test"),
    ...results("memory_test"),
    ...results("network_test"),
    ...results("storage_test"),
    ...results("other_test"),
    hardware_info: hardwareInfo(row),
    ...results("interface_test"),
    numanode_set: [],
    virtualmachine_id: null,
    workload_annotations: {},
    ...syncFields(row, now),
    enable_kernel_crash_dump: false,
    is_dpu: false,
    // Ours: the PCI and USB devices hardware sync stored.
    pci_devices: hardware.pciDevices.map((device) => pciDeviceJson(row.systemId, device)),
    usb_devices: hardware.usbDevices.map((device) => usbDeviceJson(row.systemId, device)),
    resource_uri: `/MAAS/api/2.0/machines/${row.systemId}/`,
  };
}

async function domainMachineCounts(db: Db): Promise<Map<number, number>> {
  return new Map((await listDomains(db)).map((domain) => [domain.id, domain.machineCount]));
}

/** One machine as REST JSON (read, deploy, release answers). */
export async function machineToJson(db: Db, row: MachineRow, now: Date): Promise<Record<string, unknown>> {
  const [hardware, tags, domains] = await Promise.all([
    loadHardwareSummary(db, row.id),
    loadTagNames(db, [row.id]),
    domainMachineCounts(db),
  ]);
  return toJson(row, hardware, tags.get(row.id) ?? [], domains.get(row.domainId) ?? 0, now);
}

/** Many machines with a fixed number of queries, whatever their count (the list endpoint). */
export async function machinesToJson(
  db: Db,
  rows: MachineRow[],
  now: Date,
): Promise<Array<Record<string, unknown>>> {
  const ids = rows.map((row) => row.id);
  const [hardware, tags, domains] = await Promise.all([
    loadHardwareSummaries(db, ids),
    loadTagNames(db, ids),
    domainMachineCounts(db),
  ]);
  const empty: HardwareSummary = { blockDevices: [], interfaces: [], pciDevices: [], usbDevices: [] };
  return rows.map((row) =>
    toJson(row, hardware.get(row.id) ?? empty, tags.get(row.id) ?? [], domains.get(row.domainId) ?? 0, now),
  );
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
    fqdn: `${row.hostname}.${row.domainName}`,
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
