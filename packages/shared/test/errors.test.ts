import { describe, expect, test } from "vitest";
import { ErrorCode, EXIT_BUG, HwsError, InterruptedError, isHwsError, isInterrupted } from "../src/errors.ts";

describe("InterruptedError", () => {
  test.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s is coded HWS_INTERRUPTED and exits %i", (signal, exitCode) => {
    const error = new InterruptedError(signal);
    expect(error).toMatchObject({ code: "HWS_INTERRUPTED", signal, name: "InterruptedError", exitCode });
    expect(error.message).toBe(`interrupted by ${signal}`);
    expect(isHwsError(error)).toBe(true);
  });

  test("SIGINT is the default (Ctrl-C)", () => {
    expect(new InterruptedError().signal).toBe("SIGINT");
  });

  test("isInterrupted matches by code, so a copy from another bundle counts", () => {
    const fromAnotherBundle = Object.assign(new Error("interrupted by SIGTERM"), {
      code: ErrorCode.INTERRUPTED,
      signal: "SIGTERM",
    });
    expect(isInterrupted(fromAnotherBundle)).toBe(true);
    expect(isInterrupted(new HwsError(ErrorCode.TIMEOUT, "slow"))).toBe(false);
    expect(isInterrupted(new Error("interrupted"))).toBe(false);
  });
});

test("a bug exits 70 (EX_SOFTWARE) in every binary", () => {
  expect(EXIT_BUG).toBe(70);
});
