// Bundles the CLI: src/main.ts → dist/maas.js (+ lazily loaded chunks), ESM for Node 24.
// The root build calls buildCli(); `node packages/cli/build.ts` runs it alone.
import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildOptions, Metafile } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));

// Start-up cost is mostly module loading, so undici, yaml and zod must load only when a command
// needs them. CLI sources import shared by subpath (`@hwsync/shared/errors`, not the barrel):
// with code splitting esbuild assigns whole files to chunks, and a barrel import would make
// every module behind the barrel reachable from the entry chunk, even with `sideEffects: false`
// (measured: `maas --help` median 46 ms by subpath, 81 ms through the barrel). The dependency
// rule test in shared keeps it that way.

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
