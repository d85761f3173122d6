import {
  accessSync,
  chmodSync,
  constants,
  mkdirSync,
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
import { renderMachineCredentials } from "@hwsync/shared/wire/credentials";
import { readCredentialsFile } from "../credentials.ts";
import { DEFAULT_STATE_DIR } from "../spool.ts";
import { isSystemdRunning, systemctl } from "../systemd.ts";
import type { CommandContext } from "./context.ts";
import { DEFAULT_CONFIG } from "./run.ts";

export const DEFAULT_INTERVAL = "15m";

export interface InstallOptions {
  config?: string;
  /** Region or rack URL for a bare token (`machine get-token` JSON); written into the installed file. */
  endpoint?: string;
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
  const source = readCredentialsFile(options.config, { endpoint: options.endpoint });
  const interval = options.interval ?? DEFAULT_INTERVAL;
  const intervalSeconds = parseTimeSpan(interval);
  if (intervalSeconds <= 0) {
    throw new HwsError(
      ErrorCode.TIME_SPAN_INVALID,
      `--interval must be longer than 0s, got '${interval}' (e.g. 15m)`,
    );
  }
  const root = resolve(options.root ?? "/");
  const binary = unitPath(
    "--binary",
    options.binary ?? (await runningBinary()),
    "/usr/local/bin/maas-hw-sync",
    // systemd will not start an executable whose path holds quotes or a backslash.
    `"'\\`,
  );
  const stateDir = unitPath("--state-dir", options.stateDir ?? DEFAULT_STATE_DIR, DEFAULT_STATE_DIR);
  if (root === "/") assertExecutable(binary);

  const credentials = join(root, DEFAULT_CONFIG);
  mkdirSync(join(root, "/etc/maas"), { recursive: true, mode: 0o755 });
  // MAAS's own file is installed as it is; a bare token (or a new --endpoint) becomes a file in
  // MAAS's layout, so the unit's `run --config` needs no other flag.
  const verbatim = source.maasLayout && options.endpoint === undefined;
  if (!verbatim || !sameFile(options.config, credentials)) {
    // Written to a fresh 0600 file and renamed over the old one: an existing world-readable
    // file must never hold the new secret, even for a moment.
    const temp = `${credentials}.${process.pid}.tmp`;
    writeFileSync(temp, verbatim ? source.text : renderMachineCredentials(source.credentials), {
      mode: 0o600,
      flag: "wx",
    });
    renameSync(temp, credentials);
  }
  // The file holds the machine's OAuth secret: owner-only, whatever it was before.
  chmodSync(credentials, 0o600);

  const unitDir = join(root, SYSTEMD_UNIT_DIR);
  mkdirSync(unitDir, { recursive: true, mode: 0o755 });
  const service = join(unitDir, HARDWARE_SYNC_SERVICE);
  const timer = join(unitDir, HARDWARE_SYNC_TIMER);
  const serviceText = renderHardwareSyncService({
    // Each argument is quoted for systemd (spaces, `%`, backslashes); unitPath ruled out new lines.
    execStart: [binary, "run", "--config", DEFAULT_CONFIG, "--state-dir", stateDir],
    stateDirectory: stateDirectoryName(stateDir),
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

/**
 * A path that goes into the unit file: absolute, on one line (a newline would start a unit line
 * of the caller's choosing), and without `..` (the path systemd runs must be the one shown).
 * `special` lists what systemd refuses outright in that place, escaped or not.
 */
function unitPath(flag: string, value: string, example: string, special = ""): string {
  const refused = [...special].find((char) => value.includes(char));
  const problem = !isAbsolute(value)
    ? "it is relative"
    : /\p{Cc}/u.test(value)
      ? "it contains a control character"
      : value.split("/").includes("..")
        ? "it contains a '..' segment"
        : refused
          ? `systemd refuses ${JSON.stringify(refused)} in an executable's path`
          : null;
  if (problem === null) return value;
  throw new HwsError(
    ErrorCode.USAGE,
    `${flag} must be an absolute path without control characters or '..' segments${special ? ` or any of ${[...special].join(" ")}` : ""}, got ${JSON.stringify(value)} (${problem})`,
    {
      hint: `Write it out in full, e.g. ${flag} ${example}; spaces and '%' are fine and get escaped for systemd.`,
    },
  );
}

/**
 * `StateDirectory=` takes names under /var/lib, space-separated and with specifiers expanded:
 * only a plain name is passed on. systemd then creates it (root-owned, 0755) before the first
 * run; any other directory is created by the agent itself.
 */
function stateDirectoryName(stateDir: string): string | undefined {
  if (!stateDir.startsWith("/var/lib/")) return undefined;
  const name = stateDir.slice("/var/lib/".length).replace(/\/+$/, "");
  return /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(name) ? name : undefined;
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
