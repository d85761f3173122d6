import { Help } from "commander";
import { describe, expect, test } from "vitest";
import { BUILTINS, createCommand, RESOURCE_VERBS } from "../src/registry.ts";
import { runCli, tempConfigDir, testContext } from "./helpers/cli.ts";

const VERBS = [...BUILTINS, ...RESOURCE_VERBS];

describe.each(VERBS.map((verb) => [`${"resource" in verb ? `${verb.resource} ` : ""}${verb.name}`, verb]))(
  "%s",
  (_label, verb) => {
    test("its module builds the command the registry declares", async () => {
      const command = await createCommand(verb, testContext(await tempConfigDir()));
      expect(command.name()).toBe(verb.name);
      expect(command.summary()).toBe(verb.summary);
      // The usage help lists before loading the module is the one commander derives from it.
      expect(new Help().subcommandTerm(command)).toBe(`${verb.name} ${verb.usage}`);
    });

    test("its summary has one source: the module sets none of its own", async () => {
      const build = await verb.load();
      expect(build(testContext(await tempConfigDir())).summary()).toBe("");
    });
  },
);

test("no verb is declared twice", () => {
  const keys = VERBS.map((verb) => `${"resource" in verb ? verb.resource : ""} ${verb.name}`);
  expect(new Set(keys).size).toBe(keys.length);
});

test("maas --help lists every builtin with its usage and summary", async () => {
  const help = await runCli(["--help"]);
  expect(help.code).toBe(0);
  for (const verb of BUILTINS) {
    expect(help.stdout).toMatch(
      new RegExp(`^  ${verb.name} ${escapeRegExp(verb.usage)} +${escapeRegExp(verb.summary)}$`, "m"),
    );
  }
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
