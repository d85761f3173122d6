import { isSyncHealthy, parseMaasTimestamp } from "@hwsync/shared/sync-health";
import type { WsMachine } from "./api/types.ts";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
// The WebSocket and events format `%a, %d %b. %Y %H:%M:%S`, UTC with no zone marker
// (docs/maas-compatibility.md#websocket). The inverse of shared's formatMaasEventTime.
const EVENT_TIME = /^[A-Z][a-z]{2}, (\d{1,2}) ([A-Z][a-z]{2})\.? (\d{4}) (\d{2}):(\d{2}):(\d{2})$/;

/** Reads a region timestamp in either the WebSocket/events form or ISO-8601; "" and junk → null. */
export function parseRegionTime(value: string | null | undefined): Date | null {
  if (!value) return null;
  const match = EVENT_TIME.exec(value.trim());
  if (match) {
    const [, day, month, year, hours, minutes, seconds] = match;
    const monthIndex = MONTHS.indexOf(month ?? "");
    if (monthIndex < 0) return null;
    return new Date(
      Date.UTC(Number(year), monthIndex, Number(day), Number(hours), Number(minutes), Number(seconds)),
    );
  }
  return parseMaasTimestamp(value);
}

// Each unit takes over at 45 of the smaller ones (45 s → "1 minute", 45 min → "1 hour",
// 22 h → "1 day"), so rounding never produces "60 minutes ago".
const UNITS: [Intl.RelativeTimeFormatUnit, number, number][] = [
  ["second", 1, 45],
  ["minute", 60, 45 * 60],
  ["hour", 3600, 22 * 3600],
  ["day", 86_400, Number.POSITIVE_INFINITY],
];
const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "just now", "3 minutes ago", "in 12 minutes"; rounded, so 9 min 59 s reads "in 10 minutes". */
export function formatRelative(date: Date, now: Date): string {
  const deltaSeconds = (date.getTime() - now.getTime()) / 1000;
  const abs = Math.abs(deltaSeconds);
  if (abs < 10) return "just now";
  const [unit, size] = UNITS.find(([, , below]) => abs < below) ?? ["day", 86_400];
  return relative.format(Math.round(deltaSeconds / size), unit);
}

/** "2026-11-24 15:55:01 UTC": absolute, unambiguous, for titles and detail views. */
export function formatAbsolute(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** 5400 → "1 h 30 min"; the interval as a person reads it. */
export function formatDuration(totalSeconds: number): string {
  if (totalSeconds <= 0) return "0 s";
  const parts: string[] = [];
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (days) parts.push(`${days} d`);
  if (hours) parts.push(`${hours} h`);
  if (minutes) parts.push(`${minutes} min`);
  if (seconds) parts.push(`${seconds} s`);
  return parts.join(" ");
}

/** Bytes in binary units, as MAAS shows disk and memory sizes: 500107862016 → "465.8 GiB". */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export type SyncHealth = "off" | "healthy" | "pending" | "overdue";

export const HEALTH_LABELS: Record<SyncHealth, string> = {
  off: "Off",
  healthy: "Healthy",
  pending: "Awaiting first sync",
  overdue: "Overdue",
};

/**
 * Health from the machine's fields and the browser's clock, so a badge turns "Overdue" when
 * 1.5 × interval passes with no push, with no message from the region (none is sent then).
 * MAAS counts a machine that never synced as unhealthy; we name that case "pending".
 */
export function syncHealth(machine: WsMachine, now: Date): SyncHealth {
  if (!machine.enable_hw_sync) return "off";
  const lastSync = parseRegionTime(machine.last_sync);
  if (!lastSync) return "pending";
  return isSyncHealthy(true, lastSync, machine.sync_interval, now) ? "healthy" : "overdue";
}

export function isUnhealthy(machine: WsMachine, now: Date): boolean {
  const health = syncHealth(machine, now);
  return health === "pending" || health === "overdue";
}
