import { FakeRoot } from "@hwsync/testkit/sysfs/fake-root";
import { buildServerTree } from "@hwsync/testkit/sysfs/server-tree";
import { afterAll, expect, test } from "vitest";
import { collectUsb } from "../../src/collectors/usb.ts";
import { contextFor } from "../fixtures/context.ts";

const fake = buildServerTree();
afterAll(() => fake.cleanup());

test("collectUsb lists the root hub and devices with their interfaces, names from usb.ids", async () => {
  const usb = await collectUsb(contextFor(fake));
  expect(usb).toEqual({
    total: 3,
    devices: [
      {
        bus_address: 1,
        device_address: 1,
        vendor_id: "1d6b",
        product_id: "0002",
        vendor: "Linux Foundation",
        product: "2.0 root hub",
        speed: 480,
        interfaces: [
          { number: 0, class_id: 9, subclass_id: 0, class: "Hub", subclass: "Unused", driver: "hub" },
        ],
      },
      {
        bus_address: 1,
        device_address: 2,
        vendor_id: "046d",
        product_id: "c31c",
        vendor: "Logitech, Inc.",
        product: "Keyboard K120",
        speed: 1.5,
        interfaces: [
          {
            number: 0,
            class_id: 3,
            subclass_id: 1,
            class: "Human Interface Device",
            subclass: "Boot Interface Subclass",
            driver: "usbhid",
          },
        ],
      },
      {
        bus_address: 1,
        device_address: 3,
        vendor_id: "abcd",
        product_id: "1234",
        // Unknown to usb.ids: the device's own strings.
        vendor: "Acme",
        product: "Widget",
        speed: 480,
        interfaces: [
          {
            number: 0,
            class_id: 8,
            subclass_id: 6,
            class: "Mass Storage",
            subclass: "SCSI",
            driver: "usb-storage",
          },
          { number: 1, class_id: 255, subclass_id: 0 },
        ],
      },
    ],
  });
});

test("collectUsb reports no devices on a machine without a USB bus", async () => {
  const empty = new FakeRoot();
  try {
    expect(await collectUsb(contextFor(empty))).toEqual({ devices: [], total: 0 });
  } finally {
    empty.cleanup();
  }
});
