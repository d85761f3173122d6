import { FakeRoot } from "@hwsync/testkit/sysfs/fake-root";
import { buildDmi } from "@hwsync/testkit/sysfs/server-tree";
import { expect, test } from "vitest";
import { collectSystem, systemType } from "../../src/collectors/system.ts";
import { createSysfs } from "../../src/sysfs.ts";
import { contextFor } from "../fixtures/context.ts";

test("collectSystem reads system, firmware, chassis and board identity from DMI", async () => {
  const fake = new FakeRoot();
  try {
    buildDmi(fake);
    expect(await collectSystem(contextFor(fake))).toEqual({
      type: "physical",
      uuid: "4c4c4544-0042-3510-8051-b4c04f4e4c31",
      vendor: "Dell Inc.",
      product: "PowerEdge R640",
      family: "PowerEdge",
      sku: "SKU=NotProvided;ModelName=PowerEdge R640",
      serial: "BXQ5LN1",
      firmware: { vendor: "Dell Inc.", date: "04/20/2020", version: "2.8.1" },
      chassis: { vendor: "Dell Inc.", type: "Rack Mount Chassis", serial: "BXQ5LN1" },
      motherboard: {
        vendor: "Dell Inc.",
        product: "0H28RR",
        serial: ".BXQ5LN1.CNIVC0009B00K5.",
        version: "A05",
      },
    });
  } finally {
    fake.cleanup();
  }
});

test("collectSystem reports the device-tree model and serial of a board without DMI", async () => {
  const fake = new FakeRoot();
  try {
    fake.file("/proc/device-tree/model", Buffer.from("Raspberry Pi 4 Model B Rev 1.4\0"));
    fake.file("/proc/device-tree/serial-number", Buffer.from("10000000abcdef01\0"));
    fake.file("/proc/device-tree/compatible", Buffer.from("raspberrypi,4-model-b\0brcm,bcm2711\0"));
    expect(await collectSystem(contextFor(fake))).toEqual({
      type: "physical",
      vendor: "raspberrypi",
      product: "Raspberry Pi 4 Model B Rev 1.4",
      serial: "10000000abcdef01",
    });
  } finally {
    fake.cleanup();
  }
});

test.each([
  ["a container marker", (f: FakeRoot) => f.file("/.dockerenv", ""), "container"],
  ["systemd's container file", (f: FakeRoot) => f.file("/run/systemd/container", "lxc"), "container"],
  [
    "the CPU's hypervisor flag",
    (f: FakeRoot) => f.file("/proc/cpuinfo", "processor : 0\nflags : fpu hypervisor sse"),
    "virtual-machine",
  ],
  ["a QEMU DMI vendor", (f: FakeRoot) => f.file("/sys/class/dmi/id/sys_vendor", "QEMU"), "virtual-machine"],
  ["nothing special", (f: FakeRoot) => f.file("/proc/cpuinfo", "processor : 0\nflags : fpu sse"), "physical"],
])("systemType recognises %s", (_name, arrange, expected) => {
  const fake = new FakeRoot();
  try {
    arrange(fake);
    expect(systemType(createSysfs(fake.root))).toBe(expected);
  } finally {
    fake.cleanup();
  }
});
