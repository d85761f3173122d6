type SystemInformation = typeof import("systeminformation");

/** Name of the SEA asset that carries the bundled library (scripts/build-agent.ts). */
export const SI_ASSET = "systeminformation.cjs";

/**
 * Loads systeminformation on demand. In the single binary it lives in a SEA asset rather than in
 * the main script: the agent needs it only on ARM, and every byte of the main script is parsed at
 * each start (its 320 KB cost ~3 MB of RSS on every run of every machine).
 */
export async function loadSystemInformation(): Promise<SystemInformation> {
  // getBuiltinModule, not import(): the binary starts from a V8 startup snapshot, which has no
  // dynamic import() callback (and import() of a builtin evaluates all of its lazy exports).
  const sea = process.getBuiltinModule("node:sea");
  if (sea?.isSea()) {
    const { createRequire } = process.getBuiltinModule("node:module");
    const { compileFunction } = process.getBuiltinModule("node:vm");
    const code = sea.getAsset(SI_ASSET, "utf8");
    const module = { exports: {} as SystemInformation };
    const evaluate = compileFunction(code, ["exports", "require", "module", "__filename", "__dirname"], {
      filename: `/${SI_ASSET}`,
    });
    // A SEA's require resolves built-in modules only, which is all the bundled library needs.
    evaluate(module.exports, createRequire(process.execPath), module, `/${SI_ASSET}`, "/");
    return module.exports;
  }
  const imported = await import("systeminformation");
  return (imported as { default?: SystemInformation }).default ?? (imported as SystemInformation);
}
