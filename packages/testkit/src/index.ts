// Test helpers: a real region on 127.0.0.1 (PGlite or PostgreSQL), fixtures, and process runners
// for the built binaries. Tests only; nothing here ships.
export { FIXTURES_DIR, fixture, fixtureNames, REPO_ROOT } from "./fixtures.ts";
export { BUILT, type ProcessResult, runCli, runProcess } from "./process.ts";
export {
  apiClient,
  apiFailure,
  ENGINES,
  type Engine,
  openTestDatabase,
  POSTGRES_URL,
  type RawRequest,
  type RawResponse,
  raw,
  startTestRegion,
  startTestRegion as startRegion,
  type TestDatabase,
  type TestRegion,
  type TestRegionOptions,
  uniqueMac,
  uniqueName,
  useTestRegion,
} from "./region.ts";
