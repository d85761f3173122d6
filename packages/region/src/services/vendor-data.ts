import {
  HARDWARE_SYNC_SERVICE,
  HARDWARE_SYNC_TIMER,
  renderHardwareSyncService,
  renderHardwareSyncTimer,
  renderMachineCredentials,
  SYSTEMD_UNIT_DIR,
} from "@hwsync/shared";
import { stringify } from "yaml";
import type { Db } from "../db/db.ts";
import type { MachineRow } from "../db/machines.ts";
import { getMachineToken } from "../db/tokens.ts";
import type { AppDeps } from "../deps.ts";
import { regionError } from "../errors.ts";
import { hardwareSyncIntervalSeconds } from "./config.ts";

// What a machine deployed with hardware sync gets through cloud-init
// (docs/maas-compatibility.md#vendor-data): MAAS's unit names and credentials file, but the
// service runs our agent, fetched from the region for the machine's architecture, instead of the
// Python maas-run-scripts.

export const AGENT_PATH = "/usr/local/bin/maas-hw-sync";
export const FETCH_SCRIPT_PATH = "/usr/local/lib/maas-hw-sync/fetch-agent";
export const CREDENTIALS_PATH = "/etc/maas/maas-machine-creds.yml";
export const TIMER_PATH = `${SYSTEMD_UNIT_DIR}/${HARDWARE_SYNC_TIMER}`;
export const SERVICE_PATH = `${SYSTEMD_UNIT_DIR}/${HARDWARE_SYNC_SERVICE}`;
/** Where scripts install the agent; MAAS_HWSYNC_AGENT moves it (tests, unusual images). */
export const AGENT_DEST = `dest="\${MAAS_HWSYNC_AGENT:-${AGENT_PATH}}"`;
const FALLBACK_BASE_URL = "http://localhost:5240/MAAS";

/** The units as shared renders them for the agent's `install` too; the service fetches the agent first. */
function renderTimerUnit(seconds: number): string {
  return renderHardwareSyncTimer({ syncInterval: seconds });
}

function renderServiceUnit(baseUrl: string): string {
  return renderHardwareSyncService({
    stateDirectory: "maas-hw-sync",
    // mayFail: with the region unreachable the installed agent still runs and spools its report.
    execStartPre: { argv: [FETCH_SCRIPT_PATH, baseUrl], mayFail: true },
    execStart: [AGENT_PATH, "run", "--config", CREDENTIALS_PATH],
  });
}

/**
 * Shell that installs the agent from "$base/hardware-sync/<arch>" only when the region has a
 * newer one: curl's `-z FILE` sends If-Modified-Since from the installed binary's mtime and `-R`
 * stamps the download with the region's Last-Modified, so an unchanged agent costs one 304 and
 * 0 body bytes per tick. wget (when curl is missing) does the same with `-N`. Expects `$base`
 * and `$dest`.
 */
export function fetchAgentShell(): string {
  // Explicit `|| exit 1`: `set -e` does not apply inside the `if ! ( … )` the launcher wraps this in.
  return `case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64) arch=arm64 ;;
  *) echo "maas-hw-sync: the region builds no agent for $(uname -m)" >&2; exit 1 ;;
esac
url="$base/hardware-sync/$arch"
tmp="$dest.download"
rm -f "$tmp"
if command -v curl >/dev/null 2>&1; then
  if [ -e "$dest" ]; then
    curl -fsS --compressed -R -z "$dest" -o "$tmp" "$url" || exit 1
  else
    curl -fsS --compressed -R -o "$tmp" "$url" || exit 1
  fi
else
  cache=/var/lib/maas-hw-sync/download
  mkdir -p "$cache" && (cd "$cache" && wget -q -N "$url") || exit 1
  if [ ! -e "$dest" ] || [ "$cache/$arch" -nt "$dest" ]; then cp -p "$cache/$arch" "$tmp" || exit 1; fi
fi
if [ -s "$tmp" ]; then
  chmod 0755 "$tmp" && mv -f "$tmp" "$dest" || exit 1
fi
rm -f "$tmp"
`;
}

/** `fetch-agent REGION_URL`, run by the service before each sync. */
export function renderFetchScript(): string {
  return `#!/bin/sh
# Installed by the MAAS region's vendor-data: fetches the hardware-sync agent for this
# machine's architecture from <region>/MAAS/hardware-sync/<arch> when it changed.
set -eu
base="\${1:?usage: fetch-agent REGION_URL (e.g. http://10.0.0.2:5240/MAAS)}"
${AGENT_DEST}
${fetchAgentShell()}`;
}

export interface VendorDataOptions {
  /** `http://host:port/MAAS` as the machine reaches the region (else config.publicUrl). */
  baseUrl?: string;
}

/** The base URL machines use: RegionConfig.publicUrl, else the request's, else a placeholder. */
export function machineBaseUrl(deps: Pick<AppDeps, "config">, options: VendorDataOptions = {}): string {
  return (deps.config.publicUrl ?? options.baseUrl ?? FALLBACK_BASE_URL).replace(/\/+$/, "");
}

/** The cloud-config document (without the `#cloud-config` line) for a hw-sync deploy. */
async function renderHardwareSyncCloudConfig(
  db: Db,
  machine: MachineRow,
  deps: Pick<AppDeps, "config">,
  options: VendorDataOptions = {},
): Promise<Record<string, unknown>> {
  if (!machine.enableHwSync) return {};
  const token = await getMachineToken(db, machine.id);
  if (!token) {
    throw regionError("HWS_MACHINE_TOKEN_MISSING", { systemId: machine.systemId });
  }
  const baseUrl = machineBaseUrl(deps, options);
  const seconds = machine.syncInterval ?? (await hardwareSyncIntervalSeconds(db));
  const credentials = renderMachineCredentials({
    consumerKey: token.consumerKey,
    tokenKey: token.tokenKey,
    tokenSecret: token.tokenSecret,
    endpoint: `${baseUrl}/metadata/status/${machine.systemId}`,
  });
  return {
    write_files: [
      { path: TIMER_PATH, content: renderTimerUnit(seconds), permissions: "0644" },
      { path: SERVICE_PATH, content: renderServiceUnit(baseUrl), permissions: "0644" },
      { path: FETCH_SCRIPT_PATH, content: renderFetchScript(), permissions: "0755" },
      // Holds the machine's token: readable by root only (MAAS uses 0700).
      { path: CREDENTIALS_PATH, content: credentials, permissions: "0600", owner: "root:root" },
    ],
    runcmd: [
      "systemctl daemon-reload",
      `systemctl start ${HARDWARE_SYNC_TIMER}`,
      `systemctl enable ${HARDWARE_SYNC_TIMER}`,
    ],
  };
}

/**
 * The vendor-data body (`application/x-yaml`): MAAS wraps the cloud-config text in a mapping
 * under the key `cloud-init`. A machine without hardware sync gets an empty cloud-config.
 */
export async function renderVendorData(
  db: Db,
  machine: MachineRow,
  deps: Pick<AppDeps, "config">,
  options: VendorDataOptions = {},
): Promise<string> {
  const config = await renderHardwareSyncCloudConfig(db, machine, deps, options);
  const text = `#cloud-config\n${stringify(config, { lineWidth: 0 })}`;
  return stringify({ "cloud-init": text }, { lineWidth: 0 });
}
