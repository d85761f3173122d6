import { COLLECTOR_SECTIONS, type CollectorName } from "@hwsync/shared";
import { ENGINES, raw, useTestRegion } from "@hwsync/testkit";
import { describe, expect, test } from "vitest";
import { fakeClock } from "../../../src/clock.ts";
import { fixture } from "../../helpers/fixtures.ts";
import { deployedMachine, fullSnapshot, WIRES, type Wire } from "../../helpers/sync-region.ts";

// A payload that does not report a class (its section null, absent, or its collector failed) must
// leave that class exactly as stored: only last_sync moves, and the sync says why (a WARNING event
// and a line in the hardware history). Payloads are MAAS's own samples (testkit's fixtures).

interface SectionCase {
  section: string;
  collector: CollectorName;
  /** The list inside the section, when it has one. */
  list?: string;
  /** How the warning names the class. */
  named: string;
  kind: string;
}

const SECTIONS: SectionCase[] = [
  {
    section: "resources.storage",
    collector: "disks",
    list: "disks",
    named: "block devices",
    kind: "block_device",
  },
  { section: "resources.network", collector: "nics", named: "interfaces", kind: "interface" },
  { section: "networks", collector: "networks", named: "interfaces", kind: "interface" },
  { section: "resources.pci", collector: "pci", list: "devices", named: "PCI devices", kind: "pci_device" },
  { section: "resources.usb", collector: "usb", list: "devices", named: "USB devices", kind: "usb_device" },
  { section: "resources.cpu", collector: "cpu", named: "CPU", kind: "cpu" },
  { section: "resources.memory", collector: "memory", named: "memory", kind: "memory" },
  { section: "resources.system", collector: "system", named: "system information", kind: "system" },
];

type Mode = "null" | "absent" | "list null" | "collector error";
const MODES: Mode[] = ["null", "absent", "list null", "collector error"];
const FAILURE = { code: "HWS_COLLECT_FAILED", message: "EIO while reading /sys/class/block/sda/size" };

/** MAAS's sample with every kind of device, on a VM (so the `virtual` tag is stored too). */
function fullDocument(): Record<string, any> {
  const doc = fixture("machine-resources-bond-bridge-vlan.json");
  doc.resources.system.type = "virtual-machine";
  return doc;
}

function parentOf(doc: Record<string, any>, path: string): [Record<string, any>, string] {
  const keys = path.split(".");
  let node = doc;
  for (const key of keys.slice(0, -1)) node = node[key];
  return [node, keys[keys.length - 1]!];
}

/** The full document with one section not reported, as `mode` says. */
function withoutSection(one: SectionCase, mode: Mode): Record<string, any> {
  const doc = fullDocument();
  const [parent, key] = parentOf(doc, one.section);
  if (mode === "null") parent[key] = null;
  else if (mode === "absent") delete parent[key];
  else if (mode === "list null") parent[key][one.list!] = null;
  else {
    // What the agent does: the failed collector's sections are left out and it is named.
    for (const section of COLLECTOR_SECTIONS[one.collector]) {
      const [owner, name] = parentOf(doc, section);
      delete owner[name];
    }
    doc.collector_errors = [{ collector: one.collector, ...FAILURE }];
  }
  return doc;
}

const CASES = SECTIONS.flatMap((one) =>
  MODES.filter((mode) => mode !== "list null" || one.list).map((mode) => ({ ...one, mode })),
);
const WIRE_NAMES = Object.keys(WIRES) as Wire[];

