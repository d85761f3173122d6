// The region's public surface for the testkit, the web UI's browser test, the reliability tests and
// the scripts, and the types their functions take. Explicit names, no `export *`.
export { buildApp } from "./app.ts";
export { type Clock, systemClock } from "./clock.ts";
export { type Db, dropSchema, type OpenDatabaseOptions, openDatabase } from "./db/db.ts";
export { type AppDeps, defaultRegionConfig, type RegionConfig } from "./deps.ts";
export { type RunningRegion, type StartRegionOptions, startRegion } from "./server.ts";
export { type DeployOptions, deployMachine, type LifecycleContext } from "./services/deploy.ts";
export { createMachine, machineToken, type NewMachineInput } from "./services/machines.ts";
export { createAdmin, createUser, getOrCreateApiKey } from "./services/users.ts";
