import { existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { FakeRoot } from "@hwsync/testkit/sysfs/fake-root";
import { PCI_IDS, USB_IDS } from "@hwsync/testkit/sysfs/server-tree";
import { expect, test } from "vitest";
import { openIds } from "../src/ids.ts";
import { createSysfs } from "../src/sysfs.ts";

function idsWith(files: Record<string, string | Buffer>) {
  const fake = new FakeRoot();
  for (const [path, content] of Object.entries(files)) fake.file(path, content);
  return { ids: openIds(createSysfs(fake.root)), fake };
}

test("looks up vendors and devices, device ids only inside their own vendor's block", () => {
  const { ids, fake } = idsWith({ "/usr/share/misc/pci.ids": PCI_IDS });
  try {
    expect(ids.pciVendor("8086")).toBe("Intel Corporation");
    expect(ids.pciDevice("8086", "1521")).toBe("I350 Gigabit Network Connection");
    expect(ids.pciDevice("10DE", "128B")).toBe("GK208B [GeForce GT 710]");
    // a809 exists, but under Samsung: Intel's block must not leak into the next vendor's.
    expect(ids.pciDevice("8086", "a809")).toBeNull();
    // Subsystem lines (two tabs) are not device lines.
    expect(ids.pciDevice("8086", "8086")).toBeNull();
    expect(ids.pciVendor("ffff")).toBeNull();
  } finally {
    fake.cleanup();
  }
});

test("resolves USB vendors, products and interface class names", () => {
  const { ids, fake } = idsWith({ "/usr/share/hwdata/usb.ids": USB_IDS });
  try {
    expect(ids.usbVendor("046d")).toBe("Logitech, Inc.");
    expect(ids.usbProduct("046d", "c31c")).toBe("Keyboard K120");
    expect(ids.usbClass("03")).toBe("Human Interface Device");
    expect(ids.usbSubclass("03", "01")).toBe("Boot Interface Subclass");
    expect(ids.usbSubclass("08", "01")).toBeNull();
  } finally {
    fake.cleanup();
  }
});

test("reads a gzipped database", () => {
  const { ids, fake } = idsWith({ "/usr/share/misc/pci.ids.gz": gzipSync(PCI_IDS) });
  try {
    expect(ids.pciDevice("15b3", "1007")).toBe("MT27520 Family [ConnectX-3 Pro]");
  } finally {
    fake.cleanup();
  }
});

test("answers null, without failing, when no database is installed", () => {
  const { ids, fake } = idsWith({});
  try {
    expect(ids.pciVendor("8086")).toBeNull();
    expect(ids.usbProduct("046d", "c31c")).toBeNull();
  } finally {
    fake.cleanup();
  }
});

test.runIf(existsSync("/usr/share/misc/pci.ids"))("finds names in this machine's full pci.ids", () => {
  const ids = openIds(createSysfs("/"));
  expect(ids.pciVendor("8086")).toBe("Intel Corporation");
  expect(ids.pciDevice("1af4", "1041")).toBe("Virtio 1.0 network device");
});
