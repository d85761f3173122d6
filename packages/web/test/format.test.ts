import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type * as Format from "../src/format.ts";
import { closeWebModules, loadWebModule } from "./support/web-modules.ts";

let format: typeof Format;
beforeAll(async () => {
  format = await loadWebModule<typeof Format>("src/format.ts");
});
afterAll(closeWebModules);

const NOW = new Date("2026-11-24T16:00:00Z");

describe("parseRegionTime", () => {
  test.each([
    ["Tue, 24 Nov. 2026 15:55:01", "2026-11-24T15:55:01.000Z"],
    ["Wed, 02 Jan. 2030 00:00:09", "2030-01-02T00:00:09.000Z"],
    ["2026-11-24T15:55:01Z", "2026-11-24T15:55:01.000Z"],
    ["2026-11-24T15:55:01.250Z", "2026-11-24T15:55:01.250Z"],
    ["2022-05-10T12:34:56", "2022-05-10T12:34:56.000Z"],
  ])("reads %j as %s", (text, iso) => {
    expect(format.parseRegionTime(text)?.toISOString()).toBe(iso);
  });

  test.each([[""], [null], [undefined], ["Tue, 24 Foo. 2026 15:55:01"], ["yesterday"]])(
    "answers null for %j",
    (text) => {
      expect(format.parseRegionTime(text)).toBeNull();
    },
  );
});

describe("formatRelative", () => {
  test.each([
    ["2026-11-24T15:59:55Z", "just now"],
    ["2026-11-24T15:59:30Z", "30 seconds ago"],
    ["2026-11-24T15:57:00Z", "3 minutes ago"],
    ["2026-11-24T16:12:00Z", "in 12 minutes"],
    ["2026-11-24T16:09:59Z", "in 10 minutes"],
    ["2026-11-24T14:05:00Z", "2 hours ago"],
    ["2026-11-24T15:00:00.500Z", "1 hour ago"],
    ["2026-11-24T15:59:15Z", "1 minute ago"],
    ["2026-11-24T13:00:00Z", "3 hours ago"],
    ["2026-11-23T16:00:00Z", "yesterday"],
    ["2026-11-20T16:00:00Z", "4 days ago"],
  ])("shows %s as %j", (iso, text) => {
    expect(format.formatRelative(new Date(iso), NOW)).toBe(text);
  });
});

describe("durations and sizes", () => {
  test.each([
    [900, "15 min"],
    [5400, "1 h 30 min"],
    [90, "1 min 30 s"],
    [86_400, "1 d"],
    [0, "0 s"],
  ])("formatDuration(%i) is %j", (seconds, text) => {
    expect(format.formatDuration(seconds)).toBe(text);
  });

  test.each([
    [512, "512 B"],
    [8 * 1024 ** 3, "8.0 GiB"],
    [500_107_862_016, "465.8 GiB"],
  ])("formatBytes(%i) is %j", (bytes, text) => {
    expect(format.formatBytes(bytes)).toBe(text);
  });
});

describe("syncHealth", () => {
  const base = { system_id: "abc123", hostname: "web-07", status: 6, status_name: "Deployed" };
  test.each([
    ["hw sync off", { ...base, enable_hw_sync: false }, "off"],
    ["list item without hw-sync keys", base, "off"],
    [
      "enabled, never synced",
      { ...base, enable_hw_sync: true, last_sync: "", sync_interval: 900 },
      "pending",
    ],
    [
      "synced 5 minutes ago every 15 minutes",
      { ...base, enable_hw_sync: true, last_sync: "Tue, 24 Nov. 2026 15:55:00", sync_interval: 900 },
      "healthy",
    ],
    [
      "exactly 1.5 intervals ago (still healthy, as in MAAS)",
      { ...base, enable_hw_sync: true, last_sync: "Tue, 24 Nov. 2026 15:37:30", sync_interval: 900 },
      "healthy",
    ],
    [
      "one second past 1.5 intervals",
      { ...base, enable_hw_sync: true, last_sync: "Tue, 24 Nov. 2026 15:37:29", sync_interval: 900 },
      "overdue",
    ],
    [
      "synced but the interval is 0",
      { ...base, enable_hw_sync: true, last_sync: "Tue, 24 Nov. 2026 15:59:00", sync_interval: 0 },
      "overdue",
    ],
  ])("%s → %s", (_name, machine, health) => {
    expect(format.syncHealth(machine, NOW)).toBe(health);
    expect(format.isUnhealthy(machine, NOW)).toBe(health === "pending" || health === "overdue");
  });
});
