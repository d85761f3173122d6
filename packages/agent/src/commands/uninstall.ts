import { existsSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { HARDWARE_SYNC_SERVICE, HARDWARE_SYNC_TIMER, SYSTEMD_UNIT_DIR } from "@hwsync/shared/systemd-units";
import { DEFAULT_STATE_DIR } from "../spool.ts";
import { isSystemdRunning, systemctl } from "../systemd.ts";
import type { CommandContext } from "./context.ts";
import { DEFAULT_CONFIG } from "./run.ts";

export interface UninstallOptions {
  root?: string;
  /** Also delete the credentials file and the state directory. */
  purge?: boolean;
  stateDir?: string;
}

export interface UninstallResult {
  removed: string[];
  systemctl: string;
}

/** Stops and removes the timer and service; with --purge, the credentials and state too. */
export async function uninstallCommand(
  ctx: CommandContext,
  options: UninstallOptions,
): Promise<UninstallResult> {
  const root = resolve(options.root ?? "/");
  let systemctlNote = "skipped: --root is not /";
  if (root === "/") {
    systemctlNote = "skipped: systemd is not running";
    if (isSystemdRunning()) {
      try {
        systemctl("disable", "--now", HARDWARE_SYNC_TIMER);
      } catch (error) {
        // Not loaded (never installed or already removed): nothing to stop.
        ctx.log.warn(
          `systemctl disable --now ${HARDWARE_SYNC_TIMER}: ${(error as Error).message.split("\n")[0]}`,
        );
      }
      systemctlNote = `disable --now ${HARDWARE_SYNC_TIMER}; daemon-reload`;
    }
  }
  const targets = [
    join(root, SYSTEMD_UNIT_DIR, HARDWARE_SYNC_TIMER),
    join(root, SYSTEMD_UNIT_DIR, HARDWARE_SYNC_SERVICE),
  ];
  if (options.purge)
    targets.push(join(root, DEFAULT_CONFIG), join(root, options.stateDir ?? DEFAULT_STATE_DIR));
  const removed: string[] = [];
  for (const target of targets) {
    if (!existsSync(target)) continue;
    rmSync(target, { recursive: true, force: true });
    removed.push(target);
  }
  if (root === "/" && isSystemdRunning()) systemctl("daemon-reload");
  ctx.log.info(removed.length > 0 ? `removed ${removed.length} file(s)` : "nothing was installed");
  return { removed, systemctl: systemctlNote };
}
