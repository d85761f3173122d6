import type { PrincipalUser } from "../auth.ts";
import type { Db } from "../db/db.ts";
import { type HardwareSummary, loadHardwareSummary } from "../db/hardware.ts";
import { getMachineBySystemId, type MachineRow } from "../db/machines.ts";
import { regionError } from "../errors.ts";
import { blockDeviceJson, interfaceJson } from "./device-json.ts";
import { canSee } from "./machines.ts";

// `nodes/{system_id}/interfaces/` and `…/blockdevices/`: a machine's devices as MAAS's
// interface and block-device handlers serve them, read-only (hardware sync writes them).

/** The node the user may see, else MAAS's node 404. */
async function visibleNode(db: Db, user: PrincipalUser, systemId: string): Promise<MachineRow> {
  const row = await getMachineBySystemId(db, systemId);
  if (!row || !canSee(user, row)) throw regionError("HWS_NOT_FOUND", { model: "Node" });
  return row;
}

async function hardwareOf(
  db: Db,
  user: PrincipalUser,
  systemId: string,
): Promise<{ row: MachineRow; hardware: HardwareSummary }> {
  const row = await visibleNode(db, user, systemId);
  return { row, hardware: await loadHardwareSummary(db, row.id) };
}

const deviceId = (raw: string) => (/^\d+$/.test(raw) ? Number(raw) : Number.NaN);

export async function listInterfaces(db: Db, user: PrincipalUser, systemId: string): Promise<unknown[]> {
  const { row, hardware } = await hardwareOf(db, user, systemId);
  return hardware.interfaces.map((nic) => interfaceJson(row.systemId, nic, hardware.interfaces));
}

export async function readInterface(
  db: Db,
  user: PrincipalUser,
  systemId: string,
  id: string,
): Promise<unknown> {
  const { row, hardware } = await hardwareOf(db, user, systemId);
  const nic = hardware.interfaces.find((candidate) => candidate.id === deviceId(id));
  if (!nic) throw regionError("HWS_NOT_FOUND", { model: "Interface" });
  return interfaceJson(row.systemId, nic, hardware.interfaces);
}

export async function listBlockDevices(db: Db, user: PrincipalUser, systemId: string): Promise<unknown[]> {
  const { row, hardware } = await hardwareOf(db, user, systemId);
  return hardware.blockDevices.map((disk) => blockDeviceJson(row.systemId, disk));
}

export async function readBlockDevice(
  db: Db,
  user: PrincipalUser,
  systemId: string,
  id: string,
): Promise<unknown> {
  const { row, hardware } = await hardwareOf(db, user, systemId);
  const disk = hardware.blockDevices.find((candidate) => candidate.id === deviceId(id));
  if (!disk) throw regionError("HWS_NOT_FOUND", { model: "BlockDevice" });
  return blockDeviceJson(row.systemId, disk);
}
