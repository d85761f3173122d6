import type { HardwareChange } from "@hwsync/shared";
import type { Db } from "../db/db.ts";
import { deleteVirtualDevices } from "../db/hardware.ts";
import { insertHardwareSync } from "../db/hardware-syncs.ts";

export interface DroppedDevices {
  interfaces: string[];
  pciDevices: string[];
}

/**
 * Release drops what the deployment created (MAAS's "acquired" interfaces: bonds, bridges, VLANs
 * and the netdevs without a NIC port of their own — SR-IOV VFs, veth, tap — which are stored as
 * physical) and the SR-IOV virtual functions among the PCI devices (MAAS keeps those); disks, physical NICs
 * and physical PCI/USB devices stay with the machine. Call inside core's release transaction,
 * with the machine row locked. The drop is written to the hardware history (no events: core
 * logs the release itself).
 */
export async function dropVirtualDevices(
  tx: Db,
  machineId: number,
  at: Date = new Date(),
): Promise<DroppedDevices> {
  const rows = await deleteVirtualDevices(tx, machineId);
  const dropped: DroppedDevices = { interfaces: [], pciDevices: [] };
  const changes: HardwareChange[] = rows.map((row) => {
    (row.kind === "interface" ? dropped.interfaces : dropped.pciDevices).push(row.name);
    return {
      kind: row.kind,
      action: "removed",
      name: row.name,
      details: {
        reason: "release",
        type: row.type,
        ...(row.mac ? { mac_address: row.mac } : {}),
        ...(row.sriovPf ? { sriov_pf: row.sriovPf } : {}),
      },
    };
  });
  if (changes.length > 0) {
    await insertHardwareSync(tx, { machineId, created: at, contentHash: null, changes });
  }
  return dropped;
}
