import { randomInt } from "node:crypto";
import { NodeStatus } from "@hwsync/shared";
import type { PrincipalUser } from "../auth.ts";
import type { Clock } from "../clock.ts";
import { type Db, isUniqueViolation } from "../db/db.ts";
import {
  findUsedMacs,
  getMachineById,
  getMachineBySystemId,
  insertBootInterfaces,
  insertMachine,
  listMachines,
  type MachineFilter,
  type MachineRow,
  updateMachine,
} from "../db/machines.ts";
import { getNamedObject } from "../db/named-objects.ts";
import { notifyMachineChanged } from "../db/notify.ts";
import { DEFAULT_POOL_ID, RESOURCE_POOLS } from "../db/resource-pools.ts";
import {
  deleteMachineTokens,
  getMachineToken,
  getOrCreateMachineToken,
  type TokenTriple,
} from "../db/tokens.ts";
import { DEFAULT_ZONE_ID, ZONES } from "../db/zones.ts";
import { regionError } from "../errors.ts";
import { hardwareSyncIntervalSeconds } from "./config.ts";
import { recordEvent } from "./events.ts";
import { statusName } from "./machine-json.ts";
import { dropVirtualDevices } from "./release.ts";

export const ARCHITECTURES = [
  "amd64/generic",
  "arm64/generic",
  "armhf/generic",
  "i386/generic",
  "ppc64el/generic",
  "riscv64/generic",
  "s390x/generic",
];

const HOSTNAME_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;
// MAAS system ids: six characters of lower-case letters and digits.
const SYSTEM_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

export interface NewMachineInput {
  hostname?: string;
  architecture?: string;
  macAddresses: string[];
  powerType?: string;
  description?: string;
  /** Zone and pool names; the defaults when omitted. */
  zone?: string;
  pool?: string;
  /**
   * MAAS's `deployed=true`: a machine that is already running (maas-run-scripts
   * register-machine). It comes in Deployed, owned by the caller, needs no MAC and gets its
   * metadata token at once (docs/maas-compatibility.md#deploy-release-and-the-machine-token).
   */
  deployed?: boolean;
  /** With `deployed`: hardware sync on (our default for a registered machine) or off. */
  enableHwSync?: boolean;
}

function normalizeMac(value: string): string {
  return value.trim().toLowerCase().replace(/-/g, ":");
}

function normalizeArchitecture(value: string): string {
  return value.includes("/") ? value : `${value}/generic`;
}

function newSystemId(): string {
  let id = "";
  for (let i = 0; i < 6; i++) id += SYSTEM_ID_ALPHABET[randomInt(SYSTEM_ID_ALPHABET.length)];
  return id;
}

/**
 * Adds a machine. This region has no commissioning, so the machine is Ready at once (MAAS
 * would commission a New machine first); its MACs become physical interfaces eth0, eth1, ….
 * With `deployed` it is an already running machine: Deployed, owned by `user`, with hardware
 * sync on unless asked otherwise, so its first push fills in its hardware.
 */
