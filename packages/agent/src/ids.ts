import type { Sysfs } from "./sysfs.ts";

// Debian ships pci.ids in pciutils/hwdata and usb.ids in usbutils; other distributions use
// hwdata's directory or gzip the file. Absent everywhere → names stay null, ids still go out.
const PCI_IDS_PATHS = [
  "/usr/share/misc/pci.ids",
  "/usr/share/hwdata/pci.ids",
  "/usr/share/pci.ids",
  "/var/lib/pciutils/pci.ids",
  "/usr/share/misc/pci.ids.gz",
  "/usr/share/hwdata/pci.ids.gz",
];
const USB_IDS_PATHS = [
  "/var/lib/usbutils/usb.ids",
  "/usr/share/misc/usb.ids",
  "/usr/share/hwdata/usb.ids",
  "/usr/share/usb.ids",
  "/usr/share/misc/usb.ids.gz",
  "/usr/share/hwdata/usb.ids.gz",
];

/** Name lookups in the pci.ids / usb.ids databases; every method returns null when unknown. */
export interface IdsDatabase {
  pciVendor(vendorId: string): string | null;
  pciDevice(vendorId: string, deviceId: string): string | null;
  usbVendor(vendorId: string): string | null;
  usbProduct(vendorId: string, productId: string): string | null;
  /** USB class and subclass names, from the `C` section of usb.ids (`03` → `Human Interface Device`). */
  usbClass(classId: string): string | null;
  usbSubclass(classId: string, subclassId: string): string | null;
}

/**
 * Opens the databases lazily: nothing is read until the first lookup, and a lookup never parses
 * the whole file (≈190 ms for both). It finds the vendor line with `indexOf`, then the device
 * line inside that vendor's block only.
 */
export function openIds(sys: Sysfs): IdsDatabase {
  const pci = new IdsFile(sys, PCI_IDS_PATHS);
  const usb = new IdsFile(sys, USB_IDS_PATHS);
  return {
    pciVendor: (vendor) => pci.top(vendor.toLowerCase()),
    pciDevice: (vendor, device) => pci.child(vendor.toLowerCase(), device.toLowerCase()),
    usbVendor: (vendor) => usb.top(vendor.toLowerCase()),
    usbProduct: (vendor, product) => usb.child(vendor.toLowerCase(), product.toLowerCase()),
    usbClass: (classId) => usb.top(classId.toLowerCase(), "C "),
    usbSubclass: (classId, subclassId) => usb.child(classId.toLowerCase(), subclassId.toLowerCase(), "C "),
  };
}

// The files are searched as bytes (Buffer#indexOf is a native memmem) and only a matching line is
// decoded: turning 2 MB of ids into JS strings costs more in allocation and GC than the search.
class IdsFile {
  private data: Buffer | null | undefined;
  private readonly cache = new Map<string, string | null>();
  /** Where each parent's block of child lines starts and ends (found once per parent). */
  private readonly blocks = new Map<string, readonly [number, number] | null>();
  private readonly sys: Sysfs;
  private readonly paths: string[];

  constructor(sys: Sysfs, paths: string[]) {
    this.sys = sys;
    this.paths = paths;
  }

  private load(): Buffer | null {
    if (this.data !== undefined) return this.data;
    this.data = null;
    for (const path of this.paths) {
      const bytes = this.sys.readBytes(path);
      if (!bytes) continue;
      try {
        // A leading newline lets the first entry match the "\n<id>  " needle like all others.
        this.data = Buffer.concat([NEWLINE, path.endsWith(".gz") ? gunzip(bytes) : bytes]);
        break;
      } catch {
        // A corrupt copy is as good as none: try the next location.
      }
    }
    return this.data;
  }

  /** Offset just after the `<prefix><id>  ` of a top-level line, or -1. */
  private findTop(id: string, prefix: string): number {
    const data = this.load();
    if (!data) return -1;
    const needle = `\n${prefix}${id}  `;
    const at = data.indexOf(needle, 0, "latin1");
    return at < 0 ? -1 : at + needle.length;
  }

  /**
   * Finding a block's end walks its lines; Intel's block in pci.ids has ~15,000. Walking it once
   * per device instead of once per vendor cost ~8 ms of a 90 ms `collect` on a VM with 6 devices.
   */
  private block(parentId: string, prefix: string): readonly [number, number] | null {
    const key = `${prefix}${parentId}`;
    let block = this.blocks.get(key);
    if (block === undefined) {
      const start = this.findTop(parentId, prefix);
      block = start < 0 ? null : [start, blockEnd(this.data!, start)];
      this.blocks.set(key, block);
    }
    return block;
  }

  top(id: string, prefix = ""): string | null {
    const key = `${prefix}${id}`;
    if (this.cache.has(key)) return this.cache.get(key)!;
    const at = this.findTop(id, prefix);
    const name = at < 0 ? null : lineFrom(this.data!, at);
    this.cache.set(key, name);
    return name;
  }

  child(parentId: string, id: string, prefix = ""): string | null {
    const key = `${prefix}${parentId}/${id}`;
    if (this.cache.has(key)) return this.cache.get(key)!;
    let name: string | null = null;
    const block = this.block(parentId, prefix);
    if (block) {
      const data = this.data!;
      const needle = `\n\t${id}  `;
      const at = data.subarray(0, block[1]).indexOf(needle, block[0], "latin1");
      if (at >= 0) name = lineFrom(data, at + needle.length);
    }
    this.cache.set(key, name);
    return name;
  }
}

const NEWLINE = Buffer.from("\n");

/** zlib is loaded only for a gzipped database: every built-in module loaded costs start-up time. */
function gunzip(bytes: Buffer): Buffer {
  return process.getBuiltinModule("node:zlib").gunzipSync(bytes);
}
const TAB = 0x09;
const HASH = 0x23;
const LF = 0x0a;

/** A parent's block ends at the next line that starts with neither a tab nor a comment. */
function blockEnd(data: Buffer, from: number): number {
  for (let at = data.indexOf(LF, from); at >= 0; at = data.indexOf(LF, at + 1)) {
    const next = data[at + 1];
    if (next !== TAB && next !== HASH && next !== LF) return at;
  }
  return data.length;
}

function lineFrom(data: Buffer, at: number): string {
  const end = data.indexOf(LF, at);
  return data.toString("utf8", at, end < 0 ? data.length : end).trim();
}
