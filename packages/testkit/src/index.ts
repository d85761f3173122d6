// Test helpers: a real region on 127.0.0.1 (PGlite or PostgreSQL), fixtures, process runners for
// the built binaries, and what a machine sends the region. Tests only; nothing here ships.
// Scripts import the vitest-free parts by subpath: `@hwsync/testkit/fixtures`, `…/process`,
// `…/push`, `…/sysfs/*` (the fake sysfs trees the agent tests and the bench collect from).
export { FIXTURES_DIR, fixture, fixtureNames, REPO_ROOT } from "./fixtures.ts";
export { type RawRequest, type RawResponse, raw } from "./http.ts";
export {
  BUILT,
  type CliRunOptions,
  describeResult,
  killAll,
  type Lifetime,
  type LongRunning,
  type ProcessExit,
  type ProcessResult,
  type RunOptions,
  runChecked,
  runCli,
  runProcess,
  type StartOptions,
  startProcess,
  startWhenReady,
} from "./process.ts";
export {
  agentBytes,
  type EncodedPush,
  encodePush,
  type FilePart,
  multipartBody,
  type PushOptions,
  type PushReply,
  type PushTarget,
  signal,
  signedHeaders,
  signedPush,
} from "./push.ts";
export {
  apiClient,
  apiFailure,
  ENGINES,
  type Engine,
  openTestDatabase,
  POSTGRES_URL,
  startTestRegion,
  startTestRegion as startRegion,
  type TestDatabase,
  type TestRegion,
  type TestRegionOptions,
  uniqueMac,
  uniqueName,
  useTestRegion,
} from "./region.ts";
