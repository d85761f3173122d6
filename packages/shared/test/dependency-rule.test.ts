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
