import { mkdirSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const PACKAGE_DIR = dirname(fileURLToPath(import.meta.url));
export const REGION_BUNDLE = resolve(PACKAGE_DIR, "dist/maas-region.js");

// Our workspace packages are bundled from their TypeScript sources; every npm dependency stays
// an import (PGlite ships wasm and data files next to its code, pg has optional native parts).
const externalNpmPackages: Plugin = {
  name: "external-npm-packages",
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("@hwsync/") || args.path.startsWith("node:")
        ? undefined
        : { path: args.path, external: true },
    );
  },
};

/**
 * Bundles src/main.ts into dist/maas-region.js (bin/maas-region.js imports it), ESM for Node.
 * The library entry src/index.ts is not bundled: every importer (testkit, tests, scripts) runs
 * on the sources through the "@hwsync/source" condition.
 */
export async function buildRegion(
  options: { minify?: boolean } = {},
): Promise<{ outfile: string; bytes: number }> {
  // Chunk names carry content hashes: start clean so old chunks do not pile up.
  rmSync(dirname(REGION_BUNDLE), { recursive: true, force: true });
  mkdirSync(dirname(REGION_BUNDLE), { recursive: true });
  const result = await build({
    entryPoints: { "maas-region": resolve(PACKAGE_DIR, "src/main.ts") },
    outdir: dirname(REGION_BUNDLE),
    splitting: true,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node24",
    conditions: ["@hwsync/source"],
    plugins: [externalNpmPackages],
    minify: options.minify ?? false,
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
  });
  const bytes = Object.entries(result.metafile.outputs)
    .filter(([name]) => name.endsWith(".js"))
    .reduce((sum, [, output]) => sum + output.bytes, 0);
  return { outfile: REGION_BUNDLE, bytes };
}

if (import.meta.main) {
  const { outfile, bytes } = await buildRegion();
  process.stderr.write(`built ${outfile} (${(bytes / 1024).toFixed(0)} KiB)\n`);
}
