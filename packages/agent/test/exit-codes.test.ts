import { ApiError, ErrorCode, HwsError, InterruptedError } from "@hwsync/shared";
import { describe, expect, test } from "vitest";
import { EXIT, exitCodeFor } from "../src/exit-codes.ts";
import { main } from "../src/main.ts";

const apiError = (status: number) =>
  new ApiError(ErrorCode.API_STATUS, {
    status,
    statusText: "X",
    method: "POST",
    url: "http://r/MAAS/metadata/2012-03-01/hardware-sync",
    body: "",
  });

describe("exitCodeFor", () => {
  test.each<[string, unknown, number]>([
    ["a bug (an uncoded error)", new TypeError("x is undefined"), 70],
    ["the region rejecting the payload (400)", apiError(400), 1],
    ["an invalid inventory", new HwsError(ErrorCode.INVENTORY_INVALID, "bad"), 1],
    ["a revoked token", new HwsError(ErrorCode.AUTH_REJECTED, "gone"), 2],
    ["a region that is failing (503)", apiError(503), 75],
    ["SIGINT", new InterruptedError("SIGINT"), 130],
    ["SIGTERM", new InterruptedError("SIGTERM"), 143],
    [
      "an interruption raised by another bundle's copy of shared",
      Object.assign(new Error("interrupted by SIGTERM"), { code: "HWS_INTERRUPTED", signal: "SIGTERM" }),
      143,
    ],
  ])("%s exits %i", (_name, error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });

  test("a bug has the project's one bug code", () => {
    expect(EXIT.BUG).toBe(70);
  });
});

test("a bug through main prints its stack, says it is a bug, and exits 70", async () => {
  const stderr: string[] = [];
  const code = await main(["--version"], {
    stdout: () => {
      throw new TypeError("stdout went away");
    },
    stderr: (text) => stderr.push(text),
    env: {},
    signal: new AbortController().signal,
  });
  expect(code).toBe(70);
  expect(stderr.join("")).toMatch(/TypeError: stdout went away\n\s+at /);
  expect(stderr.join("")).toContain("this is a bug in maas-hw-sync: please report it with the lines above");
});
