import { canonicalJson, type HardwareChange } from "@hwsync/shared";
import type { Db } from "../../db/db.ts";
import type { MachineRow } from "../../db/machines.ts";

/** `power_type` / `power_parameters` as a signal reports them (spec maas-wire-sync §1.4). */
export interface BmcReport {
  powerType: string | null;
  powerParameters: Record<string, unknown> | null;
}

/**
 * Passive BMC update: stores what the machine reported and returns one `bmc` change when it
 * differs. Parameter values (passwords among them) never reach the change: only their names.
 */
export async function applyBmc(
  tx: Db,
  machine: MachineRow,
  report: BmcReport,
  now: Date,
): Promise<{ changes: HardwareChange[]; powerType?: string }> {
  const { rows } = await tx.query<{ power_parameters: Record<string, unknown> }>(
    "SELECT power_parameters FROM machine_bmc WHERE machine_id = $1",
    [machine.id],
  );
  const known = rows[0]?.power_parameters;
  const details: Record<string, unknown> = {};
  const powerType = report.powerType && report.powerType !== machine.powerType ? report.powerType : undefined;
  if (powerType) details.power_type = { from: machine.powerType, to: powerType };
  if (report.powerParameters) {
    const before = known ?? {};
    const keys = new Set([...Object.keys(before), ...Object.keys(report.powerParameters)]);
    for (const key of [...keys].sort()) {
      if (canonicalJson(before[key] ?? null) !== canonicalJson(report.powerParameters[key] ?? null)) {
        details[key] = "changed";
      }
    }
    if (Object.keys(details).some((key) => key !== "power_type")) {
      await tx.query(
        `INSERT INTO machine_bmc (machine_id, power_parameters, updated) VALUES ($1, $2::jsonb, $3)
         ON CONFLICT (machine_id) DO UPDATE SET power_parameters = EXCLUDED.power_parameters, updated = EXCLUDED.updated`,
        [machine.id, JSON.stringify(report.powerParameters), now],
      );
    }
  }
  if (Object.keys(details).length === 0) return { changes: [] };
  return {
    changes: [
      {
        kind: "bmc",
        action: known || machine.powerType !== "manual" ? "updated" : "added",
        name: powerType ?? machine.powerType,
        details,
      },
    ],
    ...(powerType ? { powerType } : {}),
  };
}
