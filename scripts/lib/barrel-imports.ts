import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Plugin } from "esbuild";

/**
 * Rewrites `import { a, b } from "@hwsync/shared"` in the agent's sources into imports from the
 * files of shared that define `a` and `b` (the "barrel file optimisation" Next.js applies to
 * `optimizePackageImports`).
 *
 * Why: in a CommonJS bundle esbuild initialises an imported ES module as a whole, and shared's
 * index initialises every module it re-exports. `collect` would then pay for yaml, the HTTP
 * client and p-retry (≈40 ms and several MiB at every start) although it only validates and
 * hashes. Shared's modules have no side effects beyond defining their exports, so importing
 * them one by one is equivalent. Type-only specifiers are dropped: they exist for tsc alone.
 */
export function sharedBarrelImports(root: string): Plugin {
  const sharedSrc = join(root, "packages/shared/src");
  const exportsMap = readBarrel(join(sharedSrc, "index.ts"));
  return {
    name: "shared-barrel-imports",
    setup(build) {
      build.onLoad({ filter: /packages\/agent\/src\/.*\.ts$/ }, (args) => {
        const source = readFileSync(args.path, "utf8");
        const rewritten = source.replace(
          /import\s+(type\s+)?\{([^}]*)\}\s+from\s+"@hwsync\/shared";/g,
          (_all, typeOnly: string | undefined, list: string) => {
            if (typeOnly) return "";
            const byFile = new Map<string, string[]>();
            for (const raw of list.split(",")) {
              const specifier = raw.trim();
              if (!specifier || specifier.startsWith("type ")) continue;
              const name = specifier.split(/\s+as\s+/)[0]!.trim();
              const file = exportsMap.get(name);
              if (!file)
                throw new Error(`${args.path}: ${name} is not exported by @hwsync/shared's index.ts`);
              byFile.set(file, [...(byFile.get(file) ?? []), specifier]);
            }
            return [...byFile]
              .map(
                ([file, names]) =>
                  `import { ${names.join(", ")} } from ${JSON.stringify(join(sharedSrc, file))};`,
              )
              .join("\n");
          },
        );
        return { contents: rewritten, loader: "ts" };
      });
    },
  };
}

/** `export { a, type B, c } from "./x.ts";` blocks of a barrel → name → defining file. */
function readBarrel(path: string): Map<string, string> {
  const out = new Map<string, string>();
  const text = readFileSync(path, "utf8");
  for (const match of text.matchAll(/export\s+\{([^}]*)\}\s+from\s+"([^"]+)";/g)) {
    for (const raw of match[1]!.split(",")) {
      const specifier = raw.trim().replace(/^type\s+/, "");
      if (!specifier) continue;
      const exported = specifier
        .split(/\s+as\s+/)
        .pop()!
        .trim();
      out.set(exported, match[2]!);
    }
  }
  return out;
}
