import { describe, expect, test } from "vitest";
import {
  formatTimeSpan,
  isValidTimeSpan,
  parseIntervalSeconds,
  parseTimeSpan,
  secondsToOnCalendar,
  timeSpanToOnCalendar,
} from "../src/time-span.ts";

// Every accepted example of docs/maas-compatibility.md#hardware-sync-interval and
// docs/maas-compatibility.md#timer-schedule.
const accepted: Array<[string, number]> = [
  ["15m", 900],
  ["15min", 900],
  ["15 minutes", 900],
  ["1h30m", 5400],
  ["1h 30m", 5400],
  ["1hr 15min 5sec", 4505],
  ["2 hours 5 minutes 10 seconds", 7510],
  ["1 hour 5 min", 3900],
  ["90s", 90],
  ["30m", 1800],
  ["5 minutes", 300],
  ["1h", 3600],
  ["01h", 3600],
  ["2h", 7200],
  ["24h", 86400],
  ["90m", 5400],
  ["30m 5s", 1805],
  ["15s", 15],
  ["1h 1s", 3601],
  ["0m", 0],
];

// MAAS accepts the prefix-matching ones; we refuse anything that does not parse whole.
const rejected = [
  "1 year",
  "1d",
  "15",
  "",
  " 15m",
  "15M",
  "15m garbage",
  "10 mins",
  "1 month",
  "1ms",
  "5m 1h",
  "1.5h",
  "-5m",
];

describe("parseTimeSpan", () => {
  test.each(accepted)("%j is %i seconds", (value, seconds) => {
    expect(parseTimeSpan(value)).toBe(seconds);
    expect(isValidTimeSpan(value)).toBe(true);
  });

  test.each(rejected)("%j is refused with a message naming the accepted units", (value) => {
    expect(isValidTimeSpan(value)).toBe(false);
    expect(() => parseTimeSpan(value)).toThrowError(
      expect.objectContaining({
        code: "HWS_TIME_SPAN_INVALID",
        message: expect.stringContaining("h|hr|hour|hours, m|min|minute|minutes, s|sec|second|seconds"),
      }),
    );
  });
});

describe("timeSpanToOnCalendar", () => {
  // The worked examples of docs/maas-compatibility.md#timer-schedule.
  test.each([
    ["15m", "*-*-* *:00/15:00"],
    ["30m", "*-*-* *:00/30:00"],
    ["5 minutes", "*-*-* *:00/5:00"],
    ["1h", "*-*-* *:00:00"],
    ["01h", "*-*-* 00/01:00:00"],
    ["2h", "*-*-* 00/2:00:00"],
    ["24h", "*-*-* 00/24:00:00"],
    ["1h 30m", "*-*-* *:00/30:00"],
    ["1h30m", "*-*-* *:00/30:00"],
    ["90m", "*-*-* *:00/90:00"],
    ["30m 5s", "*-*-* *:00/30:00/5"],
    ["15s", "*-*-* *:*:00/15"],
    ["1h 1s", "*-*-* *:*:00/1"],
    ["1hr 15min 5sec", "*-*-* *:00/15:00/5"],
    ["2 hours 5 minutes 10 seconds", "*-*-* 00/2:00/5:00/10"],
    ["0m", "*-*-* *:00/0:00"],
  ])("%j renders as %j", (value, calendar) => {
    expect(timeSpanToOnCalendar(value)).toBe(calendar);
  });

  test("seconds render through the short form", () => {
    expect(secondsToOnCalendar(900)).toBe("*-*-* *:00/15:00");
    expect(secondsToOnCalendar(7200)).toBe("*-*-* 00/2:00:00");
  });
});

describe("formatTimeSpan", () => {
  test.each([
    [0, "0s"],
    [15, "15s"],
    [900, "15m"],
    [3600, "1h"],
    [5400, "1h30m"],
    [4505, "1h15m5s"],
  ])("%i seconds is %j", (seconds, text) => {
    expect(formatTimeSpan(seconds)).toBe(text);
    expect(parseTimeSpan(text)).toBe(seconds);
  });

  test("negative and fractional seconds are refused", () => {
    expect(() => formatTimeSpan(-1)).toThrow(/cannot format/);
    expect(() => formatTimeSpan(1.5)).toThrow(/cannot format/);
  });
});

describe("parseIntervalSeconds", () => {
  test.each([
    ["900", 900],
    ["15m", 900],
    [" 1h ", 3600],
  ])("%j is %i seconds", (value, seconds) => {
    expect(parseIntervalSeconds(value)).toBe(seconds);
  });

  test.each(["0", "0m", "abc", "-5", "1 year"])("%j is refused", (value) => {
    expect(() => parseIntervalSeconds(value)).toThrowError(
      expect.objectContaining({ code: "HWS_TIME_SPAN_INVALID" }),
    );
  });
});
