import { cell, detail, formatBytes, section } from "./format.ts";
import type { RenderKit } from "./kit.ts";

type Row = Record<string, unknown>;

/** Our region's `op=hardware` answer (architecture.md); every part optional so older regions render. */
export interface HardwareJson {
  cpu?: Row | null;
  memory?: Row | null;
  system?: Row | null;
  block_devices?: Row[] | null;
  interfaces?: Row[] | null;
  pci_devices?: Row[] | null;
  usb_devices?: Row[] | null;
  recent_events?: Row[] | null;
  [key: string]: unknown;
}

/** A column: its header and the fields that may hold it, first present wins. */
type Column = [header: string, keys: string[], format?: (value: unknown, row: Row) => string];

const ids = (vendorKey: string, productKey: string) => (_value: unknown, row: Row) =>
  row[vendorKey] || row[productKey] ? `${cell(row[vendorKey])}:${cell(row[productKey])}` : "-";

const DISKS: Column[] = [
  ["NAME", ["name", "id"]],
  ["MODEL", ["model"]],
  ["SERIAL", ["serial"]],
  // PostgreSQL bigints may arrive as strings.
  ["SIZE", ["size"], (value) => formatBytes(value === undefined ? undefined : Number(value))],
  ["TYPE", ["type"]],
  ["PATH", ["id_path", "device_path"]],
];
const NICS: Column[] = [
  ["NAME", ["name", "id"]],
  ["TYPE", ["type"]],
  ["MAC", ["mac_address", "address"]],
  ["VENDOR", ["vendor"]],
  ["PRODUCT", ["product"]],
  ["DRIVER", ["driver"]],
  ["PCI", ["pci_address"]],
  ["SPEED", ["link_speed", "interface_speed"], (value) => (value ? `${value} Mb/s` : "-")],
];
const PCI: Column[] = [
  ["ADDRESS", ["pci_address"]],
  ["IDS", ["vendor_id"], ids("vendor_id", "product_id")],
  ["VENDOR", ["vendor", "vendor_name"]],
  ["PRODUCT", ["product", "product_name"]],
  ["DRIVER", ["driver", "commissioning_driver"]],
];
const EVENTS: Column[] = [
  ["CREATED", ["created"]],
  ["TYPE", ["type"]],
  ["DESCRIPTION", ["description"]],
];
const USB: Column[] = [
  [
    "BUS",
    ["bus_address", "bus_number"],
    (value, row) => `${cell(value)}:${cell(row.device_address ?? row.device_number)}`,
  ],
  ["IDS", ["vendor_id"], ids("vendor_id", "product_id")],
  ["VENDOR", ["vendor", "vendor_name"]],
  ["PRODUCT", ["product", "product_name"]],
  ["DRIVER", ["driver", "commissioning_driver"]],
];

function pick(row: Row, keys: string[]): unknown {
  for (const key of keys) if (row[key] !== undefined && row[key] !== null && row[key] !== "") return row[key];
  return undefined;
}

/** A table of the columns some row has a value for. */
function columnsTable(rows: Row[] | null | undefined, columns: Column[], kit: RenderKit): string {
  if (!rows || rows.length === 0) return "";
  const present = columns.filter(([, keys]) => rows.some((row) => pick(row, keys) !== undefined));
  return kit.table(
    present.map(([header]) => header),
    rows.map((row) =>
      present.map(([, keys, format]) => {
        const value = pick(row, keys);
        return format ? format(value, row) : cell(value);
      }),
    ),
  );
}

function scalars(
  row: Row | null | undefined,
  kit: RenderKit,
  format: (value: unknown) => string = cell,
): string {
  if (!row) return "";
  const entries = Object.entries(row).filter(([, value]) => value === null || typeof value !== "object");
  return detail(
    entries.map(([key, value]) => [key, format(value)]),
    kit,
  );
}

// MAAS counts memory in MiB (machine `memory`, and our region's hardware view).
function formatMemory(value: unknown): string {
  return typeof value === "number" ? `${value} MiB (${(value / 1024).toFixed(1)} GiB)` : cell(value);
}

/** `machine hardware`: a summary, then disks, NICs, PCI and USB as tables. */
export function renderHardware(hardware: HardwareJson, kit: RenderKit): string {
  const summary = [
    ...Object.entries(hardware.system ?? {}).filter(
      ([, value]) => typeof value !== "object" || value === null,
    ),
  ];
  return [
    section("System", scalars(Object.fromEntries(summary), kit), kit),
    section("CPU", scalars(hardware.cpu, kit), kit),
    section("Memory", scalars(hardware.memory, kit, formatMemory), kit),
    section("Disks", columnsTable(hardware.block_devices, DISKS, kit), kit),
    section("Network interfaces", columnsTable(hardware.interfaces, NICS, kit), kit),
    section("PCI devices", columnsTable(hardware.pci_devices, PCI, kit), kit),
    section("USB devices", columnsTable(hardware.usb_devices, USB, kit), kit),
    ...(hardware.recent_events
      ? [section("Recent hardware-sync events", columnsTable(hardware.recent_events, EVENTS, kit), kit)]
      : []),
  ].join("\n\n");
}
