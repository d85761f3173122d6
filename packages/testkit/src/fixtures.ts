import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { HardwarePayloadInput } from "@hwsync/shared";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * The machine-resources documents every test reads: the one place that knows where they live,
 * inside the repository, so a fresh clone tests with nothing beside it.
 */
export const FIXTURES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../fixtures");

/** Fixture payload by file name (`machine-resources-x86.json`); a fresh copy on each call. */
// biome-ignore lint/suspicious/noExplicitAny: tests mutate fixtures freely to build variants.
export function fixture(name: string): HardwarePayloadInput & Record<string, any> {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, name), "utf8"));
}

/** The fixture file names, sorted, so test names and orders are stable. */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((name) => name.endsWith(".json"))
    .sort();
}
