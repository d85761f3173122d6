import { posix } from "node:path";
import { lastPciAddress, numaNodeOf, type Sysfs, usbAddressOf } from "../sysfs.ts";
import { type CollectContext, compact } from "./context.ts";

export interface Partition {
  id: string;
  device: string | null;
  partition: number;
  read_only: boolean;
  size: number;
}
export interface DiskEntry {
  id: string;
  device?: string;
  model?: string;
  type: string;
  read_only: boolean;
  size: number;
  removable: boolean;
  numa_node: number;
  device_path?: string;
  device_id?: string;
  block_size?: number;
  rpm: number;
  firmware_version?: string;
  serial?: string;
  wwn?: string;
  pci_address?: string;
  usb_address?: string;
  partitions: Partition[];
}
export interface StorageSection {
  disks: DiskEntry[];
  total: number;
}

// Preferred /dev/disk/by-id names: WWN-based ones survive firmware updates and controller
// changes, `ata-MODEL_SERIAL` style ones do not.
const BY_ID_PREFERENCE = ["wwn-", "nvme-eui.", "nvme-nvme.", "scsi-3", "nvme-", "ata-", "scsi-", "usb-"];

/**
 * Whole disks from /sys/block. Entries without a `device` link (loop, zram, dm-*, md*) are
 * virtual and skipped, as LXD does. Serial, WWN and rotation come from sysfs first, then from
 * the udev database when it exists (it does not in minimal containers).
 */
export async function collectDisks(ctx: CollectContext): Promise<StorageSection> {
  const { sys } = ctx;
  const byId = linksByDisk(sys, "/dev/disk/by-id");
  const byPath = linksByDisk(sys, "/dev/disk/by-path");
  const disks: DiskEntry[] = [];
  for (const name of sys.list("/sys/block")) {
    const dir = `/sys/block/${name}`;
    if (!sys.exists(`${dir}/device`)) continue;
    const device = sys.realPath(`${dir}/device`);
    const devNumber = sys.readText(`${dir}/dev`);
    const udev = readUdev(sys, devNumber);
    const rotational = sys.readText(`${dir}/queue/rotational`) === "1";
    const udevRpm = Number(udev.ID_ATA_ROTATION_RATE_RPM ?? 0);
    const disk: DiskEntry = {
      id: name,
      type: diskType(sys, dir, device, udev),
      read_only: sys.readText(`${dir}/ro`) === "1",
      size: (sys.readInt(`${dir}/size`) ?? 0) * 512,
      removable: sys.readText(`${dir}/removable`) === "1",
      numa_node: numaNodeOf(sys, device),
      // rpm 0 means solid state to MAAS; a spinning disk whose speed is unknown reports 1.
      rpm: udevRpm > 0 ? udevRpm : rotational ? 1 : 0,
      partitions: readPartitions(sys, name),
      ...compact({
        device: devNumber,
        model: sys.readText(`${dir}/device/model`) ?? udev.ID_MODEL?.replace(/_/g, " "),
        serial: readSerial(sys, dir) ?? udev.ID_SERIAL_SHORT,
        wwn: sys.readText(`${dir}/wwid`) ?? sys.readText(`${dir}/device/wwid`) ?? udev.ID_WWN,
        firmware_version:
          sys.readText(`${dir}/device/firmware_rev`) ?? sys.readText(`${dir}/device/rev`) ?? udev.ID_REVISION,
        block_size:
          sys.readInt(`${dir}/queue/physical_block_size`) ?? sys.readInt(`${dir}/queue/hw_sector_size`),
        device_id: pickById(byId.get(name) ?? []),
        device_path: (byPath.get(name) ?? [])[0],
        pci_address: lastPciAddress(device),
        usb_address: usbAddressOf(sys, device),
      }),
    };
    disks.push(disk);
  }
  return { disks, total: disks.reduce((sum, disk) => sum + 1 + disk.partitions.length, 0) };
}

function diskType(sys: Sysfs, dir: string, device: string | null, udev: Record<string, string>): string {
  if (udev.ID_CDROM === "1" || sys.readText(`${dir}/device/type`) === "5") return "cdrom";
  if (udev.ID_USB_DRIVER === "usb-storage" || device?.includes("/usb")) return "usb";
  if (udev.ID_ATA_SATA === "1" || /\/ata\d+\//.test(device ?? "")) return "sata";
  const subsystem = sys.linkName(`${dir}/device/subsystem`);
  // `nvme` (class), `scsi`, `virtio`, `mmc`, … — the bus the disk sits on, as LXD reports it.
  return subsystem ?? "unknown";
}

/**
 * Serial from the places the kernel exposes it: NVMe and some SCSI controllers (`device/serial`),
 * virtio (`serial`), and the SCSI unit-serial VPD page for SATA/SAS disks without udev.
 */
function readSerial(sys: Sysfs, dir: string): string | null {
  const direct = sys.readText(`${dir}/device/serial`) ?? sys.readText(`${dir}/serial`);
  if (direct) return direct;
  const page = sys.readBytes(`${dir}/device/vpd_pg80`, 512);
  if (page && page.length > 4 && page[1] === 0x80) {
    const length = (page[2]! << 8) | page[3]!;
    const serial = page
      .subarray(4, 4 + length)
      .toString("latin1")
      .replace(/[^\x20-\x7e]/g, "")
      .trim();
    return serial || null;
  }
  return null;
}

function readPartitions(sys: Sysfs, disk: string): Partition[] {
  const partitions: Partition[] = [];
  for (const name of sys.list(`/sys/block/${disk}`)) {
    if (!name.startsWith(disk)) continue;
    const dir = `/sys/block/${disk}/${name}`;
    const number = sys.readInt(`${dir}/partition`);
    if (number === null) continue;
    partitions.push({
      id: name,
      device: sys.readText(`${dir}/dev`),
      partition: number,
      read_only: sys.readText(`${dir}/ro`) === "1",
      size: (sys.readInt(`${dir}/size`) ?? 0) * 512,
    });
  }
  return partitions.sort((a, b) => a.partition - b.partition);
}

/** `E:KEY=value` lines of /run/udev/data/b<major>:<minor>. */
function readUdev(sys: Sysfs, devNumber: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!devNumber) return out;
  for (const line of (sys.readText(`/run/udev/data/b${devNumber}`) ?? "").split("\n")) {
    const match = /^E:([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match && match[2]!.trim() !== "") out[match[1]!] = match[2]!.trim();
  }
  return out;
}

/** Link name lists per disk from a /dev/disk/by-* directory, partitions left out. */
function linksByDisk(sys: Sysfs, dir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const link of sys.list(dir)) {
    const target = sys.readLink(`${dir}/${link}`);
    if (!target || /-part\d+$/.test(link)) continue;
    const disk = posix.basename(target);
    out.set(disk, [...(out.get(disk) ?? []), link]);
  }
  return out;
}

function pickById(links: string[]): string | undefined {
  for (const prefix of BY_ID_PREFERENCE) {
    const hit = links.find((link) => link.startsWith(prefix));
    if (hit) return hit;
  }
  return links[0];
}