describe.each(ENGINES)("payloads that leave a class unreported, on %s", (engine) => {
  const t = useTestRegion({ engine, clock: fakeClock(new Date()) });

  async function reportedMachine(wire: Wire) {
    const machine = await deployedMachine(t);
    const first = await WIRES[wire](t, machine.creds, fullDocument());
    expect(first.status).toBe(200);
    t.clock.advance(60);
    return machine;
  }

  describe.each(WIRE_NAMES)("over %s", (wire) => {
    test.each(CASES)("$section $mode: the record stays byte for byte, with a warning", async (one) => {
      const machine = await reportedMachine(wire);
      const before = await fullSnapshot(t.db, machine.machineId);
      const reply = await WIRES[wire](t, machine.creds, withoutSection(one, one.mode));
      expect(reply.status).toBe(200);
      if (wire === "push") expect(reply.json()).toMatchObject({ changed: false, changes: 0 });
      const after = await fullSnapshot(t.db, machine.machineId);

      const newEvents = after.events!.slice(before.events!.length) as Array<Record<string, unknown>>;
      const newHistory = after.hardware_syncs!.slice(before.hardware_syncs!.length) as Array<
        Record<string, unknown>
      >;
      expect({
        ...after,
        events: after.events!.slice(0, before.events!.length),
        hardware_syncs: after.hardware_syncs!.slice(0, before.hardware_syncs!.length),
      }).toEqual(before);

      expect(newEvents).toHaveLength(1);
      expect(newEvents[0]).toMatchObject({ type: "NODE_HARDWARE_NOT_REPORTED", level: "WARNING" });
      const description = String(newEvents[0]!.description);
      expect(description.startsWith(`${one.named} not reported by node ${machine.systemId}: `)).toBe(true);
      expect(description).toContain(`the stored ${one.named} were kept`);
      if (one.mode === "collector error") {
        expect(description).toContain(`collector ${one.collector} failed with ${FAILURE.code}`);
      }

      expect(newHistory).toHaveLength(1);
      expect(newHistory[0]!.changes).toEqual([]);
      const line =
        one.mode === "collector error"
          ? { reason: "collector_error", section: one.section, collector: one.collector, ...FAILURE }
          : {
              reason: one.mode === "absent" ? "absent" : "null",
              section: one.mode === "list null" ? `${one.section}.${one.list}` : one.section,
            };
      expect(newHistory[0]!.not_reported).toEqual([{ kind: one.kind, ...line }]);

      const { rows } = await t.db.query<{ last_sync: Date }>("SELECT last_sync FROM machines WHERE id = $1", [
        machine.machineId,
      ]);
      expect(rows[0]!.last_sync).toEqual(t.clock.now());
    });

    test("a collector error protects its class even when the section is sent anyway", async () => {
      const machine = await reportedMachine(wire);
      const before = await fullSnapshot(t.db, machine.machineId);
      const doc = fullDocument();
      doc.resources.storage.disks = [];
      doc.collector_errors = [{ collector: "disks", ...FAILURE }];
      expect((await WIRES[wire](t, machine.creds, doc)).status).toBe(200);
      const after = await fullSnapshot(t.db, machine.machineId);
      expect(after.block_devices).toEqual(before.block_devices);
      expect(after.block_devices!.length).toBeGreaterThan(0);
    });

    test("a class reported as a list still loses what it no longer lists, beside an unreported one", async () => {
      const machine = await reportedMachine(wire);
      const before = await fullSnapshot(t.db, machine.machineId);
      const doc = fullDocument();
      doc.resources.storage.disks = doc.resources.storage.disks.filter(
        (disk: { id: string }) => disk.id !== "sdb",
      );
      doc.resources.usb.devices = [];
      doc.resources.pci = null;
      expect((await WIRES[wire](t, machine.creds, doc)).status).toBe(200);
      const after = await fullSnapshot(t.db, machine.machineId);
      const names = (rows: unknown[] | undefined) => (rows as Array<{ name: string }>).map((row) => row.name);
      expect(names(after.block_devices)).toEqual(
        names(before.block_devices).filter((name) => name !== "sdb"),
      );
      expect(after.usb_devices).toEqual([]);
      expect(after.pci_devices).toEqual(before.pci_devices);
      const newEvents = (
        after.events!.slice(before.events!.length) as Array<{ type: string; description: string }>
      ).map((event) => `${event.type}: ${event.description}`);
      expect(newEvents).toEqual([
        `NODE_HARDWARE_SYNC_BLOCK_DEVICE: block device sdb was removed on node ${machine.systemId}`,
        `NODE_HARDWARE_SYNC_USB_DEVICE: usb device 1:2 (Logitech, Inc. Keyboard) was removed on node ${machine.systemId}`,
        `NODE_HARDWARE_SYNC_USB_DEVICE: usb device 2:3 (SanDisk Corp. Cruzer Blade) was removed on node ${machine.systemId}`,
        `NODE_HARDWARE_NOT_REPORTED: PCI devices not reported by node ${machine.systemId}: resources.pci is null; the stored PCI devices were kept`,
      ]);
    });
  });

  test("a partial report that changed nothing is applied (and warns) each time; a full one is remembered", async () => {
    const machine = await reportedMachine("push");
    const partial = withoutSection(SECTIONS[0]!, "collector error");
    const first = await WIRES.push(t, machine.creds, partial);
    const second = await WIRES.push(t, machine.creds, partial);
    expect([first.json().changed, second.json().changed]).toEqual([false, false]);
    const warnings = async () =>
      (
        await t.db.query(
          "SELECT id FROM events WHERE machine_id = $1 AND type = 'NODE_HARDWARE_NOT_REPORTED'",
          [machine.machineId],
        )
      ).rows.length;
    expect(await warnings()).toBe(2);
    // The full report again: its hash is still the stored one, so it is a heartbeat.
    const full = await WIRES.push(t, machine.creds, fullDocument());
    expect(full.json()).toMatchObject({ changed: false, changes: 0 });
    expect(await warnings()).toBe(2);
  });

  test("a partial report that changed something is never taken for the full one after it", async () => {
    const machine = await reportedMachine("push");
    const partial = fullDocument();
    partial.resources.pci = null;
    partial.resources.usb.devices = [];
    expect((await WIRES.push(t, machine.creds, partial)).json()).toMatchObject({ changed: true, changes: 2 });
    // Back to the full report: the USB devices return (the stored hash was the partial report's).
    const full = await WIRES.push(t, machine.creds, fullDocument());
    expect(full.json()).toMatchObject({ changed: true, changes: 2 });
    const { rows } = await t.db.query("SELECT id FROM usb_devices WHERE machine_id = $1", [
      machine.machineId,
    ]);
    expect(rows).toHaveLength(2);
  });

  test("hardware_uuid: kept when the system section is not reported, stored canonical when given without dashes", async () => {
    const machine = await reportedMachine("push");
    const uuid = async () =>
      (await raw(t, { path: `/MAAS/api/2.0/machines/${machine.systemId}/`, key: t.adminCredentials })).json()
        .hardware_uuid;
    expect(await uuid()).toBe("4c4c4544-0042-3510-8051-b4c04f4e4c31");
    const absent = fullDocument();
    delete absent.resources.system;
    await WIRES.push(t, machine.creds, absent);
    expect(await uuid()).toBe("4c4c4544-0042-3510-8051-b4c04f4e4c31");
    const bare = fullDocument();
    bare.resources.system.uuid = "6F1D2C3A8B4E4A519C0D112233445566";
    await WIRES.push(t, machine.creds, bare);
    expect(await uuid()).toBe("6f1d2c3a-8b4e-4a51-9c0d-112233445566");
  });

  test("the virtual tag follows system.type, and stays put while the system section is not reported", async () => {
    const machine = await reportedMachine("push");
    const tags = async () =>
      (await raw(t, { path: `/MAAS/api/2.0/machines/${machine.systemId}/`, key: t.adminCredentials })).json()
        .tag_names;
    expect(await tags()).toContain("virtual");
    const unreported = fullDocument();
    unreported.resources.system = null;
    unreported.resources.usb.devices.pop(); // a real change, so tags are evaluated
    await WIRES.push(t, machine.creds, unreported);
    expect(await tags()).toContain("virtual");
    const physical = fullDocument();
    physical.resources.system.type = "physical";
    await WIRES.push(t, machine.creds, physical);
    expect(await tags()).not.toContain("virtual");
    const container = fullDocument();
    container.resources.system.type = "container";
    await WIRES.push(t, machine.creds, container);
    expect(await tags()).toContain("virtual");
  });
});
