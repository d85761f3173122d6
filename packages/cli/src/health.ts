import { isSyncHealthy, parseMaasTimestamp } from "@hwsync/shared/sync-health";

/** The hardware-sync fields of a machine as any MAAS version sends them (all optional). */
export interface SyncFields {
  enable_hw_sync?: boolean | null;
  sync_interval?: number | null;
  last_sync?: string | null;
  next_sync?: string | null;
  is_sync_healthy?: boolean | null;
}

export type SyncHealth = "healthy" | "unhealthy" | "off";

/**
 * Whether hardware sync is on. MAAS 3.2–3.3.7 omit `enable_hw_sync` from REST, so then we infer it:
 * a non-zero interval and a `next_sync` or `last_sync` (docs/maas-compatibility.md#machine-object).
 */
export function isHwSyncEnabled(machine: SyncFields): boolean {
  if (typeof machine.enable_hw_sync === "boolean") return machine.enable_hw_sync;
  return Boolean(machine.sync_interval) && Boolean(machine.next_sync || machine.last_sync);
}

/**
 * Our region sends `is_sync_healthy`; real MAAS never does over REST, so recompute it with the
 * same 1.5 × interval rule (shared's isSyncHealthy) against the caller's clock.
 */
export function syncHealth(machine: SyncFields, now: Date): SyncHealth {
  const enabled = isHwSyncEnabled(machine);
  if (!enabled) return "off";
  if (typeof machine.is_sync_healthy === "boolean") return machine.is_sync_healthy ? "healthy" : "unhealthy";
  return isSyncHealthy(enabled, parseMaasTimestamp(machine.last_sync), machine.sync_interval, now)
    ? "healthy"
    : "unhealthy";
}
