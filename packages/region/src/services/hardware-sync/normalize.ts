import type { HardwarePayload } from "@hwsync/shared";
import type { HardwareState } from "../../model/hardware.ts";
import {
  normalizeBlockDevices,
  normalizeInterfaces,
  normalizePciDevices,
  normalizeUsbDevices,
} from "./normalize-devices.ts";
import { normalizeMachine } from "./normalize-machine.ts";
import { reportedSections } from "./reported.ts";

/**
 * The hardware a validated payload describes, in the region's row shapes, and what it leaves
 * unreported (`gaps`): a class named there has nothing to say here. Pure.
 */
export function normalizePayload(payload: HardwarePayload): HardwareState {
  const { gaps, undecidedPciTypes } = reportedSections(payload);
  return {
    machine: normalizeMachine(payload),
    blockDevices: normalizeBlockDevices(payload.resources),
    interfaces: normalizeInterfaces(payload),
    pciDevices: normalizePciDevices(payload.resources, undecidedPciTypes),
    usbDevices: normalizeUsbDevices(payload.resources),
    gaps,
    undecidedPciTypes: [...undecidedPciTypes],
  };
}
