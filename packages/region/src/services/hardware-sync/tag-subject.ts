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
/** The devices a tag definition looks at: a sync's planned state, or a machine's stored rows. */
export type TagDevices = Pick<HardwareState, "blockDevices" | "interfaces" | "pciDevices" | "usbDevices">;

export function tagSubject(machine: MachineHardware, state: TagDevices): TagSubject {
  const { systemInfo, ...columns } = machine;
  return {
    machine: { ...systemInfo, ...record(columns) },
    block_devices: state.blockDevices.map(record),
    interfaces: state.interfaces.map(record),
    pci_devices: state.pciDevices.map(record),
    usb_devices: state.usbDevices.map(record),
  };
}
