import type { Db } from "./db.ts";

// `script_results`: one row per (machine, script name), what MAAS's run-scripts client reports.

export interface ScriptResultWrite {
  machineId: number;
  name: string;
  status: string;
  exitStatus: number;
  runtime: number | null;
  scriptVersionId: number | null;
  /** Outputs not sent this time (undefined) keep their stored value, as MAAS stores by suffix. */
  stdout?: Buffer;
  stderr?: Buffer;
  output?: Buffer;
  result?: Buffer;
  updated: Date;
}

/**
 * One result per (machine, script): the id maas-scripts handed out names the same row, and a
 * client that sends none (or a stale one) still lands on it by name.
 */
export async function upsertScriptResult(tx: Db, result: ScriptResultWrite): Promise<void> {
  const set = `status = $3, exit_status = $4, runtime = $5, script_version_id = $6,
      stdout = coalesce($7, script_results.stdout), stderr = coalesce($8, script_results.stderr),
      output = coalesce($9, script_results.output), result = coalesce($10, script_results.result), updated = $11`;
  await tx.query(
    `INSERT INTO script_results (machine_id, name, status, exit_status, runtime, script_version_id,
                                 stdout, stderr, output, result, updated)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (machine_id, name) DO UPDATE SET ${set}`,
    [
      result.machineId,
      result.name,
      result.status,
      result.exitStatus,
      result.runtime,
      result.scriptVersionId,
      result.stdout ?? null,
      result.stderr ?? null,
      result.output ?? null,
      result.result ?? null,
      result.updated,
    ],
  );
}

/** The machine's result row for a script, created PENDING when it has none yet. */
export async function claimScriptResult(
  db: Db,
  machineId: number,
  name: string,
  now: Date,
): Promise<{ id: number; status: string }> {
  const { rows } = await db.query<{ id: number; status: string }>(
    `INSERT INTO script_results (machine_id, name, updated) VALUES ($1, $2, $3)
       ON CONFLICT (machine_id, name) DO UPDATE SET machine_id = EXCLUDED.machine_id
       RETURNING id, status`,
    [machineId, name, now],
  );
  const row = rows[0]!;
  return { id: Number(row.id), status: row.status };
}

/** The stdout of the named scripts that passed, by name (MAAS's probed details: lshw, lldp). */
export async function passedScriptOutputs(
  db: Db,
  machineId: number,
  names: string[],
): Promise<Map<string, Buffer>> {
  const { rows } = await db.query<{ name: string; stdout: Buffer | Uint8Array | null }>(
    "SELECT name, stdout FROM script_results WHERE machine_id = $1 AND name = ANY($2::text[]) AND status = 'PASSED'",
    [machineId, names],
  );
  const out = new Map<string, Buffer>();
  for (const row of rows) if (row.stdout) out.set(row.name, Buffer.from(row.stdout));
  return out;
}
