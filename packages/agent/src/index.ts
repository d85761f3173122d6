export { API_EXTENSIONS, type CollectOptions, collectInventory, type Inventory } from "./collect.ts";
export { EXIT, type ExitCode, exitCodeFor, InterruptedError } from "./exit-codes.ts";
export { createLogger, createMemoryLogger, type Logger } from "./log.ts";
export { type MainIo, main } from "./main.ts";
export { type PushMode, type PushOptions, type PushOutcome, pushInventory } from "./push.ts";
export { DEFAULT_STATE_DIR, type RunState, Spool } from "./spool.ts";
export { VERSION } from "./version.ts";
