import { VERSION } from "../version.ts";
import type { CollectContext } from "./context.ts";

export interface EnvironmentSection {
  kernel: string;
  kernel_architecture: string;
  kernel_version: string;
  os_name: string;
  os_version: string;
  server: string;
  server_name: string;
  server_version: string;
}

/**
 * Kernel and OS identity. MAAS maps `kernel_architecture` (uname machine) to the machine's
 * architecture and, on a deployed machine, `os_name`/`os_version` (os-release ID/VERSION_ID) to
 * its osystem/distro_series. `server` names this agent rather than posing as LXD's producer.
 */
export async function collectEnvironment(ctx: CollectContext): Promise<EnvironmentSection> {
  const release = parseOsRelease(
    ctx.sys.readText("/etc/os-release") ?? ctx.sys.readText("/usr/lib/os-release") ?? "",
  );
  return {
    kernel: ctx.uname.sysname,
    kernel_architecture: ctx.uname.machine,
    kernel_version: ctx.uname.release,
    os_name: release.ID ?? "",
    os_version: release.VERSION_ID ?? "",
    server: "hwsync-agent",
    server_name: ctx.uname.hostname,
    server_version: VERSION,
  };
}

/** `KEY="value"` lines of os-release(5). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!match) continue;
    out[match[1]!] = match[2]!.replace(/^(["'])(.*)\1$/, "$2");
  }
  return out;
}
