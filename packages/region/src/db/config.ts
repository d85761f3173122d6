import type { Db } from "./db.ts";

/** Stored config values by name; names never set are absent (their defaults live in services/config.ts). */
export async function readConfigValues(db: Db, names?: string[]): Promise<Map<string, string>> {
  const { rows } = names
    ? await db.query<{ name: string; value: string }>(
        "SELECT name, value FROM config WHERE name = ANY($1::text[])",
        [names],
      )
    : await db.query<{ name: string; value: string }>("SELECT name, value FROM config");
  return new Map(rows.map((row) => [row.name, row.value]));
}

export async function writeConfigValue(db: Db, name: string, value: string): Promise<void> {
  await db.query(
    "INSERT INTO config (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
    [name, value],
  );
}
