import { NodeStatus } from "@hwsync/shared";
import type { PrincipalUser } from "../auth.ts";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/db.ts";
import { getMachineBySystemId, type MachineRow, updateMachine } from "../db/machines.ts";
import { notifyMachineChanged } from "../db/notify.ts";
import { getOrCreateMachineToken } from "../db/tokens.ts";
import { regionError } from "../errors.ts";
import { getConfig, hardwareSyncIntervalSeconds } from "./config.ts";
import { recordEvent } from "./events.ts";
import { statusName } from "./machine-json.ts";
import { canSee } from "./machines.ts";

/**
 * The OSes hardware sync supports (the agent is a Linux binary):
 * docs/maas-compatibility.md#deploy-release-and-the-machine-token.
 */
const HW_SYNC_OSYSTEMS = ["ubuntu", "centos", "rhel", "ol", "custom"];

export interface DeployOptions {
  enableHwSync: boolean;
  /** Seconds; our extension. Null → the global hardware_sync_interval. */
  syncInterval: number | null;
  osystem?: string;
  distroSeries?: string;
  /** Decoded user data. */
  userData?: string | null;
  comment?: string;
  /** MAAS's agent_name (Juju names its machines with it); the list filters on it. */
  agentName?: string;
}

export interface LifecycleContext {
  clock: Clock;
  deployImmediately: boolean;
}

/**
 * Ready → (allocate to the caller) → Deploying, or Deployed at once with deployImmediately
 * (this region has no power control; otherwise the machine's first hardware push finishes it).
 * Runs with the machine row locked, so it serialises with syncs and releases.
 */
export async function deployMachine(
  db: Db,
  user: PrincipalUser,
  systemId: string,
  options: DeployOptions,
  context: LifecycleContext,
): Promise<MachineRow> {
  return db.transaction(async (tx) => {
    const row = await getMachineBySystemId(tx, systemId, { forUpdate: true });
    if (!row || !canSee(user, row)) throw regionError("HWS_MACHINE_NOT_FOUND");
    if (row.status === NodeStatus.READY) {
      if (row.ownerId !== null && row.ownerId !== user.id) {
        throw regionError("HWS_MACHINE_ALLOCATED_TO_OTHER");
      }
    } else if (row.status !== NodeStatus.ALLOCATED) {
      throw regionError("HWS_MACHINE_NOT_DEPLOYABLE", { status: statusName(row.status) });
    }
    const osystem = options.osystem ?? (await getConfig(tx, "default_osystem"));
    const distroSeries = options.distroSeries ?? (await getConfig(tx, "default_distro_series"));
    if (options.enableHwSync && !HW_SYNC_OSYSTEMS.includes(osystem)) {
      throw regionError("HWS_HW_SYNC_OS_UNSUPPORTED");
    }
    const now = context.clock.now();
    const syncInterval = options.enableHwSync
      ? (options.syncInterval ?? (await hardwareSyncIntervalSeconds(tx)))
      : null;
    const status = context.deployImmediately ? NodeStatus.DEPLOYED : NodeStatus.DEPLOYING;
    const updated = await updateMachine(tx, row.id, {
      status,
      statusMessage: context.deployImmediately
        ? "Deployed"
        : "Deploying: waiting for the machine's first report",
      ownerId: row.ownerId ?? user.id,
      osystem,
      distroSeries,
      enableHwSync: options.enableHwSync,
      syncInterval,
      // MAAS sets last_sync when deployment ends; we set it only when a hardware report is
      // applied, so a machine that never reported is never shown as synced or healthy.
      lastSync: null,
      userData: options.userData ?? null,
      agentName: options.agentName ?? "",
    });
    await getOrCreateMachineToken(tx, row.id);
    const sync = options.enableHwSync ? ` with hardware sync every ${syncInterval} s` : "";
    const comment = options.comment ? ` (${options.comment})` : "";
    const machine = { id: row.id, systemId: row.systemId, hostname: row.hostname };
    await recordEvent(tx, {
      machine,
      type: "REQUEST_NODE_START_DEPLOYMENT",
      description: `Deploying ${osystem} ${distroSeries}${sync}${comment}`,
      username: user.username,
      at: now,
    });
    if (context.deployImmediately) {
      await recordEvent(tx, {
        machine,
        type: "DEPLOYED",
        description: "Deployed (the region was started with --deploy-immediately)",
        username: user.username,
        at: now,
      });
    }
    await notifyMachineChanged(tx, row.systemId);
    return updated;
  });
}
