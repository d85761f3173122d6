import manifest from "../package.json" with { type: "json" };

/** The agent's version, from its package.json (inlined into the single binary at build time). */
export const VERSION: string = manifest.version;
