import type { HardwareChange } from "@hwsync/shared";
import type { Db } from "../db/db.ts";

export interface DroppedDevices {
  interfaces: string[];
  pciDevices: string[];
}

/**
 * Release drops what the deployment created (MAAS's "acquired" interfaces: VFs, bonds, bridges,
 * VLANs, veth/tap) and the SR-IOV virtual functions among the PCI devices; disks, physical NICs
 * and physical PCI/USB devices stay with the machine. Call inside core's release transaction,
 * with the machine row locked. The drop is written to the hardware history (no events: core
 * logs the release itself).
 */
export async function dropVirtualDevices(
  tx: Db,
  machineId: number,
  at: Date = new Date(),
): Promise<DroppedDevices> {
  const { rows } = await tx.query<{
    kind: "interface" | "pci_device";
    name: string;
    mac: string | null;
    type: string;
  }>(
    `WITH i AS (DELETE FROM interfaces WHERE machine_id = $1 AND is_virtual RETURNING name, mac_address, type),
          p AS (DELETE FROM pci_devices WHERE machine_id = $1 AND is_virtual RETURNING pci_address, hardware_type)
     SELECT 'interface' AS kind, name, mac_address AS mac, type FROM i
     UNION ALL SELECT 'pci_device', pci_address, NULL, hardware_type FROM p
     ORDER BY 1, 2`,
    [machineId],
  );
  const dropped: DroppedDevices = { interfaces: [], pciDevices: [] };
  const changes: HardwareChange[] = rows.map((row) => {
    (row.kind === "interface" ? dropped.interfaces : dropped.pciDevices).push(row.name);
    return {
      kind: row.kind,
      action: "removed",
      name: row.name,
      details: { reason: "release", type: row.type, ...(row.mac ? { mac_address: row.mac } : {}) },
    };
  });
  if (changes.length > 0) {
    await tx.query(
      "INSERT INTO hardware_syncs (machine_id, created, content_hash, changes) VALUES ($1, $2, NULL, $3::jsonb)",
      [machineId, at, JSON.stringify(changes)],
    );
  }
  return dropped;
}
