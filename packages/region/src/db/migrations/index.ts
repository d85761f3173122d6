import * as migration001 from "./001-core.ts";
import * as migration002 from "./002-sync.ts";
import * as migration003 from "./003-sync-record.ts";
import * as migration004 from "./004-zones-pools-domains.ts";

/** One schema change; `sql` may hold several statements. Never edit a released migration. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

// Listed by hand (not read from the directory) so the esbuild bundle carries every migration.
export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004];
