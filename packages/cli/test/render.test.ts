import { describe, expect, test } from "vitest";
import { formatBytes, formatRelative } from "../src/render/format.ts";
import { renderHardwareHistory, summarizeDetails } from "../src/render/history.ts";
import type { RenderKit } from "../src/render/kit.ts";
import { renderMachine, renderMachines } from "../src/render/machine.ts";
import { testOutput } from "./helpers/cli.ts";

const NOW = new Date("2026-11-24T12:00:00Z");

function kit(): Promise<RenderKit> {
  return testOutput({ now: NOW }).output.kit(0);
}

const machines = [
  {
    system_id: "abc123",
    hostname: "web-07",
    status: 6,
    status_name: "Deployed",
    enable_hw_sync: true,
    sync_interval: 900,
    last_sync: "2026-11-24T11:59:00Z",
    next_sync: "2026-11-24T12:14:00Z",
  },
  {
    system_id: "def456",
    hostname: "db-01",
    status: 6,
    status_name: "Deployed",
    enable_hw_sync: true,
    sync_interval: 900,
    last_sync: "2026-11-24T09:00:00Z",
    next_sync: "2026-11-24T09:15:00Z",
  },
  // MAAS 3.2/3.3 send no enable_hw_sync: inferred from interval + timestamps, naive time read as UTC.
  {
    system_id: "old789",
    hostname: "legacy",
    status: 6,
    status_name: "Deployed",
    sync_interval: 3600,
    last_sync: "2026-11-24T11:30:00",
    next_sync: "2026-11-24T12:30:00",
  },
  // Our region's own verdict wins over the recomputed one.
  {
    system_id: "srv001",
    hostname: "told",
    status: 6,
    status_name: "Deployed",
    enable_hw_sync: true,
    sync_interval: 900,
    last_sync: "2026-11-24T11:59:00Z",
    is_sync_healthy: false,
  },
  {
    system_id: "ghi789",
    hostname: "spare-02",
    status: 11,
    status_name: "Failed deployment",
    enable_hw_sync: false,
    sync_interval: null,
    last_sync: null,
  },
];

describe("renderMachines", () => {
  test("shows hw sync, interval, relative last sync and health per machine", async () => {
    expect(renderMachines(machines, await kit())).toMatchInlineSnapshot(`
      "HOSTNAME  SYSTEM_ID  STATUS             HW SYNC  INTERVAL  LAST SYNC  HEALTH
      web-07    abc123     Deployed           on       15m       1m ago     healthy
      db-01     def456     Deployed           on       15m       3h ago     unhealthy
      legacy    old789     Deployed           on       1h        30m ago    healthy
      told      srv001     Deployed           on       15m       1m ago     unhealthy
      spare-02  ghi789     Failed deployment  off      -         -          -"
    `);
  });

  test("an empty fleet says so", async () => {
    expect(renderMachines([], await kit())).toBe("(no machines)");
  });
});

describe("renderMachine", () => {
  test("shows the sync details of a machine with hw sync on", async () => {
    expect(renderMachine(machines[0]!, await kit())).toMatchInlineSnapshot(`
      "hostname       web-07
      system_id      abc123
      status         Deployed
      owner          -
      architecture   -
      os             -
      cpus           -
      memory         -
      power          -
      hw sync        on
      sync interval  15m
      last sync      1m ago (2026-11-24T11:59:00Z)
      next sync      in 14m (2026-11-24T12:14:00Z)
      sync health    healthy"
    `);
  });
});

