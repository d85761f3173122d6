import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { expect, test } from "vitest";

// House rule: cli, agent and region import only @hwsync/shared (tests may add @hwsync/testkit);
// no package reaches into another's files by relative path.
const PACKAGES = join(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|tsx)$/.test(name)) out.push(path);
  }
  return out;
}

test("cli, agent and region import no sibling package but shared", () => {
  const offences: string[] = [];
  for (const pkg of ["cli", "agent", "region", "shared"]) {
    const srcDir = join(PACKAGES, pkg, "src");
    let files: string[] = [];
    try {
      files = sourceFiles(srcDir);
    } catch {
      continue;
    }
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) {
        const spec = match[1]!;
        const sibling = /^@hwsync\/([^/]+)/.exec(spec)?.[1];
        const allowed = pkg === "shared" ? [] : ["shared"];
        if (sibling && !allowed.includes(sibling))
          offences.push(`${relative(PACKAGES, file)} imports ${spec}`);
        if (
          spec.startsWith(".") &&
          /\.\.\/\.\.\/(?:\.\.\/)*(cli|agent|region|shared|web|testkit)\//.test(spec)
        ) {
          offences.push(`${relative(PACKAGES, file)} reaches into ${spec}`);
        }
      }
    }
  }
  expect(offences).toEqual([]);
});

// The CLI and the agent bundle shared into binaries that must start fast. A barrel import
// (`from "@hwsync/shared"`) makes esbuild load every module behind the barrel — the HTTP client,
// yaml, zod — even for `maas --help` (measured 46 → 81 ms); import the defining module instead,
// e.g. `@hwsync/shared/errors` (package.json "exports" lists the subpaths).
test("cli and agent sources import shared by subpath, never through the barrel", () => {
  const offences: string[] = [];
  for (const pkg of ["cli", "agent"]) {
    for (const file of sourceFiles(join(PACKAGES, pkg, "src"))) {
      const text = readFileSync(file, "utf8");
      if (/(?:from|import)\s*\(?\s*["']@hwsync\/shared["']/.test(text))
        offences.push(relative(PACKAGES, file));
    }
  }
  expect(offences).toEqual([]);
});

test("every shared subpath a package imports is exported by shared's package.json", () => {
  const exported = Object.keys(
    JSON.parse(readFileSync(join(PACKAGES, "shared/package.json"), "utf8")).exports as Record<
      string,
      unknown
    >,
  );
  const allowed = (subpath: string) =>
    exported.includes(`./${subpath}`) ||
    exported.some((key) => key.endsWith("/*") && subpath.startsWith(key.slice(2, -1)));
  const offences: string[] = [];
  for (const pkg of ["cli", "agent", "region", "web"]) {
    for (const file of sourceFiles(join(PACKAGES, pkg, "src"))) {
      for (const match of readFileSync(file, "utf8").matchAll(/["']@hwsync\/shared\/([^"']+)["']/g)) {
        if (!allowed(match[1]!))
          offences.push(`${relative(PACKAGES, file)} imports @hwsync/shared/${match[1]}`);
      }
    }
  }
  expect(offences).toEqual([]);
});
