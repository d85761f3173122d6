import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, test } from "vitest";

// The region's module graph, read from the sources: every relative import (type-only ones too,
// since they tie the files together just the same), keyed by path below src/.
const SRC = resolve(import.meta.dirname, "../src");
const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.[^"]+)"|\bimport\(\s*"(\.[^"]+)"\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const graph = new Map<string, string[]>();
for (const file of sourceFiles(SRC)) {
  const imports = [...readFileSync(file, "utf8").matchAll(IMPORT)].map((match) =>
    relative(SRC, resolve(dirname(file), (match[1] ?? match[2])!)),
  );
  graph.set(relative(SRC, file), imports);
}

/** Every import cycle, each as the path of files that closes it (first file repeated at the end). */
function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return found;
}

/** `importer → imported` pairs where a file under `from` imports one under any of `forbidden`. */
function crossings(from: string, forbidden: string[]): string[] {
  return [...graph].flatMap(([file, imports]) =>
    file.startsWith(from)
      ? imports
          .filter((target) => forbidden.some((dir) => target.startsWith(dir)))
          .map((target) => `${file} → ${target}`)
      : [],
  );
}

describe("packages/region/src imports", () => {
  test("the graph was read (every import resolves to a file of src/)", () => {
    expect(graph.size).toBeGreaterThan(50);
    const dangling = [...graph].flatMap(([file, imports]) =>
      imports.filter((target) => !graph.has(target)).map((target) => `${file} → ${target}`),
    );
    expect(dangling).toEqual([]);
  });

  test("have no cycle", () => {
    expect(cycles().map((cycle) => cycle.join(" → "))).toEqual([]);
  });

  test("db/ and model/ import nothing from services/ or routes/", () => {
    expect(crossings("db/", ["services/", "routes/"])).toEqual([]);
    expect(crossings("model/", ["db/", "services/", "routes/"])).toEqual([]);
  });

  test("services never import routes, and nothing but the entry points imports the app builder", () => {
    expect(crossings("services/", ["routes/"])).toEqual([]);
    const appImporters = [...graph].filter(([, imports]) => imports.includes("app.ts")).map(([file]) => file);
    expect(appImporters.sort()).toEqual(["index.ts", "server.ts"]);
  });

  test("services take typed inputs: none of them reads an HTTP form (body.ts)", () => {
    expect(crossings("services/", ["body.ts"])).toEqual([]);
  });

  test("the checks above would see a cycle and a crossing", () => {
    graph.set("db/__probe.ts", ["services/__probe.ts"]);
    graph.set("services/__probe.ts", ["db/__probe.ts"]);
    try {
      expect(cycles().map((cycle) => cycle.join(" → "))).toEqual([
        "db/__probe.ts → services/__probe.ts → db/__probe.ts",
      ]);
      expect(crossings("db/", ["services/"])).toEqual(["db/__probe.ts → services/__probe.ts"]);
    } finally {
      graph.delete("db/__probe.ts");
      graph.delete("services/__probe.ts");
    }
  });
});
