import { Binary, BSON } from "bson";
import { getPowerParameters } from "../db/bmc.ts";
import type { Db } from "../db/db.ts";
import type { MachineRow } from "../db/machines.ts";
import { passedScriptOutputs } from "../db/script-results.ts";

// `op=details` and `op=power_parameters` (docs/maas-compatibility.md#machine-object).

// MAAS's probed details: the stdout of its lshw and LLDP commissioning scripts, by namespace.
const DETAIL_SCRIPTS = { lldp: "maas-capture-lldpd", lshw: "maas-lshw" } as const;

/**
 * A BSON document `{lldp, lshw}`: each the stored output of that script as binary, or null
 * when the machine never reported it (our agent sends machine-resources, not lshw; a
 * maas-run-scripts run that includes them fills them in). python-libmaas decodes it with
 * `bson.decode_all`.
 */
export async function machineDetails(db: Db, row: MachineRow): Promise<Buffer> {
  const outputs = await passedScriptOutputs(db, row.id, Object.values(DETAIL_SCRIPTS));
  const document: Record<string, Binary | null> = {};
  for (const [namespace, script] of Object.entries(DETAIL_SCRIPTS)) {
    const output = outputs.get(script);
    document[namespace] = output ? new Binary(output) : null;
  }
  return Buffer.from(BSON.serialize(document));
}

/** The power parameters the machine last reported about its BMC; `{}` when none (manual power). */
export async function machinePowerParameters(db: Db, row: MachineRow): Promise<Record<string, unknown>> {
  return (await getPowerParameters(db, row.id)) ?? {};
}
