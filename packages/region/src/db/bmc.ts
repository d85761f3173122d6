import type { Db } from "./db.ts";

// `machine_bmc`: the power parameters a machine last reported about its BMC.

export async function getPowerParameters(tx: Db, machineId: number): Promise<Record<string, unknown> | null> {
  const { rows } = await tx.query<{ power_parameters: Record<string, unknown> }>(
    "SELECT power_parameters FROM machine_bmc WHERE machine_id = $1",
    [machineId],
  );
  return rows[0]?.power_parameters ?? null;
}

export async function savePowerParameters(
  tx: Db,
  machineId: number,
  parameters: Record<string, unknown>,
  now: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO machine_bmc (machine_id, power_parameters, updated) VALUES ($1, $2::jsonb, $3)
         ON CONFLICT (machine_id) DO UPDATE SET power_parameters = EXCLUDED.power_parameters, updated = EXCLUDED.updated`,
    [machineId, JSON.stringify(parameters), now],
  );
}
