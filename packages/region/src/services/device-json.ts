import type { BlockDeviceRow, InterfaceRow, PciDeviceRow, UsbDeviceRow } from "../db/hardware.ts";

// A machine's devices in MAAS's REST shapes (docs/maas-compatibility.md#machine-object): the
// interface and block-device objects of `nodes/{system_id}/interfaces/` and `…/blockdevices/`,
// also nested in the machine object. Fields we do not model are null or empty, never invented:
// no VLANs, links or IP addresses (this region runs no networks), no partitions or filesystems.

export function interfaceUri(systemId: string, id: number): string {
  return `/MAAS/api/2.0/nodes/${systemId}/interfaces/${id}/`;
}

export function blockDeviceUri(systemId: string, id: number): string {
  return `/MAAS/api/2.0/nodes/${systemId}/blockdevices/${id}/`;
}

function text(details: Record<string, unknown>, key: string): string | null {
  const value = details[key];
  return typeof value === "string" && value !== "" ? value : null;
}

export function blockDeviceJson(systemId: string, disk: BlockDeviceRow): Record<string, unknown> {
  return {
    system_id: systemId,
    id: disk.id,
    name: disk.name,
    // A filesystem UUID; we store no filesystems.
    uuid: null,
    type: "physical",
    path: `/dev/disk/by-dname/${disk.name}`,
    model: disk.model ?? "",
    serial: disk.serial ?? "",
    id_path: disk.idPath,
    size: disk.size,
    block_size: disk.blockSize,
    available_size: disk.size,
    used_size: 0,
    // MAAS's words for a disk with no partition table and no filesystem.
    used_for: "Unused",
    tags: disk.tags,
    filesystem: null,
    partition_table_type: null,
    partitions: [],
    firmware_version: disk.firmwareVersion,
    storage_pool: null,
    numa_node: disk.numaNode,
    // Ours: the bus the disk hangs on, and whether release drops it.
    bus: disk.type,
    rpm: disk.rpm,
    is_virtual: disk.isVirtual,
    resource_uri: blockDeviceUri(systemId, disk.id),
  };
}

export function interfaceJson(
  systemId: string,
  nic: InterfaceRow,
  all: InterfaceRow[],
): Record<string, unknown> {
  return {
    system_id: systemId,
    id: nic.id,
    name: nic.name,
    type: nic.type,
    vlan: null,
    mac_address: nic.macAddress,
    parents: nic.parents,
    children: all.filter((other) => other.parents.includes(nic.name)).map((other) => other.name),
    tags: nic.tags,
    enabled: true,
    links: [],
    params: {},
    discovered: null,
    effective_mtu: 1500,
    vendor: nic.vendor,
    product: nic.product,
    firmware_version: text(nic.details, "firmware_version"),
    link_connected: nic.linkConnected,
    interface_speed: nic.interfaceSpeed ?? 0,
    link_speed: nic.linkSpeed ?? 0,
    numa_node: nic.numaNode,
    sriov_max_vf: nic.sriovMaxVf,
    // Ours: the kernel driver, PCI address and whether release drops it.
    driver: nic.driver,
    pci_address: nic.pciAddress,
    is_virtual: nic.isVirtual,
    resource_uri: interfaceUri(systemId, nic.id),
  };
}

export function pciDeviceJson(systemId: string, device: PciDeviceRow): Record<string, unknown> {
  return {
    id: device.id,
    bus: 1,
    hardware_type: device.hardwareType,
    pci_address: device.pciAddress,
    vendor_id: device.vendorId,
    product_id: device.productId,
    vendor_name: device.vendor,
    product_name: device.product,
    commissioning_driver: device.driver,
    numa_node: device.numaNode,
    iommu_group: device.iommuGroup,
    is_virtual: device.isVirtual,
    system_id: systemId,
  };
}

export function usbDeviceJson(systemId: string, device: UsbDeviceRow): Record<string, unknown> {
  return {
    id: device.id,
    bus: 2,
    bus_number: device.busAddress,
    device_number: device.deviceAddress,
    vendor_id: device.vendorId,
    product_id: device.productId,
    vendor_name: device.vendor,
    product_name: device.product,
    commissioning_driver: device.driver,
    speed: device.speed,
    system_id: systemId,
  };
}
