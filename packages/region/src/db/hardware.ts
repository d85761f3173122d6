import type {
  BlockDeviceSpec,
  InterfaceSpec,
  PciDeviceSpec,
  Stored,
  UsbDeviceSpec,
} from "../model/hardware.ts";
import type { Db } from "./db.ts";
import { type ManagedTagState, managedTagStateSql, type TagState, tagStatesSql } from "./tags.ts";

// The four device tables of 001-core. Rows travel as one jsonb parameter per statement
// (jsonb_to_recordset), so a sync writes each table with at most one INSERT, one UPDATE and one
// DELETE whatever the number of devices, and reads them all back in a single round trip.

export type BlockDeviceRow = Stored<BlockDeviceSpec> & { machineId: number };
export type InterfaceRow = Stored<InterfaceSpec> & { machineId: number };
export type PciDeviceRow = Stored<PciDeviceSpec> & { machineId: number };
export type UsbDeviceRow = Stored<UsbDeviceSpec> & { machineId: number };

export interface HardwareSummary {
  blockDevices: BlockDeviceRow[];
  interfaces: InterfaceRow[];
  pciDevices: PciDeviceRow[];
  usbDevices: UsbDeviceRow[];
}

type Column = readonly [field: string, column: string, sqlType: string];

export interface DeviceTable<T> {
  table: string;
  columns: readonly Column[];
  order: string;
  /** Compile-time link between the table and its spec type. */
  readonly spec?: T;
}

export const BLOCK_DEVICES: DeviceTable<BlockDeviceSpec> = {
  table: "block_devices",
  order: "name, id",
  columns: [
    ["name", "name", "text"],
    ["identity", "identity", "text"],
    ["serial", "serial", "text"],
    ["model", "model", "text"],
    ["idPath", "id_path", "text"],
    ["size", "size", "bigint"],
    ["blockSize", "block_size", "int"],
    ["type", "type", "text"],
    ["rpm", "rpm", "int"],
    ["firmwareVersion", "firmware_version", "text"],
    ["numaNode", "numa_node", "int"],
    ["tags", "tags", "text[]"],
    ["isVirtual", "is_virtual", "boolean"],
    ["details", "details", "jsonb"],
  ],
};

export const INTERFACES: DeviceTable<InterfaceSpec> = {
  table: "interfaces",
  order: "name, id",
  columns: [
    ["name", "name", "text"],
    ["macAddress", "mac_address", "text"],
    ["type", "type", "text"],
    ["isVirtual", "is_virtual", "boolean"],
    ["parents", "parents", "text[]"],
    ["sriovPf", "sriov_pf", "text"],
    ["vendor", "vendor", "text"],
    ["product", "product", "text"],
    ["driver", "driver", "text"],
    ["pciAddress", "pci_address", "text"],
    ["linkSpeed", "link_speed", "int"],
    ["interfaceSpeed", "interface_speed", "int"],
    ["linkConnected", "link_connected", "boolean"],
    ["sriovMaxVf", "sriov_max_vf", "int"],
    ["numaNode", "numa_node", "int"],
    ["tags", "tags", "text[]"],
    ["details", "details", "jsonb"],
  ],
};

export const PCI_DEVICES: DeviceTable<PciDeviceSpec> = {
  table: "pci_devices",
  order: "pci_address, id",
  columns: [
    ["pciAddress", "pci_address", "text"],
    ["vendorId", "vendor_id", "text"],
    ["productId", "product_id", "text"],
    ["vendor", "vendor", "text"],
    ["product", "product", "text"],
    ["driver", "driver", "text"],
    ["numaNode", "numa_node", "int"],
    ["iommuGroup", "iommu_group", "int"],
    ["hardwareType", "hardware_type", "text"],
    ["isVirtual", "is_virtual", "boolean"],
    ["details", "details", "jsonb"],
  ],
};

export const USB_DEVICES: DeviceTable<UsbDeviceSpec> = {
  table: "usb_devices",
  order: "bus_address, device_address, id",
  columns: [
    ["busAddress", "bus_address", "int"],
    ["deviceAddress", "device_address", "int"],
    ["vendorId", "vendor_id", "text"],
    ["productId", "product_id", "text"],
    ["vendor", "vendor", "text"],
    ["product", "product", "text"],
    ["driver", "driver", "text"],
    ["speed", "speed", "real"],
    ["details", "details", "jsonb"],
  ],
};

