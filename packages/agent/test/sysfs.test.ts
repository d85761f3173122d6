import { FakeRoot } from "@hwsync/testkit/sysfs/fake-root";
import { afterAll, expect, test } from "vitest";
import { createSysfs, hexId, lastPciAddress, numaNodeOf, usbAddressOf } from "../src/sysfs.ts";

const fake = new FakeRoot();
fake.files("/sys/devices/pci0000:00/0000:00:1c.0", { numa_node: 1, vendor: "0x8086" });
fake.files("/sys/devices/pci0000:00/0000:00:1c.0/0000:02:00.0", { numa_node: -1 });
fake.link("/sys/bus/pci/devices/0000:02:00.0", "/sys/devices/pci0000:00/0000:00:1c.0/0000:02:00.0");
fake.link("/sys/escape", "/../../../etc");
const sys = createSysfs(fake.root);
afterAll(() => fake.cleanup());

test("readText trims and readInt understands decimal and 0x hex", () => {
  expect(sys.readText("/sys/devices/pci0000:00/0000:00:1c.0/vendor")).toBe("0x8086");
  expect(sys.readInt("/sys/devices/pci0000:00/0000:00:1c.0/vendor")).toBe(0x8086);
  expect(sys.readInt("/sys/devices/pci0000:00/0000:00:1c.0/numa_node")).toBe(1);
});

test("missing files read as null and missing directories list as empty", () => {
  expect(sys.readText("/sys/nope")).toBeNull();
  expect(sys.readInt("/sys/nope")).toBeNull();
  expect(sys.list("/sys/nope")).toEqual([]);
  expect(sys.exists("/sys/nope")).toBe(false);
});

test("realPath resolves relative sysfs links to paths inside the root", () => {
  expect(sys.realPath("/sys/bus/pci/devices/0000:02:00.0")).toBe(
    "/sys/devices/pci0000:00/0000:00:1c.0/0000:02:00.0",
  );
  expect(sys.linkName("/sys/bus/pci/devices/0000:02:00.0")).toBe("0000:02:00.0");
});

test("realPath refuses a link that leaves the fixture root", () => {
  expect(sys.realPath("/sys/escape")).toBeNull();
});

test("numaNodeOf inherits the nearest ancestor's node and maps -1 to 0", () => {
  expect(numaNodeOf(sys, "/sys/devices/pci0000:00/0000:00:1c.0/0000:02:00.0/nvme/nvme0")).toBe(0);
  expect(numaNodeOf(sys, "/sys/devices/pci0000:00/0000:00:1c.0/ata1/host0")).toBe(1);
  expect(numaNodeOf(sys, null)).toBe(0);
});

test.each([
  ["0x8086", "8086"],
  ["0x1", "0001"],
  ["10DE", "10de"],
  ["0x12345", null],
  ["zz", null],
  [null, null],
])("hexId(%s) is %s", (input, expected) => {
  expect(hexId(input)).toBe(expected);
});

test("lastPciAddress picks the function nearest the device", () => {
  expect(lastPciAddress("/sys/devices/pci0000:00/0000:00:1c.0/0000:02:00.0/nvme/nvme0")).toBe("0000:02:00.0");
  expect(lastPciAddress("/sys/devices/platform/soc/ethernet")).toBeNull();
});

test("usbAddressOf finds bus and device numbers of the enclosing USB device", () => {
  const usb = new FakeRoot();
  try {
    usb.files("/sys/devices/pci0000:00/0000:00:14.0/usb2/2-1", { busnum: 2, devnum: 5 });
    expect(
      usbAddressOf(createSysfs(usb.root), "/sys/devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6"),
    ).toBe("2:5");
  } finally {
    usb.cleanup();
  }
});
