import { formatBytes } from "../format.ts";

type Row = Record<string, unknown>;

// The region's hardware rows are MAAS-shaped but loose; these orders put the columns a person
// looks for first and let any other scalar field fill up to MAX_COLUMNS.
export const PREFERRED_COLUMNS: Record<string, string[]> = {
  block_devices: ["name", "model", "serial", "size", "type", "id_path", "firmware_version", "rpm"],
  interfaces: [
    "name",
    "mac_address",
    "vendor",
    "product",
    "driver",
    "link_speed",
    "interface_speed",
    "numa_node",
  ],
  pci_devices: [
    "pci_address",
    "vendor_name",
    "product_name",
    "vendor_id",
    "product_id",
    "driver",
    "commissioning_driver",
  ],
  usb_devices: [
    "bus_address",
    "device_address",
    "vendor_name",
    "product_name",
    "vendor_id",
    "product_id",
    "driver",
  ],
};
const HIDDEN = new Set([
  "id",
  "node_id",
  "machine_id",
  "node_config_id",
  "created",
  "updated",
  "resource_uri",
]);
const MAX_COLUMNS = 7;

/** The columns to show for a set of rows: preferred keys that occur, then other scalar keys. */
export function pickColumns(rows: Row[], preferred: string[] = []): string[] {
  const present = new Set<string>();
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) {
      if (!HIDDEN.has(key) && isScalar(value)) present.add(key);
    }
  }
  const columns = preferred.filter((key) => present.has(key));
  for (const key of present) {
    if (columns.length >= MAX_COLUMNS) break;
    if (!columns.includes(key)) columns.push(key);
  }
  return columns.slice(0, MAX_COLUMNS);
}

/** "mac_address" → "MAC address", "pci_address" → "PCI address". */
export function columnTitle(key: string): string {
  const words = key.split("_").map((word) => (ACRONYMS.has(word) ? word.toUpperCase() : word));
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
const ACRONYMS = new Set(["mac", "pci", "usb", "id", "numa", "cpu", "rpm", "uuid", "sriov"]);

/** A cell's text: sizes in binary units, booleans as yes/no, empty as an em dash. */
export function formatCell(key: string, value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number" && /(^|_)(size|memory|total|bytes)$/.test(key)) return formatBytes(value);
  if (typeof value === "number" && /^(link|interface)_speed$/.test(key)) return `${value} Mbit/s`;
  if (Array.isArray(value)) return value.map((item) => formatCell("", item)).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * Scalar fields of a summary section, with nested objects flattened one level
 * (system.firmware.vendor → "firmware_vendor"), skipping empty values.
 */
export function summaryEntries(section: Record<string, unknown> | null | undefined): [string, unknown][] {
  const entries: [string, unknown][] = [];
  for (const [name, value] of Object.entries(section ?? {})) {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value)) {
        if (innerValue !== null && innerValue !== "" && typeof innerValue !== "object") {
          entries.push([`${name}_${inner}`, innerValue]);
        }
      }
    } else if (!Array.isArray(value)) {
      entries.push([name, value]);
    }
  }
  return entries;
}

/**
 * A CPU/memory/system summary value. The region reports memory in MiB and CPU speed in MHz (as
 * MAAS's machine fields do), and 0 where nothing was reported yet.
 */
export function formatSummaryCell(section: string, key: string, value: unknown): string {
  if (typeof value === "number" && value === 0 && (section === "cpu" || section === "memory")) return "—";
  if (typeof value === "number" && section === "memory" && key === "total")
    return formatBytes(value * 1024 * 1024);
  if (typeof value === "number" && section === "cpu" && key === "speed") return `${value} MHz`;
  return formatCell(key, value);
}

function isScalar(value: unknown): boolean {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}
