import type { HardwareChange } from "@hwsync/shared";
import { describe, expect, test } from "vitest";
import type { HardwareState, Stored } from "../../../src/model/hardware.ts";
import { planSync, type StoredHardware } from "../../../src/services/hardware-sync/diff.ts";
import { normalizePayload } from "../../../src/services/hardware-sync/normalize.ts";
import { changedX86, fixture, parsed } from "../../helpers/fixtures.ts";

// A stored state as the database would hold it after applying `state`.
function stored(state: HardwareState): StoredHardware {
  let id = 1;
  const withIds = <T>(rows: T[]): Array<Stored<T>> =>
    rows.map((row) => ({ ...structuredClone(row), id: id++ }));
  return {
    machine: structuredClone(state.machine),
    blockDevices: withIds(state.blockDevices),
    interfaces: withIds(state.interfaces),
    pciDevices: withIds(state.pciDevices),
    usbDevices: withIds(state.usbDevices),
  };
}

const EMPTY_MACHINE: StoredHardware["machine"] = {
  architecture: "amd64/generic",
  osystem: "ubuntu",
  distroSeries: "jammy",
  cpuCount: 0,
  cpuModel: null,
  cpuSpeed: 0,
  memory: 0,
  hardwareUuid: null,
  systemInfo: {},
};

function summary(changes: HardwareChange[]): string[] {
  return changes.map((change) => `${change.kind} ${change.action} ${change.name}`);
}

describe("planSync", () => {
  const x86 = normalizePayload(parsed(fixture()));

  test("the first sync adds every device and the machine values", () => {
    const plan = planSync(
      { machine: EMPTY_MACHINE, blockDevices: [], interfaces: [], pciDevices: [], usbDevices: [] },
      x86,
    );
    expect(summary(plan.changes)).toEqual([
      "cpu added Intel(R) Core(TM) i7-4700MQ CPU",
      "memory added memory",
      "system added PowerEdge R640",
      "block_device added sda",
      "block_device added sdb",
      "interface added eth0",
      "interface added eth1",
      "interface added eth2",
      "pci_device added 0000:00:19.0",
      "pci_device added 0000:00:1f.2",
      "pci_device added 0000:01:00.0",
      "usb_device added 1:2",
      "usb_device added 2:3",
    ]);
    expect(plan.blockDevices.inserts).toHaveLength(2);
  });

  test("an identical payload plans nothing at all", () => {
    const plan = planSync(stored(x86), normalizePayload(parsed(fixture())));
    expect(plan.changes).toEqual([]);
    expect(plan.machinePatch).toEqual({});
    for (const table of [plan.blockDevices, plan.interfaces, plan.pciDevices, plan.usbDevices]) {
      expect(table).toEqual({ inserts: [], updates: [], deletes: [] });
    }
  });

  test("a removed disk, an added NIC and a plugged USB stick are exactly the changes", () => {
    const plan = planSync(stored(x86), normalizePayload(parsed(changedX86())));
    expect(summary(plan.changes)).toEqual([
      "block_device removed sdb",
      "interface added eth3",
      "usb_device added 3:7",
    ]);
    // sda's serial is unique now: its identity moves to it silently, without an event.
    expect(plan.blockDevices.updates).toEqual([
      expect.objectContaining({
        changed: [],
        keyChanged: true,
        row: expect.objectContaining({ identity: "serial:14060968BCD8" }),
      }),
    ]);
  });

  test("a renamed NIC is the same NIC, matched by MAC", () => {
    const doc = fixture();
    doc.networks.eno1 = doc.networks.eth0;
    delete doc.networks.eth0;
    doc.resources.network.cards[0].ports[0].id = "eno1";
    const plan = planSync(stored(x86), normalizePayload(parsed(doc)));
    expect(summary(plan.changes)).toEqual(["interface updated eno1"]);
    expect(plan.changes[0]!.details).toEqual({ name: { from: "eth0", to: "eno1" } });
    expect(plan.interfaces.updates[0]!.keyChanged).toBe(true);
  });

  test("swapped kernel names keep each disk's identity", () => {
    const doc = fixture("machine-resources-lp1906834.json");
    const base = normalizePayload(parsed(doc));
    const [a, b] = doc.resources.storage.disks;
    [a.id, b.id] = [b.id, a.id];
    const plan = planSync(stored(base), normalizePayload(parsed(doc)));
    expect(summary(plan.changes)).toEqual(["block_device updated nvme0n1", "block_device updated nvme1n1"]);
    expect(plan.changes.map((change) => Object.keys(change.details ?? {}))).toEqual([["name"], ["name"]]);
  });

  test("a disk whose serial changed is a different disk", () => {
    const doc = fixture("machine-resources-lp1906834.json");
    const base = normalizePayload(parsed(doc));
    doc.resources.storage.disks[2].serial = "S45NNA0N999999";
    const plan = planSync(stored(base), normalizePayload(parsed(doc)));
    expect(summary(plan.changes)).toEqual(["block_device removed sda", "block_device added sda"]);
  });

  test("a disk without a serial is matched by its path", () => {
    const doc = fixture("machine-resources-no-numa.json");
    const base = normalizePayload(parsed(doc));
    doc.resources.storage.disks[0].firmware_version = "2.0";
    const plan = planSync(stored(base), normalizePayload(parsed(doc)));
    expect(summary(plan.changes)).toEqual(["block_device updated mmcblk0"]);
    expect(plan.changes[0]!.details).toEqual({ firmware_version: { from: null, to: "2.0" } });
  });

  test("memory and CPU changes are reported with their old and new values", () => {
    const doc = fixture();
    doc.resources.memory.total += 16 * 2 ** 30;
    doc.resources.cpu.total = 16;
    const plan = planSync(stored(x86), normalizePayload(parsed(doc)));
    expect(plan.changes).toEqual([
      {
        kind: "cpu",
        action: "updated",
        name: "Intel(R) Core(TM) i7-4700MQ CPU",
        details: { cpu_count: { from: 8, to: 16 } },
      },
      { kind: "memory", action: "added", name: "memory", details: { from: 15918, to: 32302 } },
    ]);
    expect(plan.machinePatch).toEqual({ cpuCount: 16, memory: 32302 });
  });

  test("a PCI card replaced in the same slot is removed and added", () => {
    const doc = fixture();
    doc.resources.pci.devices[2].product_id = "1b80";
    const plan = planSync(stored(x86), normalizePayload(parsed(doc)));
    expect(summary(plan.changes)).toEqual([
      "pci_device removed 0000:01:00.0",
      "pci_device added 0000:01:00.0",
    ]);
  });

  test("a changed PCI driver is an update of the device", () => {
    const doc = fixture();
    doc.resources.pci.devices[2].driver = "nouveau";
    const plan = planSync(stored(x86), normalizePayload(parsed(doc)));
    expect(plan.changes).toEqual([
      {
        kind: "pci_device",
        action: "updated",
        name: "0000:01:00.0",
        details: { driver: { from: "nvidia", to: "nouveau" } },
      },
    ]);
  });
});
