// The package's programmatic surface, for tests and tools that drive the CLI in-process.

export { type DeployOptions, toDeployParams } from "./commands/machine/deploy.ts";
export { extractGlobals, type GlobalOptions, main, type RunIo, run } from "./main.ts";
export { resolveConfigDir } from "./profiles.ts";
export { ExitCode, exitCodeFor } from "./report-error.ts";
