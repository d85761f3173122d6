import type {
  HardwareClass,
  HardwareState,
  PciDeviceSpec,
  Stored,
  StoredHardware,
} from "../../model/hardware.ts";
import { SECTION_PCI_TYPES } from "./normalize-devices.ts";

// A payload that leaves a class unreported says nothing about it: the sync must see, for that
// class, exactly what is stored. This turns a report into the state the record should have.

/** A stored row as a spec again: without its id (and the machine_id the read carries). */
function plain<T>(rows: ReadonlyArray<Stored<T>>): T[] {
  return rows.map((row) => {
    const { id: _id, machineId: _machine, ...spec } = row as Stored<T> & { machineId?: number };
    return spec as T;
  });
}

/**
 * The report's PCI functions, with the stored type (and is_virtual) kept where the section that
 * decides it is missing: a NIC's function stays "network" while the NIC section is unreported.
 */
function decidePciTypes(
  reported: PciDeviceSpec[],
  stored: ReadonlyArray<Stored<PciDeviceSpec>>,
  undecided: readonly string[],
): PciDeviceSpec[] {
  if (undecided.length === 0) return reported;
  const key = (row: PciDeviceSpec) => `${row.vendorId}:${row.productId}@${row.pciAddress}`;
  const byKey = new Map(stored.map((row) => [key(row), row]));
  const rank = (type: string) => {
    const index = (SECTION_PCI_TYPES as readonly string[]).indexOf(type);
    return index < 0 ? SECTION_PCI_TYPES.length : index;
  };
  return reported.map((row) => {
    const known = byKey.get(key(row));
    if (!known) return row;
    // The stored type wins only when its own section is missing and it outranks what is known.
    const keepType =
      undecided.includes(known.hardwareType) && rank(known.hardwareType) < rank(row.hardwareType);
    const keepVirtual = undecided.includes("network");
    return {
      ...row,
      hardwareType: keepType ? known.hardwareType : row.hardwareType,
      isVirtual: keepVirtual ? known.isVirtual : row.isVirtual,
    };
  });
}

/** The classes a report leaves alone. */
export function unreportedClasses(state: HardwareState): Set<HardwareClass> {
  return new Set(state.gaps.map((gap) => gap.hardwareClass));
}

/** The report with every unreported class (and scalar) replaced by what is stored. */
export function keepUnreported(stored: StoredHardware, report: HardwareState): HardwareState {
  const missing = unreportedClasses(report);
  const machine = { ...report.machine };
  if (missing.has("cpu")) {
    machine.cpuCount = stored.machine.cpuCount;
    machine.cpuModel = stored.machine.cpuModel;
    machine.cpuSpeed = stored.machine.cpuSpeed;
  }
  if (missing.has("memory")) machine.memory = stored.machine.memory;
  if (missing.has("system")) {
    machine.hardwareUuid = stored.machine.hardwareUuid;
    machine.systemInfo = stored.machine.systemInfo;
  }
  return {
    ...report,
    machine,
    blockDevices: missing.has("block_device") ? plain(stored.blockDevices) : report.blockDevices,
    interfaces: missing.has("interface") ? plain(stored.interfaces) : report.interfaces,
    pciDevices: missing.has("pci_device")
      ? plain(stored.pciDevices)
      : decidePciTypes(report.pciDevices, stored.pciDevices, report.undecidedPciTypes),
    usbDevices: missing.has("usb_device") ? plain(stored.usbDevices) : report.usbDevices,
  };
}
