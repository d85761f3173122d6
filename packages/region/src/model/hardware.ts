// The hardware a machine has, as the region stores it: one spec per device row (the columns of
// 001-core's device tables, camelCase) plus the machine-level values. services/hardware-sync's
// normalize.ts builds it from a payload and diff.ts compares it with the stored rows; db/ reads
// and writes it. It sits below both so that db/ never imports a service.

export interface BlockDeviceSpec {
  name: string;
  /** Primary identity at write time: `serial:<s>`, `path:<by-id or by-path>`, `model:<model>:<size>` or `name:<id>`. */
  identity: string;
  serial: string | null;
  model: string | null;
  idPath: string | null;
  size: number;
  blockSize: number;
  type: string | null;
  rpm: number | null;
  firmwareVersion: string | null;
  numaNode: number | null;
  tags: string[];
  isVirtual: boolean;
  details: Record<string, unknown>;
}

/** MAAS's interface types (docs/maas-compatibility.md#applying-a-payload); nothing else is stored. */
export const INTERFACE_TYPES = ["physical", "bond", "bridge", "vlan", "alias", "unknown"] as const;
export type InterfaceType = (typeof INTERFACE_TYPES)[number];

export interface InterfaceSpec {
  name: string;
  macAddress: string | null;
  type: InterfaceType;
  /**
   * MAAS's "acquired": dropped on release. True for bonds, bridges, VLANs and for netdevs with no
   * NIC port of their own (SR-IOV VFs, veth, ifb, tap), which MAAS stores as physical.
   */
  isVirtual: boolean;
  /** MAAS's parents: a bond's or bridge's members, a VLAN's lower device (only modelled ones). */
  parents: string[];
  /** Our own detail: for an SR-IOV virtual function, the port name of its physical function. */
  sriovPf: string | null;
  vendor: string | null;
  product: string | null;
  driver: string | null;
  pciAddress: string | null;
  linkSpeed: number | null;
  interfaceSpeed: number | null;
  linkConnected: boolean;
  sriovMaxVf: number;
  numaNode: number | null;
  /** MAAS's interface tags: `sriov` on a NIC that can create virtual functions. */
  tags: string[];
  details: Record<string, unknown>;
}

export interface PciDeviceSpec {
  pciAddress: string;
  vendorId: string;
  productId: string;
  vendor: string | null;
  product: string | null;
  driver: string | null;
  numaNode: number | null;
  iommuGroup: number | null;
  hardwareType: string;
  isVirtual: boolean;
  details: Record<string, unknown>;
}

export interface UsbDeviceSpec {
  busAddress: number;
  deviceAddress: number;
  vendorId: string;
  productId: string;
  vendor: string | null;
  product: string | null;
  driver: string | null;
  speed: number | null;
  details: Record<string, unknown>;
}

/** Machine columns a payload sets (the `machines` row). */
export interface MachineHardware {
  architecture: string;
  osystem: string | null;
  distroSeries: string | null;
  cpuCount: number;
  cpuModel: string | null;
  cpuSpeed: number;
  /** MiB, as MAAS stores it. */
  memory: number;
  hardwareUuid: string | null;
  systemInfo: Record<string, string>;
}

/** The classes of hardware a payload reports (or does not), by the change kind that names them. */
export const HARDWARE_CLASSES = [
  "block_device",
  "interface",
  "pci_device",
  "usb_device",
  "cpu",
  "memory",
  "system",
] as const;
export type HardwareClass = (typeof HARDWARE_CLASSES)[number];

/** Why a class is not reported: one payload section null, absent, or its collector failed. */
export interface SectionGap {
  hardwareClass: HardwareClass;
  section: string;
  reason: "null" | "absent" | "collector_error";
  collector?: string;
  code?: string;
  message?: string;
}

export interface HardwareState {
  machine: MachineHardware;
  blockDevices: BlockDeviceSpec[];
  interfaces: InterfaceSpec[];
  pciDevices: PciDeviceSpec[];
  usbDevices: UsbDeviceSpec[];
  /**
   * What the payload did not report. A class named here keeps its stored rows and values: its
   * list above is empty (or, for PCI, typed without the missing sections) and means nothing.
   */
  gaps: SectionGap[];
  /**
   * PCI device types that hang on a section that was not reported (network, storage, gpu): for a
   * device already stored as one of these, the stored type and is_virtual stand.
   */
  undecidedPciTypes: string[];
}

/** A stored row: the spec plus its primary key. */
export type Stored<T> = T & { id: number };

/** A machine's stored hardware, as a sync reads it before planning. */
export interface StoredHardware {
  machine: MachineHardware;
  blockDevices: Array<Stored<BlockDeviceSpec>>;
  interfaces: Array<Stored<InterfaceSpec>>;
  pciDevices: Array<Stored<PciDeviceSpec>>;
  usbDevices: Array<Stored<UsbDeviceSpec>>;
}
