import { posix } from "node:path";
import { hexId, lastPciAddress, moduleVersion, numaNodeOf, type Sysfs, usbAddressOf } from "../sysfs.ts";
import { type CollectContext, compact } from "./context.ts";

export interface NicPort {
  id: string;
  address?: string;
  port: number;
  protocol: string;
  link_detected: boolean;
  link_speed?: number;
}
export interface NicCard {
  driver?: string;
  driver_version?: string;
  ports?: NicPort[];
  numa_node: number;
  pci_address?: string;
  usb_address?: string;
  vendor?: string;
  vendor_id?: string;
  product?: string;
  product_id?: string;
  sriov?: { current_vfs: number; maximum_vfs: number; vfs: NicCard[] };
}
export interface NetworkSection {
  cards: NicCard[];
  total: number;
}

const BDF = /^[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/;
/** ARPHRD_INFINIBAND in /sys/class/net/<if>/type; everything else we see is Ethernet-like. */
const ARPHRD_INFINIBAND = 32;
const NETWORK_CLASS = 0x02;

/**
 * Network cards: physical functions (PCI class 0x02, or the device behind any netdev that has one),
 * each with its ports (netdevs) and, for SR-IOV capable cards, the virtual functions under
 * `sriov.vfs` instead of the top level — MAAS treats top-level card ports as permanent hardware.
 */
export async function collectNics(ctx: CollectContext): Promise<NetworkSection> {
  const { sys } = ctx;
  const portsByCard = new Map<string, string[]>();
  const driverByCard = new Map<string, string>();
  for (const name of sys.list("/sys/class/net")) {
    const device = sys.realPath(`/sys/class/net/${name}/device`);
    if (!device) continue;
    const card = cardPathOf(device);
    portsByCard.set(card, [...(portsByCard.get(card) ?? []), name]);
    const driver = sys.linkName(`/sys/class/net/${name}/device/driver`);
    if (driver && !driverByCard.has(card)) driverByCard.set(card, driver);
  }
  // A network-class function with no netdev (no driver bound) is still hardware MAAS should know.
  for (const address of sys.list("/sys/bus/pci/devices")) {
    const pciClass = sys.readInt(`/sys/bus/pci/devices/${address}/class`);
    if (pciClass === null || pciClass >> 16 !== NETWORK_CLASS) continue;
    const path = sys.realPath(`/sys/bus/pci/devices/${address}`);
    if (path && !portsByCard.has(path)) portsByCard.set(path, []);
  }

  const build = (path: string): NicCard => {
    const card = describeCard(ctx, path, portsByCard.get(path) ?? [], driverByCard.get(path) ?? null);
    const maximum = sys.readInt(`${path}/sriov_totalvfs`);
    if (maximum !== null) {
      const vfs = sys
        .list(path)
        .filter((entry) => /^virtfn\d+$/.test(entry))
        .sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)))
        .map((entry) => sys.realPath(`${path}/${entry}`))
        .filter((vf): vf is string => vf !== null)
        .map((vf) => describeCard(ctx, vf, portsByCard.get(vf) ?? [], driverByCard.get(vf) ?? null));
      card.sriov = { current_vfs: sys.readInt(`${path}/sriov_numvfs`) ?? 0, maximum_vfs: maximum, vfs };
    }
    return card;
  };

  const cards = [...portsByCard.keys()]
    .filter((path) => !sys.exists(`${path}/physfn`))
    .sort()
    .map(build);
  return { cards, total: cards.length };
}

/**
 * The device that is "the card" for a netdev's `device` link. virtio-net and Hyper-V netvsc
 * hang their netdev off a bus device (`…/0000:00:03.0/virtio2`) whose parent is the PCI function;
 * a USB NIC's netdev hangs off the USB interface, whose parent is the USB device.
 */
function cardPathOf(device: string): string {
  const base = posix.basename(device);
  const parent = posix.dirname(device);
  if (/^virtio\d+$/.test(base) && BDF.test(posix.basename(parent))) return parent;
  if (/^\d+-[\d.]+:\d+\.\d+$/.test(base)) return parent;
  return device;
}

function describeCard(
  ctx: CollectContext,
  path: string,
  netdevs: string[],
  netdevDriver: string | null,
): NicCard {
  const { sys, ids } = ctx;
  const isPci = BDF.test(posix.basename(path));
  const vendorId = hexId(sys.readText(`${path}/${isPci ? "vendor" : "idVendor"}`));
  const productId = hexId(sys.readText(`${path}/${isPci ? "device" : "idProduct"}`));
  const driver = netdevDriver ?? sys.linkName(`${path}/driver`);
  const vendor = vendorId ? (isPci ? ids.pciVendor(vendorId) : ids.usbVendor(vendorId)) : null;
  const product =
    vendorId && productId
      ? isPci
        ? ids.pciDevice(vendorId, productId)
        : ids.usbProduct(vendorId, productId)
      : null;
  const ports = netdevs
    .map((name) => describePort(sys, name))
    .sort((a, b) => a.port - b.port || (a.id < b.id ? -1 : 1));
  return {
    ...compact({
      driver,
      driver_version: moduleVersion(sys, driver),
      pci_address: isPci ? posix.basename(path) : isUsbPath(path) ? null : lastPciAddress(path),
      usb_address: usbAddressOf(sys, path),
      vendor,
      vendor_id: vendorId,
      product,
      product_id: productId,
    }),
    numa_node: numaNodeOf(sys, path),
    ports,
  };
}

function isUsbPath(path: string): boolean {
  return /\/usb\d+(\/|$)/.test(path);
}

function describePort(sys: Sysfs, name: string): NicPort {
  const dir = `/sys/class/net/${name}`;
  // A bond member shows the bond's MAC in `address`; its own burnt-in MAC is kept here.
  const mac = sys.readText(`${dir}/bonding_slave/perm_hwaddr`) ?? sys.readText(`${dir}/address`);
  const devPort = sys.readInt(`${dir}/dev_port`);
  const devId = sys.readInt(`${dir}/dev_id`);
  const speed = sys.readInt(`${dir}/speed`);
  return {
    id: name,
    ...compact({ address: mac?.toLowerCase() }),
    port: devPort || devId || 0,
    protocol: sys.readInt(`${dir}/type`) === ARPHRD_INFINIBAND ? "infiniband" : "ethernet",
    // Reading carrier of a down link fails with EINVAL: that is "no link".
    link_detected: sys.readText(`${dir}/carrier`) === "1",
    ...compact({ link_speed: speed !== null && speed > 0 ? speed : null }),
  };
}
