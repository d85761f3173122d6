import type { HardwareChange } from "@hwsync/shared";
import { describe, expect, test } from "vitest";
import {
  describeChange,
  EVENT_TYPES,
  eventTypeDescription,
  formatMebibytes,
} from "../../src/services/events.ts";

describe("describeChange", () => {
  const cases: Array<[HardwareChange, string]> = [
    [
      { kind: "block_device", action: "added", name: "sdb", details: {} },
      "block device sdb was added on node abc123",
    ],
    [
      {
        kind: "block_device",
        action: "updated",
        name: "sda",
        details: { firmware_version: { from: "1", to: "2" } },
      },
      "block device sda was updated on node abc123: firmware_version",
    ],
    [
      { kind: "interface", action: "removed", name: "eth1", details: {} },
      "interface eth1 was removed on node abc123",
    ],
    [
      {
        kind: "pci_device",
        action: "added",
        name: "0000:01:00.0",
        details: { vendor: "NVIDIA Corporation", product: "GK208B" },
      },
      "pci device 0000:01:00.0 (NVIDIA Corporation GK208B) was added on node abc123",
    ],
    [
      {
        kind: "usb_device",
        action: "added",
        name: "3:7",
        details: { vendor: "Kingston Technology", product: null },
      },
      "usb device 3:7 (Kingston Technology) was added on node abc123",
    ],
    [
      { kind: "cpu", action: "updated", name: "EPYC", details: { cpu_count: { from: 8, to: 16 } } },
      "cpu EPYC was updated on node abc123: cpu_count 8 → 16",
    ],
    [
      { kind: "memory", action: "added", name: "memory", details: { from: 16384, to: 32768 } },
      "16.0 GiB of memory was added on node abc123",
    ],
    [
      { kind: "memory", action: "removed", name: "memory", details: { from: 16384, to: 14336 } },
      "2.0 GiB of memory was removed on node abc123",
    ],
    [
      { kind: "system", action: "added", name: "R640", details: {} },
      "system information was added on node abc123",
    ],
    [
      {
        kind: "bmc",
        action: "updated",
        name: "ipmi",
        details: { power_type: { from: "manual", to: "ipmi" }, power_pass: "changed" },
      },
      "BMC details were updated on node abc123: power_type, power_pass",
    ],
  ];
  test.each(cases)("%o reads as the MAAS-style sentence", (change, text) => {
    expect(describeChange(change, "abc123")).toBe(text);
  });
});

describe("formatMebibytes", () => {
  test.each([
    [512, "512.0 MiB"],
    [1024, "1.0 GiB"],
    [-2048, "2.0 GiB"],
    [15918, "15.5 GiB"],
    [3 * 1024 * 1024, "3.0 TiB"],
  ])("%d MiB is %s", (mib, text) => {
    expect(formatMebibytes(mib)).toBe(text);
  });
});

describe("EVENT_TYPES", () => {
  test("hardware-sync types show MAAS's descriptions, with the USB typo fixed", () => {
    expect(eventTypeDescription("NODE_HARDWARE_SYNC_USB_DEVICE")).toBe(
      "Node USB Device hardware sync state change",
    );
    expect(eventTypeDescription("NODE_HARDWARE_SYNC_BLOCK_DEVICE")).toBe(
      "Node Block Device hardware sync state change",
    );
    expect(eventTypeDescription("SOMETHING_ELSE")).toBe("SOMETHING_ELSE");
  });

  test("every hardware-sync type is INFO so the default query shows it", () => {
    const sync = Object.entries(EVENT_TYPES).filter(
      ([name]) => name.startsWith("NODE_HARDWARE_SYNC_") && name !== "NODE_HARDWARE_SYNC_FAILED",
    );
    expect(sync.map(([, info]) => info.level)).toEqual(sync.map(() => "INFO"));
  });
});
