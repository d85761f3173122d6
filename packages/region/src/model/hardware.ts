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

export type InterfaceType = "physical" | "vf" | "vlan" | "bond" | "bridge" | "other";

export interface InterfaceSpec {
  name: string;
  macAddress: string | null;
  type: InterfaceType;
  /** MAAS's "acquired": dropped on release (VFs, veth/tap, bonds, bridges, VLANs). */
  isVirtual: boolean;
  parentName: string | null;
  vendor: string | null;
  product: string | null;
  driver: string | null;
  pciAddress: string | null;
  linkSpeed: number | null;
  interfaceSpeed: number | null;
  linkConnected: boolean;
  sriovMaxVf: number;
  numaNode: number | null;
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

export interface HardwareState {
  machine: MachineHardware;
  blockDevices: BlockDeviceSpec[];
  interfaces: InterfaceSpec[];
  pciDevices: PciDeviceSpec[];
  usbDevices: UsbDeviceSpec[];
}

/** A stored row: the spec plus its primary key. */
export type Stored<T> = T & { id: number };
