// The region's public surface for the testkit, e2e tests and the build. Explicit names, no `export *`.
export { buildApp } from "./app.ts";
export type { Principal } from "./auth.ts";
export { type Clock, type FakeClock, fakeClock, systemClock } from "./clock.ts";
export { type Db, dropSchema, type OpenDatabaseOptions, openDatabase } from "./db/db.ts";
export { getMachineBySystemId, type MachineRow } from "./db/machines.ts";
export { type AppDeps, DEFAULT_MAX_PAYLOAD_BYTES, defaultRegionConfig, type RegionConfig } from "./deps.ts";
export { RegionError } from "./errors.ts";
export { main, run } from "./main.ts";
export { DEFAULT_AGENT_DIR, type RunningRegion, type StartRegionOptions, startRegion } from "./server.ts";
export { deployMachine } from "./services/deploy.ts";
export { machineToJson } from "./services/machine-json.ts";
export { createMachine, machineToken, type NewMachineInput, releaseMachine } from "./services/machines.ts";
export { createAdmin, createUser, getOrCreateApiKey } from "./services/users.ts";
