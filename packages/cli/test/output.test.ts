import { describe, expect, test } from "vitest";
import { extractGlobals, type GlobalOptions } from "../src/main.ts";
import { colorLevel, resolveFormat } from "../src/output.ts";
import { testOutput } from "./helpers/cli.ts";

const tty = { write: () => true, isTTY: true };
const pipe = { write: () => true, isTTY: false };

describe("colorLevel", () => {
  test.each<[string, Record<string, string>, typeof tty, number]>([
    ["NO_COLOR wins over a terminal", { NO_COLOR: "1" }, tty, 0],
    ["NO_COLOR wins over FORCE_COLOR", { NO_COLOR: "1", FORCE_COLOR: "3" }, tty, 0],
    ["an empty NO_COLOR is ignored", { NO_COLOR: "" }, tty, 1],
    ["FORCE_COLOR colours a pipe", { FORCE_COLOR: "1" }, pipe, 1],
    ["FORCE_COLOR=0 turns colour off", { FORCE_COLOR: "0" }, tty, 0],
    ["a pipe has no colour", {}, pipe, 0],
    ["TERM=dumb has no colour", { TERM: "dumb" }, tty, 0],
    ["a 256-colour terminal", { TERM: "xterm-256color" }, tty, 2],
    ["a truecolor terminal", { COLORTERM: "truecolor" }, tty, 3],
  ])("%s", (_name, env, stream, level) => {
    expect(colorLevel(stream, env)).toBe(level);
  });
});

describe("resolveFormat", () => {
  test.each<[string, string | undefined, Record<string, string>, typeof tty, string]>([
    ["tables on a terminal", undefined, {}, tty, "table"],
    ["JSON off a terminal", undefined, {}, pipe, "json"],
    ["the flag wins", "yaml", { MAAS_HWSYNC_FORMAT: "table" }, pipe, "yaml"],
    ["the environment next", undefined, { MAAS_HWSYNC_FORMAT: "table" }, pipe, "table"],
  ])("%s", (_name, flag, env, stream, format) => {
    expect(resolveFormat(flag, env, stream)).toBe(format);
  });

  test("an unknown format names the accepted ones", () => {
    expect(() => resolveFormat("xml", {}, tty)).toThrow(
      "--format 'xml' is not a format. Use one of: json, yaml, table.",
    );
  });
});

describe("Output.data", () => {
  const collect = async (format: "json" | "yaml" | "table", value: unknown) => {
    const { output, stdout } = testOutput({ format, now: new Date("2026-11-24T12:00:00Z") });
    await output.data(value);
    return stdout();
  };

  test("JSON keeps MAAS's field names, indented 4 like the region", async () => {
    expect(await collect("json", { system_id: "abc", enable_hw_sync: true })).toBe(
      '{\n    "system_id": "abc",\n    "enable_hw_sync": true\n}\n',
    );
  });

  test("YAML comes from the yaml package", async () => {
    expect(await collect("yaml", { system_id: "abc", tags: ["a"] })).toBe("system_id: abc\ntags:\n  - a\n");
  });

  test("a list of objects becomes a table, identifying columns first", async () => {
    expect(
      await collect("table", [{ id: 1, level: "INFO", hostname: "web-07", nested: { a: 1 } }]),
    ).toMatchInlineSnapshot(`
        "HOSTNAME  ID  LEVEL
        web-07    1   INFO
        "
      `);
  });
});

describe("extractGlobals", () => {
  test.each<[string[], Partial<GlobalOptions>]>([
    [
      ["admin", "machines", "read", "--format", "yaml"],
      { rest: ["admin", "machines", "read"], format: "yaml" },
    ],
    [["--format=json", "list"], { rest: ["list"], format: "json" }],
    [["--debug", "admin", "--no-color"], { rest: ["admin"], debug: true, noColor: true }],
    [["admin", "x", "y", "--", "--format", "z"], { rest: ["admin", "x", "y", "--", "--format", "z"] }],
    [
      ["__complete", "maas", "--format", ""],
      { rest: ["__complete", "maas", "--format", ""], format: undefined },
    ],
  ])("reads %j", (argv, expected) => {
    expect(extractGlobals(argv)).toMatchObject(expected);
  });

  test("--format without a value names the accepted ones", () => {
    expect(() => extractGlobals(["list", "--format"])).toThrow("--format needs a value: json, yaml or table");
  });
});
