import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { expect, test } from "vitest";
import { REPO_ROOT } from "../src/fixtures.ts";

// scripts/ (start, demo, bench) run under plain Node, where vitest is not installed for them to
// import: whatever they load, testkit's subpaths included, must not import vitest.

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** `@hwsync/pkg/sub` → the source file its package.json exports under "@hwsync/source". */
function resolveWorkspace(specifier: string): string | undefined {
  const match = /^@hwsync\/([^/]+)(\/.*)?$/.exec(specifier);
  if (!match) return undefined;
  const packageDir = join(REPO_ROOT, "packages", match[1]!);
  const exports = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")).exports ?? {};
  const subpath = `.${match[2] ?? ""}`;
  for (const [key, value] of Object.entries<unknown>(exports)) {
    const target = typeof value === "string" ? value : (value as Record<string, string>)["@hwsync/source"];
    if (!target) continue;
    if (key === subpath) return join(packageDir, target);
    if (key.endsWith("/*") && subpath.startsWith(key.slice(0, -1)))
      return join(packageDir, target.replace("*", subpath.slice(key.length - 1)));
  }
  return undefined;
}

/** What a module loads at run time (`import type` loads nothing). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [
    ...text.matchAll(/^\s*(?:import|export)\b(?!\s+type\b)[^;]*?\bfrom\s*["']([^"']+)["']/gm),
    ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].map((match) => match[1]!);
}

test("nothing scripts/ loads imports vitest", () => {
  const offences: string[] = [];
  const seen = new Set<string>();
  const visit = (file: string, via: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of importsOf(file)) {
      if (specifier === "vitest" || specifier.startsWith("vitest/")) {
        offences.push([...via, file].map((path) => relative(REPO_ROOT, path)).join(" → "));
        continue;
      }
      const next = specifier.startsWith(".")
        ? resolve(dirname(file), specifier)
        : resolveWorkspace(specifier);
      if (next?.endsWith(".ts") && existsSync(next)) visit(next, [...via, file]);
    }
  };
  for (const file of tsFiles(join(REPO_ROOT, "scripts"))) visit(file, []);
  expect(seen.has(join(REPO_ROOT, "packages/testkit/src/process.ts"))).toBe(true);
  expect(offences).toEqual([]);
});
