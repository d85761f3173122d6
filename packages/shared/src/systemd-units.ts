import { ErrorCode, HwsError } from "./errors.ts";
import { secondsToOnCalendar } from "./time-span.ts";

// The systemd units that run the agent on a deployed machine. Two writers share them: the
// region's cloud-init vendor-data and the agent's own `install`. Unit names, descriptions and
// section order are MAAS's (docs/maas-compatibility.md#vendor-data), so an operator finds the
// usual names.

/** MAAS's name of the oneshot service that runs one sync. */
export const HARDWARE_SYNC_SERVICE = "maas_hardware_sync.service";
/** MAAS's name of the timer that starts the service every sync interval. */
export const HARDWARE_SYNC_TIMER = "maas_hardware_sync.timer";
/** Where MAAS's vendor-data writes both units. */
export const SYSTEMD_UNIT_DIR = "/lib/systemd/system";

// Spread a fleet's ticks over up to 5 minutes, but never more than a quarter of the interval.
// The delay is fixed per machine (FixedRandomDelay), so the period stays exactly the interval
// and a machine never drifts towards MAAS's 1.5 × interval health limit.
const MAX_SPREAD_SECONDS = 300;

/**
 * True when MAAS's wall-clock `OnCalendar=` step fires exactly every `seconds`: the interval
 * divides a minute, an hour or a day (20s, 15m, 6h). Otherwise the step repeats at another
 * period (1h30m fires every 30 min, 1h1s every second: docs/maas-compatibility.md#timer-schedule)
 * and health would flip.
 */
export function isCalendarExact(seconds: number): boolean {
  if (seconds < 60) return 60 % seconds === 0;
  if (seconds < 3600) return seconds % 60 === 0 && 60 % (seconds / 60) === 0;
  return seconds % 3600 === 0 && seconds <= 86_400 && 24 % (seconds / 3600) === 0;
}

/**
 * The `[Timer]` schedule lines for a sync interval in seconds: MAAS's `Persistent=true` +
 * `OnCalendar=` where that step is exact, else a monotonic timer whose period is the interval;
 * both with a fixed per-machine random delay (none for intervals under 4 s).
 */
export function hardwareSyncTimerSchedule(syncInterval: number): string[] {
  if (!Number.isSafeInteger(syncInterval) || syncInterval <= 0) {
    throw new HwsError(
      ErrorCode.TIME_SPAN_INVALID,
      `sync_interval must be a positive whole number of seconds, got ${syncInterval} (e.g. 900 for 15m)`,
    );
  }
  const spread = Math.min(Math.floor(syncInterval / 4), MAX_SPREAD_SECONDS);
  const randomized = spread >= 1 ? [`RandomizedDelaySec=${spread}`, "FixedRandomDelay=true"] : [];
  if (isCalendarExact(syncInterval)) {
    return ["Persistent=true", `OnCalendar=${secondsToOnCalendar(syncInterval)}`, ...randomized];
  }
  return ["OnBootSec=60", `OnUnitActiveSec=${syncInterval}`, ...randomized];
}

/** Input of renderHardwareSyncTimer. */
export interface HardwareSyncTimerOptions {
  /** Seconds between syncs: the machine's `sync_interval`. */
  syncInterval: number;
}

/**
 * `maas_hardware_sync.timer`: MAAS's text (docs/maas-compatibility.md#vendor-data) with the
 * schedule of hardwareSyncTimerSchedule.
 */
export function renderHardwareSyncTimer(options: HardwareSyncTimerOptions): string {
  return [
    "[Unit]",
    "Description=Timer for periodically running MAAS hardware sync",
    "Documentation=https://maas.io",
    `Requires=${HARDWARE_SYNC_SERVICE}`,
    "",
    "[Install]",
    "WantedBy=timers.target",
    "",
    "[Timer]",
    `Unit=${HARDWARE_SYNC_SERVICE}`,
    ...hardwareSyncTimerSchedule(options.syncInterval),
    "",
  ].join("\n");
}

/** Input of renderHardwareSyncService: what runs, and what runs before it. */
export interface HardwareSyncServiceOptions {
  /** The agent's argv; each argument is quoted for systemd. */
  execStart: ExecArgv;
  /** A step before each run (the region's agent download); `mayFail` lets the sync run anyway. */
  execStartPre?: { argv: ExecArgv; mayFail?: boolean };
  /** `StateDirectory=` name under /var/lib, created by systemd before the run. */
  stateDirectory?: string;
}

/**
 * `maas_hardware_sync.service`. Unlike MAAS's unit (docs/maas-compatibility.md#vendor-data) it
 * waits for the network to be online, not merely configured, because a push at boot would
 * otherwise fail and wait for the next tick.
 */
export function renderHardwareSyncService(options: HardwareSyncServiceOptions): string {
  const pre = options.execStartPre;
  return [
    "[Unit]",
    "Description=MAAS Hardware Sync Service",
    "Documentation=https://maas.io",
    `Wants=${HARDWARE_SYNC_TIMER} network-online.target`,
    "After=network-online.target",
    "",
    "[Service]",
    "Type=oneshot",
    ...(options.stateDirectory ? [`StateDirectory=${options.stateDirectory}`] : []),
    ...(pre ? [`ExecStartPre=${pre.mayFail ? "-" : ""}${execLine(pre.argv)}`] : []),
    `ExecStart=${execLine(options.execStart)}`,
    // A oneshot has no start timeout by default: a hung download or push would block every later
    // tick. Collection takes well under a second and the agent's run budget is 60 s.
    "TimeoutStartSec=5min",
    "NoNewPrivileges=yes",
    "PrivateTmp=yes",
    "ProtectHome=read-only",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
}

/** A program path and its arguments. */
export type ExecArgv = readonly [string, ...string[]];

function execLine(argv: ExecArgv): string {
  return argv.map(quoteExecArg).join(" ");
}

/**
 * Quotes one Exec argument for systemd.service(5): `%` is a specifier and must be doubled;
 * whitespace, quotes and backslashes need double quotes with C-style escapes.
 */
export function quoteExecArg(arg: string): string {
  const escaped = arg.replace(/%/g, "%%");
  if (escaped !== "" && !/[\s"'\\;$]/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}
