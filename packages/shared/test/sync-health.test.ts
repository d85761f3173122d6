import { describe, expect, test } from "vitest";
import {
  formatMaasEventTime,
  formatMaasTimestamp,
  isSyncHealthy,
  nextSync,
  parseMaasTimestamp,
} from "../src/sync-health.ts";

const last = new Date("2026-11-24T12:00:00Z");
const at = (iso: string) => new Date(iso);

describe("nextSync", () => {
  test("is last_sync plus the interval", () => {
    expect(nextSync(last, 900)?.toISOString()).toBe("2026-11-24T12:15:00.000Z");
  });
  test.each([
    [null, 900],
    [last, null],
    [last, 0],
  ])("is null when last_sync=%s or interval=%s", (lastSync, interval) => {
    expect(nextSync(lastSync, interval)).toBeNull();
  });
});

describe("isSyncHealthy", () => {
  // Interval 900 s, last_sync 12:00:00 → healthy until 12:22:30 inclusive
  // (docs/maas-compatibility.md#machine-object).
  test.each([
    ["2026-11-24T12:00:00Z", true],
    ["2026-11-24T12:22:29.999Z", true],
    ["2026-11-24T12:22:30.000Z", true],
    ["2026-11-24T12:22:30.001Z", false],
    ["2026-11-24T13:00:00Z", false],
  ])("at %s healthy is %s", (now, healthy) => {
    expect(isSyncHealthy(true, last, 900, at(now))).toBe(healthy);
  });

  test.each([
    [false, last, 900],
    [true, null, 900],
    [true, last, null],
    [true, last, 0],
  ])("is false when enabled=%s, last_sync=%s, interval=%s", (enabled, lastSync, interval) => {
    expect(isSyncHealthy(enabled, lastSync, interval, last)).toBe(false);
  });
});

describe("MAAS timestamps", () => {
  test.each([
    ["2026-11-24T15:55:01.123Z", "2026-11-24T15:55:01.123Z"],
    ["2026-11-24T15:55:01+00:00", "2026-11-24T15:55:01.000Z"],
    ["2022-05-10T12:34:56.789", "2022-05-10T12:34:56.789Z"],
    ["2022-05-10T12:34:56", "2022-05-10T12:34:56.000Z"],
  ])("%s parses as %s (naive means UTC)", (text, iso) => {
    expect(parseMaasTimestamp(text)?.toISOString()).toBe(iso);
  });

  test("garbage and null parse as null", () => {
    expect(parseMaasTimestamp("yesterday")).toBeNull();
    expect(parseMaasTimestamp(null)).toBeNull();
  });

  test("formats with milliseconds only when non-zero", () => {
    expect(formatMaasTimestamp(new Date("2026-11-24T15:55:01.000Z"))).toBe("2026-11-24T15:55:01Z");
    expect(formatMaasTimestamp(new Date("2026-11-24T15:55:01.123Z"))).toBe("2026-11-24T15:55:01.123Z");
    expect(formatMaasTimestamp(null)).toBeNull();
  });

  test("event time uses MAAS's %a, %d %b. %Y %H:%M:%S", () => {
    expect(formatMaasEventTime(new Date("2026-11-24T15:55:01Z"))).toBe("Tue, 24 Nov. 2026 15:55:01");
    expect(formatMaasEventTime(null)).toBe("");
  });
});
