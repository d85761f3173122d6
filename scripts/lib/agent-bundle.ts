import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type BuildOptions, build, type Plugin } from "esbuild";

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
 * Requiring `node:crypto` loads ~15 internal modules (streams, ciphers, webcrypto): ~8 ms of CPU
 * at each start under --jitless. Only `run` hashes or signs, yet shared's wire/push.ts and
 * oauth.ts import it at the top, so `collect` paid for it too. In the agent's bundle these
 * functions require it on first call instead. Importing any other name fails the build.
 */
function lazyCrypto(): Plugin {
  const names = ["createHash", "randomBytes", "timingSafeEqual"];
  return {
    name: "lazy-crypto",
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^node:crypto$/ }, (args) =>
        args.namespace === "hwsync-lazy"
          ? { path: "node:crypto", external: true }
          : { path: "crypto", namespace: "hwsync-lazy" },
      );
      pluginBuild.onLoad({ filter: /.*/, namespace: "hwsync-lazy" }, () => ({
        contents: [
          "let crypto;",
          'const load = () => (crypto ??= process.getBuiltinModule("node:crypto"));',
          ...names.map((name) => `export function ${name}(...args) { return load().${name}(...args); }`),
        ].join("\n"),
        loader: "js",
      }));
    },
  };
}

/**
 * Bundles the agent into ONE CommonJS file, the only form a Node 24 SEA can run as its main
 * script. Workspace packages resolve to their TypeScript sources (`@hwsync/source` condition);
 * `undici`, which shared's ApiClient sends through, resolves to the agent's node:http stand-in
 * for the part of it the client uses (packages/agent/src/undici-lite.ts).
 */
export async function bundleAgent(root: string, outDir: string): Promise<BundleResult> {
  const started = performance.now();
  const outfile = join(outDir, "agent.cjs");
  const library = join(outDir, "systeminformation.cjs");
  const agentOptions: BuildOptions = {
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node24",
    minify: true,
    conditions: ["@hwsync/source"],
    alias: { undici: "./packages/agent/src/undici-lite.ts" },
    // The agent imports shared by subpath, never the barrel: a CommonJS bundle initialises an
    // imported ES module whole, so a barrel import would make `collect` load the HTTP client,
    // yaml and p-retry too (measured: `collect` median 86 ms by subpath, 93 ms through the barrel
    // even with shared's `sideEffects: false`). The dependency rule test in shared enforces it.
    plugins: [zodEnglishOnly(root), lazyCrypto()],
    // Every byte of the main script is parsed at each start; see src/systeminformation.ts.
    external: ["systeminformation"],
    legalComments: "eof",
    logLevel: "warning",
  };
  await build({ ...agentOptions, entryPoints: [join(root, "packages/agent/src/bin.ts")], outfile });
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
