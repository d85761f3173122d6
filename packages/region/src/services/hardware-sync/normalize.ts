import type { HardwarePayload } from "@hwsync/shared";
import type { HardwareState } from "../../model/hardware.ts";
import {
  normalizeBlockDevices,
  normalizeInterfaces,
  normalizePciDevices,
  normalizeUsbDevices,
} from "./normalize-devices.ts";
import { normalizeMachine } from "./normalize-machine.ts";

/** The hardware a validated payload describes, in the region's row shapes. Pure. */
export function normalizePayload(payload: HardwarePayload): HardwareState {
  return {
    machine: normalizeMachine(payload),
    blockDevices: normalizeBlockDevices(payload.resources),
    interfaces: normalizeInterfaces(payload),
    pciDevices: normalizePciDevices(payload.resources),
    usbDevices: normalizeUsbDevices(payload.resources),
  };
}
