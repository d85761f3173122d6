export {
  ApiClient,
  type ApiClientOptions,
  type ApiResponse,
  type FilePart,
  normalizeApiUrl,
  type Params,
  type RequestOptions,
  type RetryPolicy,
} from "./client.ts";
export {
  ApiError,
  codeForStatus,
  ErrorCode,
  EXIT_BUG,
  HwsError,
  type HwsErrorOptions,
  InterruptedError,
  type InterruptSignal,
  isHwsError,
  isInterrupted,
} from "./errors.ts";
export {
  type ApiCredentials,
  buildAuthorizationHeader,
  collectOAuthParams,
  formatApiKey,
  generateKeyMaterial,
  type OAuthParams,
  oauthPercentEncode,
  parseApiKey,
  parseAuthorizationHeader,
  plaintextSignature,
  verifyPlaintextSignature,
} from "./oauth.ts";
export {
  formatMaasEventTime,
  formatMaasTimestamp,
  isSyncHealthy,
  nextSync,
  parseMaasTimestamp,
} from "./sync-health.ts";
export {
  type ExecArgv,
  HARDWARE_SYNC_SERVICE,
  HARDWARE_SYNC_TIMER,
  type HardwareSyncServiceOptions,
  type HardwareSyncTimerOptions,
  hardwareSyncTimerSchedule,
  isCalendarExact,
  quoteExecArg,
  renderHardwareSyncService,
  renderHardwareSyncTimer,
  SYSTEMD_UNIT_DIR,
} from "./systemd-units.ts";
export {
  formatTimeSpan,
  isValidTimeSpan,
  parseIntervalSeconds,
  parseTimeSpan,
  parseTimeSpanParts,
  secondsToOnCalendar,
  TIME_SPAN_UNITS,
  type TimeSpan,
  timeSpanToOnCalendar,
} from "./time-span.ts";
export {
  type MachineCredentials,
  type MachineCredentialsFile,
  parseMachineCredentials,
  renderMachineCredentials,
} from "./wire/credentials.ts";
export {
  type CollectorError,
  type CpuInfo,
  type Disk,
  type HardwarePayload,
  type HardwarePayloadInput,
  hardwarePayloadSchema,
  type MemoryInfo,
  type NetworkCard,
  type NetworkPort,
  type NetworkState,
  type PciDevice,
  REQUIRED_API_EXTENSIONS,
  type SystemInfo,
  type UsbDevice,
} from "./wire/hardware.ts";
export {
  type EventJson,
  type EventsQueryJson,
  type HardwareChange,
  type HardwareHistoryEntry,
  type MachineJson,
  type MachineToken,
  machineSchema,
  NODE_STATUS_NAMES,
  NodeStatus,
} from "./wire/machine.ts";
export {
  CONTENT_HASH_HEADER,
  canonicalJson,
  contentHash,
  HARDWARE_SYNC_PATH,
  METADATA_ROOT,
  type PushResult,
  pushResultSchema,
} from "./wire/push.ts";
export { formatJsonPath, ValidationError, type ValidationIssue, validateWith } from "./wire/validate.ts";
