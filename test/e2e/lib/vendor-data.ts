// The cloud-init vendor-data a hw-sync deploy hands the machine, read through the CLI and taken
// apart the way cloud-init's write_files would write it.
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import type { Cli } from "./cli.ts";

export interface WrittenFile {
  path: string;
  content: string;
  permissions: string;
}

export interface VendorData {
  files: Map<string, WrittenFile>;
  runcmd: string[];
}

export const CREDENTIALS_PATH = "/etc/maas/maas-machine-creds.yml";
export const TIMER_PATH = "/lib/systemd/system/maas_hardware_sync.timer";
export const SERVICE_PATH = "/lib/systemd/system/maas_hardware_sync.service";
export const FETCH_AGENT_PATH = "/usr/local/lib/maas-hw-sync/fetch-agent";

export async function readVendorData(cli: Cli, systemId: string): Promise<VendorData> {
  // MAAS wraps the cloud-config text in a mapping under the key `cloud-init`.
  const text = await cli.json<string>(["machine", "vendor-data", systemId]);
  const cloudInit = (parse(text) as Record<string, string>)["cloud-init"];
  if (!cloudInit?.startsWith("#cloud-config\n"))
    throw new Error(`vendor-data has no #cloud-config under 'cloud-init':\n${text}`);
  const config = parse(cloudInit) as { write_files?: WrittenFile[]; runcmd?: string[] };
  return {
    files: new Map((config.write_files ?? []).map((file) => [file.path, file])),
    runcmd: config.runcmd ?? [],
  };
}

export function file(vendorData: VendorData, path: string): WrittenFile {
  const found = vendorData.files.get(path);
  if (!found) throw new Error(`vendor-data writes no ${path}; it writes ${[...vendorData.files.keys()]}`);
  return found;
}

/** Writes every write_files entry under `root`, with its permissions, as cloud-init would at `/`. */
export async function applyWriteFiles(vendorData: VendorData, root: string): Promise<void> {
  for (const entry of vendorData.files.values()) {
    const target = join(root, entry.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, entry.content);
    await chmod(target, Number.parseInt(entry.permissions, 8));
  }
}

/** The `OnCalendar=` (or `OnUnitActiveSec=`) line of a timer unit. */
export function schedule(timerUnit: string): string {
  const line = timerUnit.split("\n").find((text) => /^(OnCalendar|OnUnitActiveSec)=/.test(text));
  if (!line) throw new Error(`timer unit has no schedule:\n${timerUnit}`);
  return line;
}
