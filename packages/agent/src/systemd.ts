import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/** Unit names as MAAS's vendor-data writes them, so an operator finds the usual names. */
export const SERVICE_NAME = "maas_hardware_sync.service";
export const TIMER_NAME = "maas_hardware_sync.timer";
export const UNIT_DIR = "/lib/systemd/system";

export interface ServiceUnitOptions {
  binary: string;
  config: string;
  stateDir: string;
}

/**
 * The oneshot service. Unlike MAAS's unit it downloads nothing at run time: the agent is a
 * single binary already on disk. It waits for the network to be online, not merely configured,
 * because a push at boot would otherwise fail and wait for the next tick.
 */
export function renderService(options: ServiceUnitOptions): string {
  const exec = [options.binary, "run", "--config", options.config, "--state-dir", options.stateDir];
  return [
    "[Unit]",
    "Description=MAAS Hardware Sync Service",
    "Documentation=https://maas.io",
    `Wants=${TIMER_NAME} network-online.target`,
    "After=network-online.target",
    "",
    "[Service]",
    "Type=oneshot",
    `ExecStart=${exec.map(quoteExecArg).join(" ")}`,
    // The run budget is 60 s by default; collection takes well under a second.
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

/**
 * The timer, as MAAS renders it (spec/maas-wire-api.md §7.2), plus a small randomized delay:
 * every machine's calendar fires on the same wall-clock minute, and a fleet pushing in the same
 * second is a self-inflicted load spike on the region. The delay stays under a tenth of the
 * interval, well inside MAAS's 1.5 × interval health window.
 */
export function renderTimer(options: { onCalendar: string; intervalSeconds: number }): string {
  const delay = Math.min(60, Math.floor(options.intervalSeconds / 10));
  return [
    "[Unit]",
    "Description=Timer for periodically running MAAS hardware sync",
    "Documentation=https://maas.io",
    `Requires=${SERVICE_NAME}`,
    "",
    "[Install]",
    "WantedBy=timers.target",
    "",
    "[Timer]",
    `Unit=${SERVICE_NAME}`,
    "Persistent=true",
    `OnCalendar=${options.onCalendar}`,
    ...(delay > 0 ? [`RandomizedDelaySec=${delay}`] : []),
    "",
  ].join("\n");
}

/**
 * Quotes one ExecStart argument for systemd.service(5): `%` is a specifier and must be doubled;
 * whitespace, quotes and backslashes need double quotes with C-style escapes.
 */
export function quoteExecArg(arg: string): string {
  const escaped = arg.replace(/%/g, "%%");
  if (escaped !== "" && !/[\s"'\\;$]/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** True when systemd is the running init (sd_booted(3) checks the same directory). */
export function isSystemdRunning(): boolean {
  return existsSync("/run/systemd/system");
}

/** Runs systemctl; its own error text is what the operator needs to see. */
export function systemctl(...args: string[]): void {
  execFileSync("systemctl", args, { stdio: ["ignore", "ignore", "pipe"] });
}
