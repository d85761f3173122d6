import { ApiError, ErrorCode, HwsError, InterruptedError } from "@hwsync/shared";
import { CommanderError } from "commander";
import { describe, expect, test } from "vitest";
import { exitCodeFor, reportError, serverText } from "../src/report-error.ts";

const apiError = (status: number, body: unknown) =>
  new ApiError(
    status === 401 || status === 403
      ? ErrorCode.AUTH_REJECTED
      : status === 404
        ? ErrorCode.NOT_FOUND
        : ErrorCode.API_STATUS,
    {
      status,
      statusText: "X",
      method: "GET",
      url: "http://r/MAAS/api/2.0/machines/x/",
      body,
    },
  );

describe("exitCodeFor", () => {
  test.each<[string, unknown, number]>([
    ["usage", new HwsError(ErrorCode.USAGE, "x"), 2],
    ["bad time span", new HwsError(ErrorCode.TIME_SPAN_INVALID, "x"), 2],
    ["malformed key", new HwsError(ErrorCode.API_KEY_INVALID, "x"), 2],
    ["commander usage", new CommanderError(1, "commander.unknownOption", "x"), 2],
    ["commander help", new CommanderError(0, "commander.helpDisplayed", "x"), 0],
    ["401", apiError(401, "Authorization Error"), 3],
    ["403", apiError(403, ""), 3],
    ["404", apiError(404, "No Machine matches the given query."), 4],
    ["unknown profile", new HwsError(ErrorCode.PROFILE_NOT_FOUND, "x"), 4],
    ["409", apiError(409, "Can't deploy"), 1],
    ["500", apiError(500, "boom"), 1],
    ["connect", new HwsError(ErrorCode.NET_UNREACHABLE, "x"), 5],
    ["timeout", new HwsError(ErrorCode.TIMEOUT, "x"), 5],
    ["a bug", new TypeError("x is undefined"), 70],
    ["SIGINT", new InterruptedError(), 130],
  ])("maps %s to %i", (_name, error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });
});

describe("serverText", () => {
  test.each<[unknown, string]>([
    ["No Machine matches the given query.", "No Machine matches the given query."],
    [
      { enable_hw_sync: ["Hardware sync is only supported for Linux based image deploys."] },
      "enable_hw_sync: Hardware sync is only supported for Linux based image deploys.",
    ],
    ["<!DOCTYPE html><html>…</html>", "(an HTML page of 29 characters)"],
    ["", ""],
    [null, ""],
    ["a\n  b", "a b"],
  ])("renders %j as one line", (body, expected) => {
    expect(serverText(body)).toBe(expected);
  });
});

async function report(error: unknown, debug = false) {
  let text = "";
  const code = await reportError(error, {
    stderr: { write: (chunk: string) => (text += chunk) },
    colorLevel: 0,
    debug,
    profile: "admin",
  });
  return { code, text };
}

describe("reportError", () => {
  test("an API error is one line with status, server message and a hint", async () => {
    expect(await report(apiError(404, "No Machine matches the given query."))).toEqual({
      code: 4,
      text: "error HWS_NOT_FOUND [GET] http://r/MAAS/api/2.0/machines/x/: 404 X: No Machine matches the given query. Hint: check the id or name; maas admin machines read lists machines\n",
    });
  });

  test("a 401 tells the user to log in again with the profile's name", async () => {
    const { code, text } = await report(apiError(401, "Authorization Error: Invalid API key."));
    expect(code).toBe(3);
    expect(text).toContain(
      "Hint: the region did not accept the API key of profile 'admin'; log in again: maas login admin URL KEY",
    );
  });

  test("an uncoded error prints its stack and says it is a bug", async () => {
    const { code, text } = await report(new TypeError("boom"));
    expect(code).toBe(70);
    expect(text).toMatch(/^TypeError: boom\n\s+at /);
    expect(text.trimEnd().split("\n").at(-1)).toBe(
      "error this is a bug: please report it with the lines above (maas exit code 70)",
    );
  });

  test("--debug adds the stack to a coded error", async () => {
    const { text } = await report(new HwsError(ErrorCode.USAGE, "bad"), true);
    expect(text.split("\n")[0]).toBe("error HWS_USAGE bad");
    expect(text).toContain("HwsError: bad\n    at ");
  });

  test("commander errors print nothing more (commander already did)", async () => {
    expect(await report(new CommanderError(1, "commander.unknownOption", "x"))).toEqual({
      code: 2,
      text: "",
    });
  });
});