/** A row as json_agg returns it (snake_case) → the camelCase row. */
function fromJson<T>(
  table: DeviceTable<T>,
  json: Record<string, unknown>,
): Stored<T> & { machineId: number } {
  const row: Record<string, unknown> = { id: Number(json.id), machineId: Number(json.machine_id) };
  for (const [field, column] of table.columns) row[field] = json[column] ?? null;
  // jsonb_to_recordset and json_agg agree on types except these defaults.
  row.details ??= {};
  if ("tags" in row) row.tags ??= [];
  if ("parents" in row) row.parents ??= [];
  return row as Stored<T> & { machineId: number };
}

function toJson<T>(table: DeviceTable<T>, row: T, id?: number): Record<string, unknown> {
  const json: Record<string, unknown> = id === undefined ? {} : { id };
  for (const [field, column] of table.columns) json[column] = (row as Record<string, unknown>)[field] ?? null;
  return json;
}

function recordsetType(table: DeviceTable<unknown>, withId: boolean): string {
  const columns = table.columns.map(([, column, type]) => `${column} ${type}`);
  return `x(${withId ? "id int, " : ""}${columns.join(", ")})`;
}

function aggregate(table: DeviceTable<unknown>, alias: string): string {
  return `(SELECT coalesce(json_agg(t ORDER BY ${table.order}), '[]'::json) FROM ${table.table} t WHERE t.machine_id = $1) AS ${alias}`;
}

/** Every device of one machine in one round trip (the sync path's read). */
export async function loadHardware(db: Db, machineId: number): Promise<HardwareSummary> {
  const { rows } = await db.query<Record<string, Array<Record<string, unknown>>>>(
    `SELECT ${aggregate(BLOCK_DEVICES, "b")}, ${aggregate(INTERFACES, "i")},
            ${aggregate(PCI_DEVICES, "p")}, ${aggregate(USB_DEVICES, "u")}`,
    [machineId],
  );
  const row = rows[0]!;
  return {
    blockDevices: row.b!.map((json) => fromJson(BLOCK_DEVICES, json)),
    interfaces: row.i!.map((json) => fromJson(INTERFACES, json)),
    pciDevices: row.p!.map((json) => fromJson(PCI_DEVICES, json)),
    usbDevices: row.u!.map((json) => fromJson(USB_DEVICES, json)),
  };
}

/** The hardware of one machine, for the REST machine object (core's machineToJson). */
export function loadHardwareSummary(db: Db, machineId: number): Promise<HardwareSummary> {
  return loadHardware(db, machineId);
}

/**
 * The hardware of many machines with four queries in total (no N+1 for machine lists).
 * Machines without devices map to empty lists.
 */
export async function loadHardwareSummaries(
  db: Db,
  machineIds: number[],
): Promise<Map<number, HardwareSummary>> {
  const out = new Map<number, HardwareSummary>();
  for (const id of machineIds)
    out.set(id, { blockDevices: [], interfaces: [], pciDevices: [], usbDevices: [] });
  if (machineIds.length === 0) return out;
  const ids = [...new Set(machineIds)];
  const load = async <T>(table: DeviceTable<T>, key: keyof HardwareSummary) => {
    const { rows } = await db.query<{ j: Record<string, unknown> }>(
      `SELECT row_to_json(t) AS j FROM ${table.table} t WHERE t.machine_id = ANY($1::int[]) ORDER BY t.machine_id, ${table.order}`,
      [ids],
    );
    for (const { j } of rows) {
      const row = fromJson(table, j);
      (out.get(row.machineId)![key] as unknown[]).push(row);
    }
  };
  await Promise.all([
    load(BLOCK_DEVICES, "blockDevices"),
    load(INTERFACES, "interfaces"),
    load(PCI_DEVICES, "pciDevices"),
    load(USB_DEVICES, "usbDevices"),
  ]);
  return out;
}

/** One table's share of a sync's writes. */
export interface TableWrite<T> {
  table: DeviceTable<T>;
  deletes: number[];
  /** Rows whose unique column (identity / name) changes: moved aside before the updates. */
  park: { column: string; ids: number[] } | null;
  updates: Array<{ id: number; row: T }>;
  inserts: T[];
}

type Param = (value: unknown) => string;

/** Runs several data-modifying statements as one (CTEs), or nothing when there is none. */
async function runTogether(db: Db, params: unknown[], statements: string[]): Promise<void> {
  if (statements.length === 0) return;
  const sql =
    statements.length === 1
      ? statements[0]!
      : `WITH ${statements.map((statement, i) => `w${i} AS (${statement})`).join(",\n")} SELECT 1`;
  // The texts come from a fixed set of pieces (which tables, which phase): worth preparing.
  await db.query(sql, params, { prepare: true });
}

