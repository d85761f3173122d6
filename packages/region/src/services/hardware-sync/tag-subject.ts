import type { HardwareState, MachineHardware } from "../../model/hardware.ts";
import type { TagSubject } from "../tags.ts";
import { snakeCase } from "./diff.ts";

function record(row: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === "details") continue;
    out[snakeCase(key)] = value;
  }
  // Details keys (vid, members, vpd, classes…) are addressable too, never shadowing a column.
  for (const [key, value] of Object.entries((row as { details?: Record<string, unknown> }).details ?? {})) {
    if (!(key in out)) out[key] = value;
  }
  return out;
}

/** The machine and its devices as snake_case records, what tag definitions are evaluated on. */
export function tagSubject(machine: MachineHardware, state: HardwareState): TagSubject {
  const { systemInfo, ...columns } = machine;
  return {
    machine: { ...systemInfo, ...record(columns) },
    block_devices: state.blockDevices.map(record),
    interfaces: state.interfaces.map(record),
    pci_devices: state.pciDevices.map(record),
    usb_devices: state.usbDevices.map(record),
  };
}
