import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { expect, test } from "vitest";

// Modules of packages/cli/src must not import each other in a circle, lazily or not: a cycle
// makes the load order decide what is undefined at start-up, and hides which module owns what.
const SRC = resolve(import.meta.dirname, "../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Relative imports of a module: `import … from "./x.ts"`, `export … from`, `import("./x.ts")`. */
export function relativeImports(file: string, text: string): string[] {
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*["'](\.[^"']+)["']/gm),
    ...text.matchAll(/\bimport\(\s*["'](\.[^"']+)["']\s*\)/g),
  ].map((match) => match[1]!);
  return specifiers.filter((spec) => spec.endsWith(".ts")).map((spec) => resolve(dirname(file), spec));
}

/** Every cycle reachable in the graph, each as the path of files that closes it. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (file: string) => {
    const open = stack.indexOf(file);
    if (open >= 0) {
      cycles.push([...stack.slice(open), file]);
      return;
    }
    if (done.has(file)) return;
    stack.push(file);
    for (const next of graph.get(file) ?? []) visit(next);
    stack.pop();
    done.add(file);
  };
  for (const file of graph.keys()) visit(file);
  return cycles;
}

test("the cycle finder sees a cycle through a lazy import", () => {
  const a = "/src/a.ts";
  const b = "/src/b.ts";
  const graph = new Map([
    [a, relativeImports(a, 'import { x } from "./b.ts";')],
    [b, relativeImports(b, 'const { a } = await import("./a.ts");')],
  ]);
  expect(findCycles(graph)).toEqual([[a, b, a]]);
});

test("packages/cli/src has no import cycle", () => {
  const graph = new Map(
    sourceFiles(SRC).map((file) => [file, relativeImports(file, readFileSync(file, "utf8"))]),
  );
  const cycles = findCycles(graph).map((cycle) => cycle.map((file) => relative(SRC, file)).join(" → "));
  expect(cycles).toEqual([]);
});
