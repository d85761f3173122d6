import {
  accessSync,
  chmodSync,
  constants,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { ErrorCode, HwsError } from "@hwsync/shared/errors";
import {
  HARDWARE_SYNC_SERVICE,
  HARDWARE_SYNC_TIMER,
  hardwareSyncTimerSchedule,
  renderHardwareSyncService,
  renderHardwareSyncTimer,
  SYSTEMD_UNIT_DIR,
} from "@hwsync/shared/systemd-units";
import { parseTimeSpan } from "@hwsync/shared/time-span";
import { DEFAULT_STATE_DIR } from "../spool.ts";
import { isSystemdRunning, systemctl } from "../systemd.ts";
import type { CommandContext } from "./context.ts";
import { DEFAULT_CONFIG, loadCredentials } from "./run.ts";

export const DEFAULT_INTERVAL = "15m";

export interface InstallOptions {
  config?: string;
  interval?: string;
  /** Install into this directory instead of `/` (images, tests). systemctl runs only for `/`. */
  root?: string;
  /** Absolute path of the agent binary on the target; defaults to the running binary. */
  binary?: string;
  stateDir?: string;
}

export interface InstallResult {
  service: string;
  timer: string;
  credentials: string;
  /** The timer's schedule line: `OnCalendar=…`, or `OnUnitActiveSec=…` where the calendar is inexact. */
  schedule: string;
  systemctl: string;
}

/** Writes the service, the timer and a 0600 copy of the credentials, then enables the timer. */
export async function installCommand(ctx: CommandContext, options: InstallOptions): Promise<InstallResult> {
  if (!options.config) {
    throw new HwsError(
      ErrorCode.USAGE,
      "install needs --config FILE: the machine credentials YAML from MAAS",
    );
  }
  // Refuse a broken file now rather than at the first timer tick.
  loadCredentials(options.config);
  const interval = options.interval ?? DEFAULT_INTERVAL;
  const intervalSeconds = parseTimeSpan(interval);
  if (intervalSeconds <= 0) {
    throw new HwsError(
      ErrorCode.TIME_SPAN_INVALID,
      `--interval must be longer than 0s, got '${interval}' (e.g. 15m)`,
    );
  }
  const root = resolve(options.root ?? "/");
  const binary = options.binary ?? (await runningBinary());
  if (!isAbsolute(binary)) {
    throw new HwsError(ErrorCode.USAGE, `--binary must be an absolute path, got '${binary}'`);
  }
  if (root === "/") assertExecutable(binary);

  const credentials = join(root, DEFAULT_CONFIG);
  mkdirSync(join(root, "/etc/maas"), { recursive: true, mode: 0o755 });
  if (!sameFile(options.config, credentials)) {
    // Written to a fresh 0600 file and renamed over the old one: an existing world-readable
    // file must never hold the new secret, even for a moment.
    const temp = `${credentials}.${process.pid}.tmp`;
    writeFileSync(temp, readFileSync(options.config, "utf8"), { mode: 0o600, flag: "wx" });
    renameSync(temp, credentials);
  }
  // The file holds the machine's OAuth secret: owner-only, whatever it was before.
  chmodSync(credentials, 0o600);

  const unitDir = join(root, SYSTEMD_UNIT_DIR);
  mkdirSync(unitDir, { recursive: true, mode: 0o755 });
  const service = join(unitDir, HARDWARE_SYNC_SERVICE);
  const timer = join(unitDir, HARDWARE_SYNC_TIMER);
  const stateDir = options.stateDir ?? DEFAULT_STATE_DIR;
  const serviceText = renderHardwareSyncService({
    execStart: [binary, "run", "--config", DEFAULT_CONFIG, "--state-dir", stateDir],
    // systemd creates it (root-owned, 0755) before the first run; a directory elsewhere is the agent's job.
    stateDirectory: stateDir.startsWith("/var/lib/") ? stateDir.slice("/var/lib/".length) : undefined,
  });
  writeFileSync(service, serviceText, { mode: 0o644 });
  writeFileSync(timer, renderHardwareSyncTimer({ syncInterval: intervalSeconds }), { mode: 0o644 });
  const schedule = hardwareSyncTimerSchedule(intervalSeconds).find((line) =>
    /^On(Calendar|UnitActiveSec)=/.test(line),
  )!;
  ctx.log.info(`installed ${HARDWARE_SYNC_SERVICE} and ${HARDWARE_SYNC_TIMER} (${schedule})`);

  let systemctlNote = "skipped: --root is not /";
  if (root === "/") {
    if (isSystemdRunning()) {
      systemctl("daemon-reload");
      systemctl("enable", "--now", HARDWARE_SYNC_TIMER);
      systemctlNote = `daemon-reload; enable --now ${HARDWARE_SYNC_TIMER}`;
    } else {
      systemctlNote = "skipped: systemd is not running";
    }
  }
  return { service, timer, credentials, schedule, systemctl: systemctlNote };
}

async function runningBinary(): Promise<string> {
  const sea = await import("node:sea").catch(() => null);
  if (sea?.isSea()) return process.execPath;
  throw new HwsError(
    ErrorCode.USAGE,
    "install needs --binary PATH when not run from the maas-hw-sync binary",
    {
      hint: "Pass the absolute path where the maas-hw-sync binary lives on the machine, e.g. --binary /usr/local/bin/maas-hw-sync.",
    },
  );
}

function assertExecutable(path: string): void {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new HwsError(ErrorCode.USAGE, `--binary ${path} is not an executable file`);
  }
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}
