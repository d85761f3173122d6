/** Grace factor: MAAS (src/maasserver/models/node.py) calls a sync healthy until 1.5 × interval has passed. */
const SYNC_GRACE_FACTOR = 1.5;

/** `last_sync + sync_interval`, or null when either is missing or the interval is 0. */
export function nextSync(
  lastSync: Date | null | undefined,
  syncInterval: number | null | undefined,
): Date | null {
  if (!lastSync || !syncInterval) return null;
  return new Date(lastSync.getTime() + syncInterval * 1000);
}

/** Healthy ⇔ enabled, synced at least once, non-zero interval and now ≤ last_sync + 1.5 × interval. */
export function isSyncHealthy(
  enabled: boolean,
  lastSync: Date | null | undefined,
  syncInterval: number | null | undefined,
  now: Date,
): boolean {
  if (!enabled || !lastSync || !syncInterval) return false;
  return now.getTime() <= lastSync.getTime() + SYNC_GRACE_FACTOR * syncInterval * 1000;
}

/**
 * Parses MAAS timestamps: 3.6+ `2026-11-24T15:55:01.123Z`, offsets, and the naive
 * `2022-05-10T12:34:56(.789)` of 3.2–3.5, which we read as UTC.
 */
export function parseMaasTimestamp(value: string | null | undefined): Date | null {
  if (!value) return null;
  const hasZone = /(?:Z|[+-]\d\d:?\d\d)$/i.test(value);
  const date = new Date(hasZone ? value : `${value}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** ISO-8601 UTC as MAAS 3.6+ writes it: milliseconds only when non-zero. */
export function formatMaasTimestamp(date: Date | null | undefined): string | null {
  if (!date) return null;
  const iso = date.toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `%a, %d %b. %Y %H:%M:%S` in UTC, the WebSocket and events format (`Tue, 24 Nov. 2026 15:55:01`). */
export function formatMaasEventTime(date: Date | null | undefined): string {
  if (!date) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]}. ${date.getUTCFullYear()} ${pad(
    date.getUTCHours(),
  )}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}
