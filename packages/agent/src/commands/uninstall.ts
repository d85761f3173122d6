import { existsSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { DEFAULT_STATE_DIR } from "../spool.ts";
import { isSystemdRunning, SERVICE_NAME, systemctl, TIMER_NAME, UNIT_DIR } from "../systemd.ts";
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
        systemctl("disable", "--now", TIMER_NAME);
      } catch (error) {
        // Not loaded (never installed or already removed): nothing to stop.
        ctx.log.warn(`systemctl disable --now ${TIMER_NAME}: ${(error as Error).message.split("\n")[0]}`);
      }
      systemctlNote = `disable --now ${TIMER_NAME}; daemon-reload`;
    }
  }
  const targets = [join(root, UNIT_DIR, TIMER_NAME), join(root, UNIT_DIR, SERVICE_NAME)];
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
