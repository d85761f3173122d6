import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type * as Interval from "../src/interval.ts";
import { closeWebModules, loadWebModule } from "./support/web-modules.ts";

let interval: typeof Interval;
beforeAll(async () => {
  interval = await loadWebModule<typeof Interval>("src/interval.ts");
});
afterAll(closeWebModules);

describe("checkIntervalSetting", () => {
  test.each([
    ["15m", 900, "*-*-* *:00/15:00"],
    ["1h30m", 5400, "*-*-* *:00/30:00"],
    ["2 hours 5 minutes 10 seconds", 7510, "*-*-* 00/2:00/5:00/10"],
    ["90s", 90, "*-*-* *:*:00/90"],
  ])("accepts %j as %i s with OnCalendar %s", (value, seconds, onCalendar) => {
    expect(interval.checkIntervalSetting(value)).toEqual({ ok: true, seconds, onCalendar });
  });

  test.each([["1 year"], ["15"], [""], ["15m garbage"], ["1d"], [" 15m"]])(
    "refuses %j naming the accepted units",
    (value) => {
      const check = interval.checkIntervalSetting(value);
      expect(check.ok).toBe(false);
      expect(check.ok ? "" : check.message).toBe(
        `'${value}' is not a valid interval. Only 'h|hr|hour|hours, m|min|minute|minutes, s|sec|second|seconds' are valid units (e.g. 15m, 1h30m, 90s).`,
      );
    },
  );

  test("refuses a zero interval because no machine could ever be healthy", () => {
    expect(interval.checkIntervalSetting("0m")).toEqual({
      ok: false,
      message: "An interval of zero would mark every machine unhealthy. Use e.g. 15m.",
    });
  });
});

describe("readIntervalField", () => {
  test.each([
    ["", {}],
    ["   ", {}],
    ["15m", { seconds: 900 }],
    ["600", { seconds: 600 }],
    ["1h 30m", { seconds: 5400 }],
  ])("reads %j as %j", (value, expected) => {
    expect(interval.readIntervalField(value)).toEqual(expected);
  });

  test.each([["0"], ["ten minutes"], ["-5"]])("refuses %j with a message", (value) => {
    expect(interval.readIntervalField(value).error).toMatch(/is not a valid interval/);
  });
});