describe("renderHardwareHistory", () => {
  test("shows the classes a sync kept because they were not reported, and why", async () => {
    const entries = [
      {
        sync_id: 3,
        created: "2026-11-24T11:58:00Z",
        changes: [],
        not_reported: [
          {
            kind: "block_device" as const,
            section: "resources.storage",
            reason: "collector_error" as const,
            collector: "disks",
            code: "HWS_COLLECT_FAILED",
            message: "EIO",
          },
          { kind: "pci_device" as const, section: "resources.pci", reason: "null" as const },
        ],
      },
    ];
    expect(renderHardwareHistory(entries, await kit())).toMatchInlineSnapshot(`
      "SYNC  WHEN    ACTION        KIND          NAME               DETAILS
      3     2m ago  not reported  block_device  resources.storage  collector=disks code=HWS_COLLECT_FAILED
      3     2m ago  not reported  pci_device    resources.pci      section null"
    `);
  });

  test("lists each change of each sync, newest first", async () => {
    const entries = [
      {
        sync_id: 2,
        created: "2026-11-24T11:55:00Z",
        changes: [
          { kind: "block_device" as const, action: "added" as const, name: "sdb", details: { size: 1000 } },
        ],
      },
      { sync_id: 1, created: "2026-11-24T10:00:00Z", changes: [] },
    ];
    expect(renderHardwareHistory(entries, await kit())).toMatchInlineSnapshot(`
      "SYNC  WHEN    ACTION      KIND          NAME  DETAILS
      2     5m ago  added       block_device  sdb   size=1000
      1     2h ago  no changes"
    `);
  });
});

describe("formatters", () => {
  test.each([
    ["2026-11-24T11:59:55Z", "just now"],
    ["2026-11-24T11:59:00Z", "1m ago"],
    ["2026-11-22T12:00:00Z", "2d ago"],
    ["2026-11-24T12:05:00Z", "in 5m"],
    [null, "never"],
  ])("formatRelative(%j) is %s", (value, text) => {
    expect(formatRelative(value, NOW)).toBe(text);
  });

  test.each([
    [512, "512 B"],
    [480103981056, "480.1 GB"],
    [null, "-"],
  ])("formatBytes(%j) is %s", (value, text) => {
    expect(formatBytes(value)).toBe(text);
  });
});

describe("summarizeDetails", () => {
  test.each<[Record<string, unknown> | null, string]>([
    [{ size: 1000, model: "x" }, "size=1000 model=x"],
    [{ from: 0, to: 15918 }, "0→15918"],
    [{ cpu_count: { from: 0, to: 8 } }, "cpu_count=0→8"],
    [{ long: "y".repeat(80) }, `long=${"y".repeat(54)}…`],
    [null, ""],
  ])("renders %j as %j", (details, text) => {
    expect(summarizeDetails(details)).toBe(text);
  });
});

describe("renderHardware", () => {
  test("shows a summary, then disks, NICs, PCI and USB devices as tables", async () => {
    const { renderHardware } = await import("../src/render/hardware.ts");
    const text = renderHardware(
      {
        cpu: { count: 8, model: "Xeon" },
        memory: { total: 15918 },
        system: { system_vendor: "Dell Inc.", nested: { ignored: true } },
        block_devices: [{ name: "sda", model: "Crucial", serial: "S1", size: "512110190592", type: "sata" }],
        interfaces: [
          {
            name: "eth0",
            type: "physical",
            mac_address: "00:00:00:00:00:01",
            driver: "e1000e",
            link_speed: 1000,
          },
        ],
        pci_devices: [],
        usb_devices: [
          { bus_address: 1, device_address: 2, vendor_id: "046d", product_id: "c31c", product: "Keyboard" },
        ],
      },
      await kit(),
    );
    expect(text).toMatchInlineSnapshot(`
      "System
      system_vendor  Dell Inc.

      CPU
      count  8
      model  Xeon

      Memory
      total  15918 MiB (15.5 GiB)

      Disks
      NAME  MODEL    SERIAL  SIZE      TYPE
      sda   Crucial  S1      512.1 GB  sata

      Network interfaces
      NAME  TYPE      MAC                DRIVER  SPEED
      eth0  physical  00:00:00:00:00:01  e1000e  1000 Mb/s

      PCI devices
      (none)

      USB devices
      BUS  IDS        PRODUCT
      1:2  046d:c31c  Keyboard"
    `);
  });
});
