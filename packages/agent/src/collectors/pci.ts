import { hexId, moduleVersion, numaNodeOf } from "../sysfs.ts";
import { type CollectContext, compact } from "./context.ts";

export interface PciDeviceEntry {
  pci_address: string;
  vendor_id: string;
  product_id: string;
  vendor?: string;
  product?: string;
  driver?: string;
  driver_version?: string;
  numa_node: number;
  iommu_group?: number;
  vpd: { product_name?: string; entries: Record<string, string> };
}
export type GpuCard = Pick<
  PciDeviceEntry,
  "pci_address" | "vendor_id" | "product_id" | "vendor" | "product" | "driver" | "numa_node"
>;
export interface PciSection {
  pci: { devices: PciDeviceEntry[]; total: number };
  gpu: { cards: GpuCard[]; total: number };
}

const PCI_DIR = "/sys/bus/pci/devices";
/** PCI class 0x03xxxx: display controllers. MAAS marks these devices as GPUs. */
const DISPLAY_CLASS = 0x03;
/** VPD is read from the device itself; cap what we read so a broken card cannot stall us. */
const VPD_LIMIT = 32 * 1024;

/** Every PCI function, virtual functions included (lspci lists them too). */
export async function collectPci(ctx: CollectContext): Promise<PciSection> {
  const { sys, ids } = ctx;
  const devices: PciDeviceEntry[] = [];
  const cards: GpuCard[] = [];
  for (const address of sys.list(PCI_DIR)) {
    const dir = `${PCI_DIR}/${address}`;
    const vendorId = hexId(sys.readText(`${dir}/vendor`));
    const productId = hexId(sys.readText(`${dir}/device`));
    if (!vendorId || !productId) {
      ctx.log.debug(`pci: ${address} has no readable vendor/device id, skipped`);
      continue;
    }
    const driver = sys.linkName(`${dir}/driver`);
    const iommu = sys.linkName(`${dir}/iommu_group`);
    const numa = numaNodeOf(sys, sys.realPath(dir));
    const names = compact({
      vendor: ids.pciVendor(vendorId),
      product: ids.pciDevice(vendorId, productId),
      driver,
    });
    devices.push({
      pci_address: address.toLowerCase(),
      vendor_id: vendorId,
      product_id: productId,
      ...names,
      ...compact({
        driver_version: moduleVersion(sys, driver),
        iommu_group: iommu !== null && /^\d+$/.test(iommu) ? Number(iommu) : null,
      }),
      numa_node: numa,
      vpd: parseVpd(sys.readBytes(`${dir}/vpd`, VPD_LIMIT)),
    });
    const pciClass = sys.readInt(`${dir}/class`);
    if (pciClass !== null && pciClass >> 16 === DISPLAY_CLASS) {
      cards.push({
        pci_address: address,
        vendor_id: vendorId,
        product_id: productId,
        ...names,
        numa_node: numa,
      });
    }
  }
  return {
    pci: { devices, total: devices.length },
    gpu: { cards, total: cards.length },
  };
}

/**
 * PCI Vital Product Data (PCI Local Bus spec, VPD chapter): an identifier-string resource (0x82)
 * holding the product name, then read-only (0x90) and read-write (0x91) resources made of
 * `KK len data` keywords (PN part number, SN serial, …), ended by the small end tag 0x78.
 * MAAS links DPUs to their host by the `SN` entry.
 */
export function parseVpd(data: Buffer | null): PciDeviceEntry["vpd"] {
  const vpd: PciDeviceEntry["vpd"] = { entries: {} };
  if (!data) return vpd;
  let at = 0;
  while (at < data.length) {
    const tag = data[at]!;
    if ((tag & 0x80) === 0) {
      // Small resource: the end tag, or anything else we do not need.
      if ((tag & 0x78) === 0x78) break;
      at += 1 + (tag & 0x07);
      continue;
    }
    if (at + 3 > data.length) break;
    const length = data[at + 1]! | (data[at + 2]! << 8);
    const body = data.subarray(at + 3, Math.min(data.length, at + 3 + length));
    if (tag === 0x82) {
      const name = printable(body);
      if (name) vpd.product_name = name;
    } else if (tag === 0x90 || tag === 0x91) {
      for (let i = 0; i + 3 <= body.length; ) {
        const key = body.subarray(i, i + 2).toString("latin1");
        const size = body[i + 2]!;
        const value = printable(body.subarray(i + 3, i + 3 + size));
        // RV is the checksum and RW free space: not product data.
        if (/^[A-Z0-9]{2}$/.test(key) && key !== "RV" && key !== "RW" && value) vpd.entries[key] = value;
        i += 3 + size;
      }
    }
    at += 3 + length;
  }
  return vpd;
}

function printable(bytes: Buffer): string {
  return bytes
    .toString("latin1")
    .replace(/[^\x20-\x7e]/g, "")
    .trim();
}
