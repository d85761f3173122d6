import type { NamedObjectTable } from "./named-objects.ts";

// `zones` (migration 003): MAAS's physical zones. Zone 1 "default" always exists.

export const ZONES: NamedObjectTable = { table: "zones", machineColumn: "zone_id" };
export const DEFAULT_ZONE_ID = 1;
