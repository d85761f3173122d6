// Bundles the CLI: src/main.ts → dist/maas.js (+ lazily loaded chunks), ESM for Node 24.
// The root build calls buildCli(); `node packages/cli/build.ts` runs it alone.
import { readFile, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildOptions, Metafile, Plugin } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const sharedSrc = resolve(here, "../shared/src");

/**
 * Start-up cost is mostly module loading, so the bundle must load undici, yaml and zod only when a
 * command needs them. Two obstacles, both solved here rather than in shared:
 * - shared declares no `sideEffects`, so esbuild would keep every module its index re-exports;
 * - with code splitting, esbuild assigns whole files to chunks, and a barrel import makes every
 *   file behind the barrel reachable from the entry. So `import { HwsError } from "@hwsync/shared"`
 *   in CLI sources is rewritten to import straight from the shared file that defines it.
 */
async function sharedExportMap(): Promise<Map<string, string>> {
  const index = await readFile(join(sharedSrc, "index.ts"), "utf8");
  const map = new Map<string, string>();
  for (const match of index.matchAll(/export\s*\{([^}]*)\}\s*from\s*"(\.[^"]+)"/g)) {
    for (const raw of match[1]!.split(",")) {
      const name = raw.trim().replace(/^type\s+/, "");
      if (name) map.set(name, resolve(sharedSrc, match[2]!));
    }
  }
  return map;
}

const IMPORT_SHARED = /import\s*\{([^}]*)\}\s*from\s*"@hwsync\/shared";/g;

export function splitSharedImports(source: string, exports: Map<string, string>): string {
  return source.replace(IMPORT_SHARED, (statement, names: string) => {
    const byFile = new Map<string, string[]>();
    for (const raw of names.split(",")) {
      const spec = raw.trim();
      if (!spec || spec.startsWith("type ")) continue;
      const file = exports.get(spec.split(/\s+as\s+/)[0]!);
      if (!file) return statement;
      byFile.set(file, [...(byFile.get(file) ?? []), spec]);
    }
    return [...byFile]
      .map(([file, specs]) => `import { ${specs.join(", ")} } from ${JSON.stringify(file)};`)
      .join(" ");
  });
}

const sharedHasNoSideEffects: Plugin = {
  name: "shared-deep-imports",
  setup(build) {
    const exports = sharedExportMap();
    build.onLoad({ filter: /[\\/]packages[\\/]cli[\\/]src[\\/].*\.ts$/ }, async (args) => ({
      contents: splitSharedImports(await readFile(args.path, "utf8"), await exports),
      loader: "ts",
    }));
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (!args.importer.startsWith(sharedSrc)) return undefined;
      return { path: resolve(dirname(args.importer), args.path), sideEffects: false };
    });
  },
};

export function cliBuildOptions(outdir = join(here, "dist")): BuildOptions {
  return {
    entryPoints: { maas: join(here, "src/main.ts") },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node24",
    chunkNames: "chunks/[name]-[hash]",
    conditions: ["@hwsync/source"],
    // cli-table3's colour helper require()s Node built-ins, which ESM output can't do alone.
    banner: {
      js: 'import { createRequire as __cliCreateRequire } from "node:module"; const require = __cliCreateRequire(import.meta.url);',
    },
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: "linked",
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
    plugins: [sharedHasNoSideEffects],
  };
}

/** Builds dist/ from scratch; returns esbuild's metafile (sizes, for the bench and the report). */
export async function buildCli(outdir = join(here, "dist")): Promise<Metafile> {
  const { build } = await import("esbuild");
  await rm(outdir, { recursive: true, force: true });
  const result = await build(cliBuildOptions(outdir));
  return result.metafile!;
}

if (import.meta.main) {
  const metafile = await buildCli();
  for (const [file, info] of Object.entries(metafile.outputs)) {
    if (file.endsWith(".js")) console.log(`${(info.bytes / 1024).toFixed(1).padStart(8)} kB  ${file}`);
  }
}