/**
 * Writes a sync's device changes in at most four statements, in the order that keeps the unique
 * constraints satisfied between statements: deletes (a new device may take a removed one's
 * address), parking of rows whose key changes (eth0 ⇄ eth1 swaps), updates, inserts.
 */
export async function writeDevices(
  db: Db,
  machineId: number,
  writes: Array<TableWrite<unknown>>,
): Promise<void> {
  const phase = async (build: (write: TableWrite<unknown>, param: Param) => string | null) => {
    const params: unknown[] = [machineId];
    const param: Param = (value) => `$${params.push(value)}`;
    const statements = writes
      .map((write) => build(write, param))
      .filter((sql): sql is string => sql !== null);
    await runTogether(db, params, statements);
  };
  await phase(({ table, deletes }, param) =>
    deletes.length > 0
      ? `DELETE FROM ${table.table} WHERE machine_id = $1 AND id = ANY(${param(deletes)}::int[])`
      : null,
  );
  await phase(({ table, park }, param) =>
    park && park.ids.length > 0
      ? `UPDATE ${table.table} SET ${park.column} = '~moving~' || id WHERE machine_id = $1 AND id = ANY(${param(park.ids)}::int[])`
      : null,
  );
  await phase(({ table, updates }, param) => {
    if (updates.length === 0) return null;
    const sets = table.columns.map(([, column]) => `${column} = x.${column}`).join(", ");
    const rows = JSON.stringify(updates.map(({ id, row }) => toJson(table, row, id)));
    return `UPDATE ${table.table} AS t SET ${sets}
              FROM jsonb_to_recordset(${param(rows)}::jsonb) AS ${recordsetType(table, true)}
             WHERE t.id = x.id AND t.machine_id = $1`;
  });
  await phase(({ table, inserts }, param) => {
    if (inserts.length === 0) return null;
    const columns = table.columns.map(([, column]) => column).join(", ");
    const rows = JSON.stringify(inserts.map((row) => toJson(table, row)));
    return `INSERT INTO ${table.table} (machine_id, ${columns})
            SELECT $1, ${columns} FROM jsonb_to_recordset(${param(rows)}::jsonb) AS ${recordsetType(table, false)}`;
  });
}

/**
 * The sync path's read, one round trip: every device of the machine, the tags that have a
 * definition and whether the machine carries them, and the same for the tag the sync manages by
 * name (`managedTag`, MAAS's `virtual`; null when it does not exist yet).
 */
export async function loadForSync(
  db: Db,
  machineId: number,
  managedTag: string,
): Promise<HardwareSummary & { tags: TagState[]; managedTag: ManagedTagState | null }> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${aggregate(BLOCK_DEVICES, "b")}, ${aggregate(INTERFACES, "i")},
            ${aggregate(PCI_DEVICES, "p")}, ${aggregate(USB_DEVICES, "u")},
            ${tagStatesSql("$1")} AS tags, ${managedTagStateSql("$1", "$2")} AS managed`,
    [machineId, managedTag],
    { prepare: true },
  );
  const row = rows[0] as Record<string, Array<Record<string, unknown>>> & { managed: ManagedTagState | null };
  return {
    blockDevices: row.b!.map((json) => fromJson(BLOCK_DEVICES, json)),
    interfaces: row.i!.map((json) => fromJson(INTERFACES, json)),
    pciDevices: row.p!.map((json) => fromJson(PCI_DEVICES, json)),
    usbDevices: row.u!.map((json) => fromJson(USB_DEVICES, json)),
    tags: row.tags as unknown as TagState[],
    managedTag: row.managed ?? null,
  };
}

export interface DroppedDevice {
  kind: "interface" | "pci_device";
  name: string;
  mac: string | null;
  type: string;
  /** For an SR-IOV virtual function: its physical function's port. */
  sriovPf: string | null;
}

/** Deletes the machine's virtual interfaces and PCI devices; returns what went, by kind and name. */
export async function deleteVirtualDevices(tx: Db, machineId: number): Promise<DroppedDevice[]> {
  const { rows } = await tx.query<DroppedDevice>(
    `WITH i AS (DELETE FROM interfaces WHERE machine_id = $1 AND is_virtual RETURNING name, mac_address, type, sriov_pf),
          p AS (DELETE FROM pci_devices WHERE machine_id = $1 AND is_virtual RETURNING pci_address, hardware_type)
     SELECT 'interface' AS kind, name, mac_address AS mac, type, sriov_pf AS "sriovPf" FROM i
     UNION ALL SELECT 'pci_device', pci_address, NULL, hardware_type, NULL FROM p
     ORDER BY 1, 2`,
    [machineId],
  );
  return rows;
}
