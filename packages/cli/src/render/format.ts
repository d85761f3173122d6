import { parseMaasTimestamp } from "@hwsync/shared/sync-health";
import { formatTimeSpan } from "@hwsync/shared/time-span";
import type { RenderKit } from "./kit.ts";

/** `2m ago`, `in 5m`, `just now`: how far a MAAS timestamp is from now, in the largest unit. */
export function formatRelative(value: string | null | undefined, now: Date): string {
  const date = parseMaasTimestamp(value);
  if (!date) return "never";
  const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
  const magnitude = Math.abs(seconds);
  if (magnitude < 10) return "just now";
  const units: Array<[number, string]> = [
    [86_400, "d"],
    [3_600, "h"],
    [60, "m"],
    [1, "s"],
  ];
  const [size, unit] = units.find(([unitSeconds]) => magnitude >= unitSeconds)!;
  const amount = `${Math.floor(magnitude / size)}${unit}`;
  return seconds >= 0 ? `${amount} ago` : `in ${amount}`;
}

/** Seconds as a span (`900` → `15m`), `-` when unset. */
export function formatInterval(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "-";
  return Number.isInteger(seconds) && seconds >= 0 ? formatTimeSpan(seconds) : String(seconds);
}

/** Bytes in SI units as MAAS's UI shows them (`500.1 GB`). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return "-";
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let value = bytes;
  let index = 0;
  while (value >= 1000 && index < units.length - 1) {
    value /= 1000;
    index++;
  }
  return index === 0 ? `${value} B` : `${value.toFixed(1)} ${units[index]}`;
}

/** A scalar as table text; objects and arrays become short summaries. */
export function cell(value: unknown): string {
  if (value === null || value === undefined || value === "") return "-";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (Array.isArray(value)) {
    return value.every((item) => typeof item !== "object" || item === null)
      ? value.map(String).join(", ") || "-"
      : `[${value.length} items]`;
  }
  if (typeof value === "object") {
    const named = value as { name?: unknown; system_id?: unknown };
    return typeof named.name === "string" ? named.name : "{…}";
  }
  return String(value);
}

/** `label  value` lines with labels padded to one width (a detail view). */
export function detail(rows: Array<[string, string]>, kit: RenderKit): string {
  const width = Math.max(0, ...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${kit.style.dim(label.padEnd(width))}  ${value}`).join("\n");
}

/** A titled section: bold title, then the body, or `(none)`. */
export function section(title: string, body: string, kit: RenderKit): string {
  return `${kit.style.bold(title)}\n${body === "" ? kit.style.dim("(none)") : body}`;
}
