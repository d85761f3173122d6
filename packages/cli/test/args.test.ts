import { describe, expect, test } from "vitest";
import { lastValue, parseDataArgs, parseMaasBoolean, readDataFiles } from "../src/args.ts";

describe("parseDataArgs", () => {
  test.each([
    ["enable_hw_sync=true", { key: "enable_hw_sync", value: "true", isFile: false }],
    ["comment=a=b c", { key: "comment", value: "a=b c", isFile: false }],
    ["comment=", { key: "comment", value: "", isFile: false }],
    ["user_data@=cloud.yaml", { key: "user_data", value: "cloud.yaml", isFile: true }],
    ["name=hardware_sync_interval", { key: "name", value: "hardware_sync_interval", isFile: false }],
  ])("splits %s at the first '='", (arg, expected) => {
    expect(parseDataArgs([arg])).toEqual([expected]);
  });

  test.each(["enable_hw_sync", "=true", "@=file", "two words=x", "-flag=x"])(
    "refuses %j with the accepted forms in the message",
    (arg) => {
      expect(() => parseDataArgs([arg])).toThrow(
        expect.objectContaining({
          code: "HWS_USAGE",
          message: expect.stringContaining("name=value or name@=filename"),
        }),
      );
    },
  );

  test("keeps repeated keys in order and lastValue picks the last", () => {
    const args = parseDataArgs(["hostname=a", "hostname=b"]);
    expect(args.map((arg) => arg.value)).toEqual(["a", "b"]);
    expect(lastValue(args, "hostname")).toBe("b");
    expect(lastValue(args, "missing")).toBeUndefined();
  });
});

describe("readDataFiles", () => {
  test("reads each name@=file with the injected reader", async () => {
    const files = await readDataFiles(parseDataArgs(["a=1", "user_data@=x.yaml"]), async (path) =>
      new TextEncoder().encode(`content of ${path}`),
    );
    expect(files).toEqual([
      { key: "user_data", path: "x.yaml", content: new TextEncoder().encode("content of x.yaml") },
    ]);
  });

  test("names the argument and the reason when a file can't be read", async () => {
    await expect(readDataFiles(parseDataArgs(["user_data@=/nonexistent/x"]))).rejects.toMatchObject({
      code: "HWS_USAGE",
      message: "cannot read user_data@=/nonexistent/x: ENOENT (/nonexistent/x)",
    });
  });
});

describe("parseMaasBoolean", () => {
  test.each([
    ["true", true],
    ["T", true],
    ["yes", true],
    ["on", true],
    ["1", true],
    ["false", false],
    ["No", false],
    ["off", false],
    ["0", false],
    ["maybe", undefined],
    ["", undefined],
  ])("reads %j as %s", (text, expected) => {
    expect(parseMaasBoolean(text)).toBe(expected);
  });
});
