import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

// Unit text lives in @hwsync/shared/systemd-units (the region's vendor-data writes the same
// units); this module only talks to the running systemd.

/** True when systemd is the running init (sd_booted(3) checks the same directory). */
export function isSystemdRunning(): boolean {
  return existsSync("/run/systemd/system");
}

/** Runs systemctl; its own error text is what the operator needs to see. */
export function systemctl(...args: string[]): void {
  execFileSync("systemctl", args, { stdio: ["ignore", "ignore", "pipe"] });
}
