import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type * as Columns from "../src/components/columns.ts";
import { closeWebModules, loadWebModule } from "./support/web-modules.ts";

let columns: typeof Columns;
beforeAll(async () => {
  columns = await loadWebModule<typeof Columns>("src/components/columns.ts");
});
afterAll(closeWebModules);

describe("pickColumns", () => {
  test("puts preferred keys first, hides internal ids and skips nested values", () => {
    const rows = [
      { id: 7, node_id: 3, size: 1024, name: "sda", partitions: [{ id: "sda1" }], model: "QEMU", extra: "x" },
      { id: 8, name: "sdb", serial: "S2", size: 2048 },
    ];
    expect(columns.pickColumns(rows, columns.PREFERRED_COLUMNS.block_devices)).toEqual([
      "name",
      "model",
      "serial",
      "size",
      "extra",
    ]);
  });

  test("keeps at most seven columns", () => {
    const row = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`field_${i}`, i]));
    expect(columns.pickColumns([row])).toHaveLength(7);
  });

  test("answers no columns for no rows", () => {
    expect(columns.pickColumns([], ["name"])).toEqual([]);
  });
});

describe("columnTitle and formatCell", () => {
  test.each([
    ["mac_address", "MAC address"],
    ["pci_address", "PCI address"],
    ["vendor_id", "Vendor ID"],
    ["name", "Name"],
  ])("titles %s as %j", (key, title) => {
    expect(columns.columnTitle(key)).toBe(title);
  });

  test.each([
    ["size", 500_107_862_016, "465.8 GiB"],
    ["link_speed", 1000, "1000 Mbit/s"],
    ["removable", false, "no"],
    ["serial", "", "—"],
    ["serial", null, "—"],
    ["supported_modes", ["1000baseT/Full", "100baseT/Full"], "1000baseT/Full, 100baseT/Full"],
    ["numa_node", 0, "0"],
  ])("formats %s=%j as %j", (key, value, text) => {
    expect(columns.formatCell(key, value)).toBe(text);
  });
});

describe("summaryEntries", () => {
  test("flattens nested objects one level and drops empty or list values", () => {
    expect(
      columns.summaryEntries({
        vendor: "Supermicro",
        serial: "",
        firmware: { vendor: "AMI", date: "03/14/2024", version: "" },
        chassis: null,
        sockets: [{ name: "EPYC" }],
        count: 4,
      }),
    ).toEqual([
      ["vendor", "Supermicro"],
      ["serial", ""],
      ["firmware_vendor", "AMI"],
      ["firmware_date", "03/14/2024"],
      ["chassis", null],
      ["count", 4],
    ]);
  });
});

describe("formatSummaryCell", () => {
  test.each([
    ["memory", "total", 15872, "15.5 GiB"],
    ["memory", "total", 0, "—"],
    ["cpu", "speed", 2400, "2400 MHz"],
    ["cpu", "count", 0, "—"],
    ["cpu", "count", 8, "8"],
    ["system", "vendor", "Dell Inc.", "Dell Inc."],
  ])("formats %s.%s=%j as %j", (section, key, value, text) => {
    expect(columns.formatSummaryCell(section, key, value)).toBe(text);
  });
});
