import { canonicalJson, type HardwareChange } from "@hwsync/shared";
import { getPowerParameters, savePowerParameters } from "../../db/bmc.ts";
import type { Db } from "../../db/db.ts";
import type { MachineRow } from "../../db/machines.ts";

/** `power_type` / `power_parameters` as a signal reports them (docs/maas-compatibility.md#signal). */
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
  const known = await getPowerParameters(tx, machine.id);
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
      await savePowerParameters(tx, machine.id, report.powerParameters, now);
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
