import type { NamedObjectTable } from "./named-objects.ts";

// `resource_pools` (migration 003): MAAS's resource pools. Pool 0 "default" always exists.

export const RESOURCE_POOLS: NamedObjectTable = { table: "resource_pools", machineColumn: "pool_id" };
export const DEFAULT_POOL_ID = 0;
