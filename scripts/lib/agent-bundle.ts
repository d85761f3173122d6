import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { build, type Plugin } from "esbuild";
import { sharedBarrelImports } from "./barrel-imports.ts";

export interface BundleResult {
  file: string;
  bytes: number;
  /** systeminformation as its own CommonJS file: a SEA asset the agent loads only on ARM. */
  library: string;
  libraryBytes: number;
  ms: number;
}

/**
 * Zod's `z` namespace re-exports every locale (≈260 KB of the ≈450 KB it adds to the bundle);
 * our schemas only ever use English messages. Serving a locales index with `en` alone keeps the
 * parse time and RSS of every start-up down. `z.locales.<other>` would be undefined in the binary.
 */
function zodEnglishOnly(root: string): Plugin {
  const require = createRequire(join(root, "packages/shared/package.json"));
  const localesDir = join(dirname(require.resolve("zod/package.json")), "v4/locales");
  return {
    name: "zod-english-only",
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /(^|\/)locales\/index\.js$/ }, (args) =>
        args.importer.includes("/zod/") ? { path: "zod-locales-en", namespace: "hwsync-stub" } : undefined,
      );
      pluginBuild.onLoad({ filter: /.*/, namespace: "hwsync-stub" }, () => ({
        contents: 'export { default as en } from "./en.js";',
        resolveDir: localesDir,
        loader: "js",
      }));
    },
  };
}

/**
 * Bundles the agent into ONE CommonJS file, the only form a Node 24 SEA can run as its main
 * script. Workspace packages resolve to their TypeScript sources (`@hwsync/source` condition);
 * `undici` resolves to the agent's node:http client (see packages/agent/src/undici-lite.ts).
 */
export async function bundleAgent(root: string, outDir: string): Promise<BundleResult> {
  const started = performance.now();
  const outfile = join(outDir, "agent.cjs");
  const library = join(outDir, "systeminformation.cjs");
  await build({
    absWorkingDir: root,
    entryPoints: [join(root, "packages/agent/src/bin.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node24",
    minify: true,
    conditions: ["@hwsync/source"],
    alias: { undici: "./packages/agent/src/undici-lite.ts" },
    plugins: [zodEnglishOnly(root), sharedBarrelImports(root)],
    // Every byte of the main script is parsed at each start; see src/systeminformation.ts.
    external: ["systeminformation"],
    legalComments: "eof",
    logLevel: "warning",
  });
  await build({
    absWorkingDir: join(root, "packages/agent"),
    stdin: {
      contents: 'module.exports = require("systeminformation");',
      resolveDir: join(root, "packages/agent"),
    },
    outfile: library,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node24",
    minify: true,
    legalComments: "eof",
    logLevel: "warning",
  });
  return {
    file: outfile,
    bytes: statSync(outfile).size,
    library,
    libraryBytes: statSync(library).size,
    ms: performance.now() - started,
  };
}
