import type { Disk, HardwarePayload, NetworkCard, NetworkPort, NetworkState } from "@hwsync/shared";
import type { BlockDeviceSpec, InterfaceSpec, PciDeviceSpec, UsbDeviceSpec } from "../../model/hardware.ts";

// Payload → device rows, with MAAS's skip rules (docs/maas-compatibility.md#applying-a-payload).
// Every list comes out sorted so the same hardware always yields the same rows.

type Resources = HardwarePayload["resources"];

// MAAS ignores disks of 4 MiB and less: firmware stubs, empty card readers, virtual media.
const MIN_DISK_BYTES = 4 * 1024 * 1024;
// OpenBMC's USB gadget NIC reports this fixed MAC on every host.
const OPENBMC_MAC = "02:00:00:00:00:02";
const PCI_IN_PATH = /^pci-([0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])/;

function compact(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === null || value === undefined || value === "") continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  return out;
}

function text(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function isSkippedDisk(disk: Disk): boolean {
  return (
    disk.read_only ||
    disk.type === "cdrom" ||
    disk.id.startsWith("bcache") ||
    disk.id.startsWith("loop") ||
    (disk.size ?? 0) <= MIN_DISK_BYTES
  );
}

/** The PCI function a disk hangs off: reported directly, or read from a `pci-…` by-path name. */
function diskPciAddress(disk: Disk): string | null {
  return disk.pci_address ?? PCI_IN_PATH.exec(disk.device_path ?? "")?.[1] ?? null;
}

export function normalizeBlockDevices(resources: Resources): BlockDeviceSpec[] {
  const disks = (resources.storage?.disks ?? []).filter((disk) => !isSkippedDisk(disk));
  disks.sort((a, b) => a.id.localeCompare(b.id));
  const serialCount = new Map<string, number>();
  for (const disk of disks) {
    const serial = text(disk.serial);
    if (serial) serialCount.set(serial, (serialCount.get(serial) ?? 0) + 1);
  }
  const used = new Set<string>();
  return disks.map((disk) => {
    const serial = text(disk.serial);
    const deviceId = text(disk.device_id);
    const devicePath = text(disk.device_path);
    const model = text(disk.model);
    const size = disk.size ?? 0;
    // A serial shared by two disks (cheap USB bridges, some RAID volumes) identifies neither.
    let identity =
      serial && serialCount.get(serial) === 1
        ? `serial:${serial}`
        : deviceId
          ? `path:/dev/disk/by-id/${deviceId}`
          : devicePath
            ? `path:/dev/disk/by-path/${devicePath}`
            : model
              ? `model:${model}:${size}`
              : `name:${disk.id}`;
    if (used.has(identity)) {
      let n = 2;
      while (used.has(`${identity}#${n}`)) n++;
      identity = `${identity}#${n}`;
    }
    used.add(identity);
    const rpm = disk.rpm;
    const tags = rpm > 0 ? ["rotary", `${rpm}rpm`] : ["ssd"];
    if (disk.removable) tags.push("removable");
    if (disk.type === "sata") tags.push("sata");
    return {
      name: disk.id,
      identity,
      serial,
      model,
      // MAAS's id_path: the by-id link when the disk has a serial to back it, else the kernel name.
      idPath: deviceId && serial ? `/dev/disk/by-id/${deviceId}` : `/dev/${disk.id}`,
      size,
      blockSize: disk.block_size ? disk.block_size : 512,
      type: text(disk.type),
      rpm,
      firmwareVersion: text(disk.firmware_version),
      numaNode: disk.numa_node ?? 0,
      tags: tags.sort(),
      isVirtual: false,
      details: compact({
        device_id: deviceId,
        device_path: devicePath,
        wwn: text(disk.wwn),
        removable: disk.removable || null,
        pci_address: diskPciAddress(disk),
        usb_address: text(disk.usb_address),
      }),
    };
  });
}

interface PortRef {
  card: NetworkCard;
  port: NetworkPort;
  /** For a VF: the physical function's card. */
  parent?: NetworkCard;
}

function indexPorts(cards: NetworkCard[]): { ports: Map<string, PortRef>; vfPorts: Map<string, PortRef> } {
  const ports = new Map<string, PortRef>();
  const vfPorts = new Map<string, PortRef>();
  for (const card of cards) {
    for (const port of card.ports ?? []) if (!ports.has(port.id)) ports.set(port.id, { card, port });
    for (const vf of card.sriov?.vfs ?? []) {
      for (const port of vf.ports ?? []) vfPorts.set(port.id, { card: vf, port, parent: card });
    }
  }
  return { ports, vfPorts };
}

/** Largest leading number of `supported_modes` (`10000baseKR/Full` → 10000), MAAS's interface speed. */
function interfaceSpeed(modes: string[] | null | undefined): number | null {
  let best: number | null = null;
  for (const mode of modes ?? []) {
    const match = /^(\d+)/.exec(mode);
    if (match) best = Math.max(best ?? 0, Number(match[1]));
  }
  return best;
}

/** Netdevs MAAS models: Ethernet-like, not OpenBMC's gadget, not IPoIB (20-byte MACs). */
function isModelled(net: NetworkState): boolean {
  const hwaddr = net.hwaddr.toLowerCase();
  return net.type === "broadcast" && hwaddr !== OPENBMC_MAC && hwaddr.length <= 17;
}

/** A netdev's parents as MAAS reads them: bridge members, bond members, a VLAN's lower device. */
function declaredParents(net: NetworkState): string[] {
  // `lower_devices` / `upper_devices` can be null (MAAS LP#2137017): no members.
  if (net.bridge) return net.bridge.upper_devices ?? [];
  if (net.bond) return net.bond.lower_devices ?? [];
  if (net.vlan) return [net.vlan.lower_device];
  return [];
}

/**
 * Which netdevs become interfaces: the modelled ones, less the bonds left with no member among
 * them (MAAS ignores a bond it cannot attach to anything; a bridge it keeps). Dropping a bond can
 * strand a bond over it, so this runs until nothing more goes.
 */
function keptNetdevs(networks: Record<string, NetworkState>): Set<string> {
  const kept = new Set(Object.keys(networks).filter((name) => isModelled(networks[name]!)));
  let dropped = true;
  while (dropped) {
    dropped = false;
    for (const name of kept) {
      const net = networks[name]!;
      if (net.bond && !net.bridge && !declaredParents(net).some((parent) => kept.has(parent))) {
        kept.delete(name);
        dropped = true;
      }
    }
  }
  return kept;
}

/**
 * Netdevs → interfaces in MAAS's vocabulary (docs/maas-compatibility.md#applying-a-payload). A
 * netdev with a port on a NIC card is physical hardware; one without a port of its own (an SR-IOV
 * VF, veth, ifb, tap) is stored as physical too, as MAAS does, but marked virtual so release drops
 * it; a VF also records its physical function's port in `sriovPf`.
 */
export function normalizeInterfaces(payload: HardwarePayload): InterfaceSpec[] {
  const networks = payload.networks ?? {};
  const { ports, vfPorts } = indexPorts(payload.resources.network?.cards ?? []);
  const kept = keptNetdevs(networks);
  const out: InterfaceSpec[] = [];
  for (const name of kept) {
    const net = networks[name]!;
    const addresses = (net.addresses ?? [])
      .filter((address) => address.scope === "global")
      .map((address) => `${address.address}/${address.netmask}`)
      .sort();
    const parents = [
      ...new Set(declaredParents(net).filter((parent) => parent !== name && kept.has(parent))),
    ];
    const base: InterfaceSpec = {
      name,
      macAddress: net.hwaddr.toLowerCase() || null,
      type: "physical",
      isVirtual: true,
      parents: parents.sort(),
      sriovPf: null,
      vendor: null,
      product: null,
      driver: null,
      pciAddress: null,
      linkSpeed: null,
      interfaceSpeed: null,
      linkConnected: net.state === "up",
      sriovMaxVf: 0,
      numaNode: null,
      tags: [],
      details: compact({ addresses }),
    };
    if (net.vlan) {
      out.push({ ...base, type: "vlan", details: compact({ addresses, vid: net.vlan.vid }) });
    } else if (net.bridge) {
      out.push({ ...base, type: "bridge" });
    } else if (net.bond) {
      out.push({ ...base, type: "bond" });
    } else {
      const ref = ports.get(name) ?? vfPorts.get(name);
      out.push(ref ? cardInterface(base, ref, addresses) : base);
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function cardInterface(base: InterfaceSpec, ref: PortRef, addresses: string[]): InterfaceSpec {
  const { card, port, parent } = ref;
  const sriovMaxVf = parent ? 0 : (card.sriov?.maximum_vfs ?? 0);
  return {
    ...base,
    // The port's permanent address: a bond member's netdev may show the bond's MAC instead.
    macAddress: port.address?.toLowerCase() || base.macAddress,
    isVirtual: Boolean(parent),
    sriovPf: parent ? (parent.ports?.[0]?.id ?? null) : null,
    vendor: text(card.vendor),
    product: text(card.product),
    driver: text(card.driver),
    pciAddress: card.pci_address ?? null,
    linkSpeed: port.link_speed ?? null,
    interfaceSpeed: interfaceSpeed(port.supported_modes),
    linkConnected: base.linkConnected && Boolean(port.link_detected),
    sriovMaxVf,
    numaNode: card.numa_node ?? null,
    // MAAS tags a NIC that can create virtual functions.
    tags: sriovMaxVf > 0 ? ["sriov"] : [],
    details: compact({
      addresses,
      vendor_id: card.vendor_id,
      product_id: card.product_id,
      firmware_version: text(card.firmware_version),
      usb_address: text(card.usb_address),
    }),
  };
}

/** The PCI device types that depend on another section, in MAAS's order of precedence. */
export const SECTION_PCI_TYPES = ["network", "storage", "gpu"] as const;
export type SectionPciType = (typeof SECTION_PCI_TYPES)[number];

/**
 * PCI functions typed by the NIC, disk and GPU sections (MAAS's precedence: network, storage,
 * gpu, else node). A type in `undecided` hangs on a section that was not reported: it is left out
 * here, and the sync keeps a stored device's type when it is one of them (and its is_virtual when
 * the network section is missing).
 */
export function normalizePciDevices(
  resources: Resources,
  undecided: ReadonlySet<SectionPciType> = new Set(),
): PciDeviceSpec[] {
  const network = new Set<string>();
  const virtualFunctions = new Set<string>();
  for (const card of resources.network?.cards ?? []) {
    if (card.pci_address) network.add(card.pci_address);
    for (const vf of card.sriov?.vfs ?? []) {
      if (vf.pci_address) {
        network.add(vf.pci_address);
        virtualFunctions.add(vf.pci_address);
      }
    }
  }
  const storage = new Set<string>();
  for (const disk of resources.storage?.disks ?? []) {
    const address = diskPciAddress(disk);
    if (address) storage.add(address);
  }
  const gpu = new Set((resources.gpu?.cards ?? []).map((card) => card.pci_address).filter(Boolean));
  const members: Record<SectionPciType, Set<unknown>> = { network, storage, gpu };
  const seen = new Set<string>();
  const out: PciDeviceSpec[] = [];
  for (const device of resources.pci?.devices ?? []) {
    const address = device.pci_address;
    if (seen.has(address)) continue;
    seen.add(address);
    const vpd = device.vpd?.entries ?? {};
    const hardwareType =
      SECTION_PCI_TYPES.find((type) => !undecided.has(type) && members[type].has(address)) ?? "node";
    out.push({
      pciAddress: address,
      vendorId: device.vendor_id,
      productId: device.product_id,
      vendor: text(device.vendor),
      product: text(device.product),
      driver: text(device.driver),
      numaNode: device.numa_node ?? null,
      iommuGroup: device.iommu_group ?? null,
      hardwareType,
      isVirtual: virtualFunctions.has(address),
      details: compact({ vpd: Object.keys(vpd).length > 0 ? sortedRecord(vpd) : null }),
    });
  }
  return out.sort((a, b) => a.pciAddress.localeCompare(b.pciAddress));
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key]!;
  return out;
}

export function normalizeUsbDevices(resources: Resources): UsbDeviceSpec[] {
  const seen = new Set<string>();
  const out: UsbDeviceSpec[] = [];
  for (const device of resources.usb?.devices ?? []) {
    const key = `${device.bus_address}:${device.device_address}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const interfaces = device.interfaces ?? [];
    const drivers = [...new Set(interfaces.map((i) => text(i.driver)).filter((d): d is string => !!d))];
    const classes = [...new Set(interfaces.map((i) => text(i.class)).filter((c): c is string => !!c))];
    out.push({
      busAddress: device.bus_address,
      deviceAddress: device.device_address,
      vendorId: device.vendor_id,
      productId: device.product_id,
      vendor: text(device.vendor),
      product: text(device.product),
      driver: drivers.length > 0 ? drivers.join(", ") : null,
      speed: device.speed ?? null,
      details: compact({ classes }),
    });
  }
  return out.sort((a, b) => a.busAddress - b.busAddress || a.deviceAddress - b.deviceAddress);
}