export async function createMachine(
  db: Db,
  input: NewMachineInput,
  clock: Clock,
  creator?: PrincipalUser,
): Promise<MachineRow> {
  if (input.deployed && !creator) throw new Error("a deployed machine needs its creator as owner");
  const fields: Record<string, string[]> = {};
  const hostname = input.hostname?.trim().toLowerCase();
  if (
    hostname !== undefined &&
    (hostname.length > 253 || !hostname.split(".").every((l) => HOSTNAME_LABEL.test(l)))
  ) {
    fields.hostname = [
      `'${input.hostname}' is not a valid hostname: use letters, digits and '-' (not at either end), e.g. web-07.`,
    ];
  }
  const architecture = normalizeArchitecture(input.architecture?.trim() || "amd64/generic");
  if (!ARCHITECTURES.includes(architecture)) {
    fields.architecture = [
      `'${input.architecture}' is not a valid architecture.  It should be one of: ${ARCHITECTURES.map((a) => `'${a}'`).join(", ")}.`,
    ];
  }
  const macs = [...new Set(input.macAddresses.map(normalizeMac))];
  const badMacs = macs.filter((mac) => !MAC.test(mac));
  if (macs.length === 0 && !input.deployed) {
    fields.mac_addresses = ["This field is required: give at least one MAC address."];
  } else if (badMacs.length > 0) {
    fields.mac_addresses = badMacs.map(
      (mac) => `'${mac}' is not a valid MAC address (e.g. 52:54:00:12:34:56).`,
    );
  }
  const powerType = input.powerType?.trim() || "manual";
  if (!/^[a-z0-9_-]{1,32}$/.test(powerType)) {
    fields.power_type = [`'${powerType}' is not a valid power type (e.g. manual, ipmi, redfish).`];
  }
  const [zone, pool] = await Promise.all([
    input.zone === undefined ? null : getNamedObject(db, ZONES, { name: input.zone }),
    input.pool === undefined ? null : getNamedObject(db, RESOURCE_POOLS, { name: input.pool }),
  ]);
  const unknownChoice = "Select a valid choice. That choice is not one of the available choices.";
  if (input.zone !== undefined && !zone) fields.zone = [unknownChoice];
  if (input.pool !== undefined && !pool) fields.pool = [unknownChoice];
  if (Object.keys(fields).length > 0) throw regionError("HWS_VALIDATION_FAILED", { fields });

  try {
    return await db.transaction(async (tx) => {
      const used = await findUsedMacs(tx, macs);
      if (used.length > 0) {
        throw regionError("HWS_VALIDATION_FAILED", {
          fields: {
            mac_addresses: used.map((mac) => `MAC address ${mac} already in use on another machine.`),
          },
        });
      }
      let systemId = newSystemId();
      while (await getMachineBySystemId(tx, systemId)) systemId = newSystemId();
      const id = await insertMachine(tx, {
        systemId,
        hostname: hostname ?? `machine-${systemId}`,
        architecture,
        powerType,
        status: input.deployed ? NodeStatus.DEPLOYED : NodeStatus.READY,
        statusMessage: input.deployed ? "Deployed" : "Ready (this region has no commissioning)",
      });
      await insertBootInterfaces(tx, id, macs);
      const hwSync = input.deployed && input.enableHwSync !== false;
      const row = await updateMachine(tx, id, {
        description: input.description ?? "",
        zoneId: zone?.id ?? DEFAULT_ZONE_ID,
        poolId: pool?.id ?? DEFAULT_POOL_ID,
        ...(input.deployed
          ? {
              ownerId: creator!.id,
              enableHwSync: hwSync,
              syncInterval: hwSync ? await hardwareSyncIntervalSeconds(tx) : null,
            }
          : {}),
      });
      if (input.deployed) await getOrCreateMachineToken(tx, id);
      await recordEvent(tx, {
        machine: { id, systemId, hostname: row.hostname },
        type: "NODE_CHANGED_STATUS",
        description: input.deployed
          ? `Registered as Deployed (already running)${hwSync ? " with hardware sync" : ""}`
          : "Added; Ready without commissioning",
        username: creator?.username,
        at: clock.now(),
      });
      await notifyMachineChanged(tx, systemId);
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw regionError("HWS_VALIDATION_FAILED", {
        fields: { hostname: [`Node with this Hostname already exists: ${hostname}.`] },
      });
    }
    throw error;
  }
}

/** Admins see every machine; others see the ones they own and unowned ones. */
export function canSee(user: PrincipalUser, row: MachineRow): boolean {
  return user.isSuperuser || row.ownerId === null || row.ownerId === user.id;
}

export function listVisibleMachines(db: Db, filter: MachineFilter): Promise<MachineRow[]> {
  return listMachines(db, filter);
}

/** A machine the user may see, else MAAS's 404. */
export async function findVisibleMachine(db: Db, user: PrincipalUser, systemId: string): Promise<MachineRow> {
  const row = await getMachineBySystemId(db, systemId);
  if (!row || !canSee(user, row)) throw regionError("HWS_MACHINE_NOT_FOUND");
  return row;
}

// MAAS releases from these states; Ready and Releasing are accepted as no-ops.
const RELEASABLE: number[] = [
  NodeStatus.ALLOCATED,
  NodeStatus.RESERVED,
  NodeStatus.BROKEN,
  NodeStatus.DEPLOYING,
  NodeStatus.DEPLOYED,
  NodeStatus.FAILED_DEPLOYMENT,
  NodeStatus.FAILED_RELEASING,
  15, // Failed disk erasing
];

/**
 * Release: hw-sync fields reset, machine token deleted (a running agent then gets 401), owner
 * cleared, virtual devices dropped (physical ones kept), and straight to Ready — there is no
 * power-off to wait for. One transaction with the machine row locked.
 */
export async function releaseMachine(
  db: Db,
  user: PrincipalUser,
  systemId: string,
  options: { comment?: string },
  clock: Clock,
): Promise<MachineRow> {
  return db.transaction(async (tx) => {
    const row = await getMachineBySystemId(tx, systemId, { forUpdate: true });
    if (!row || !canSee(user, row)) throw regionError("HWS_MACHINE_NOT_FOUND");
    if (row.status === NodeStatus.READY || row.status === NodeStatus.RELEASING) return row;
    if (!RELEASABLE.includes(row.status)) {
      throw regionError("HWS_MACHINE_NOT_RELEASABLE", { status: statusName(row.status) });
    }
    const updated = await updateMachine(tx, row.id, {
      status: NodeStatus.READY,
      statusMessage: "Released",
      enableHwSync: false,
      syncInterval: null,
      lastSync: null,
      hardwareHash: null,
      ownerId: null,
      osystem: "",
      distroSeries: "",
      userData: null,
      agentName: "",
    });
    await deleteMachineTokens(tx, row.id);
    await dropVirtualDevices(tx, row.id, clock.now());
    await recordEvent(tx, {
      machine: { id: row.id, systemId: row.systemId, hostname: row.hostname },
      type: "REQUEST_NODE_RELEASE",
      description: `Released${options.comment ? ` (${options.comment})` : ""}`,
      username: user.username,
      at: clock.now(),
    });
    await notifyMachineChanged(tx, row.systemId);
    return (await getMachineById(tx, updated.id))!;
  });
}

/** `op=get_token`: the machine's metadata token or null (admin only; checked by the route). */
export async function machineToken(db: Db, systemId: string): Promise<TokenTriple | null> {
  const row = await getMachineBySystemId(db, systemId);
  if (!row) throw regionError("HWS_MACHINE_NOT_FOUND");
  return getMachineToken(db, row.id);
}

/**
 * `POST machines/?op=set_zone` (MAAS's NodesHandler.set_zone): moves machines into a zone. The
 * zone must exist; unknown system_ids are refused before anything moves.
 */
export async function setZone(db: Db, zoneName: string | undefined, systemIds: string[]): Promise<void> {
  await db.transaction(async (tx) => {
    const zone = zoneName ? await getNamedObject(tx, ZONES, { name: zoneName }) : null;
    if (!zone) {
      throw regionError("HWS_VALIDATION_FAILED", {
        fields: {
          zone: [
            zoneName
              ? "Select a valid choice. That choice is not one of the available choices."
              : "This field is required.",
          ],
        },
      });
    }
    const rows = await listMachines(tx, { systemIds });
    const unknown = [...new Set(systemIds)].filter((id) => !rows.some((row) => row.systemId === id));
    if (unknown.length > 0) {
      throw regionError("HWS_VALIDATION_FAILED", {
        fields: { system_id: [`Unknown machine(s): ${unknown.sort().join(", ")}.`] },
      });
    }
    for (const row of rows) {
      await updateMachine(tx, row.id, { zoneId: zone.id });
      await notifyMachineChanged(tx, row.systemId);
    }
  });
}
