import { ErrorCode, HwsError } from "./errors.ts";

/** The units MAAS's `hardware_sync_interval` accepts, as its own error text lists them. */
export const TIME_SPAN_UNITS = "h|hr|hour|hours, m|min|minute|minutes, s|sec|second|seconds";

// MAAS: src/maascommon/utils/time.py — optional hours, then minutes, then seconds; each a
// number, an optional single space, a unit, an optional single space. MAAS anchors only the
// start; we anchor both ends on purpose so "15m garbage" or "1 month" are refused.
const SPAN_PATTERN =
  /^(?:(?<hours>\d+) ?(?:hours|hour|hr|h) ?)?(?:(?<minutes>\d+) ?(?:minutes|minute|min|m) ?)?(?:(?<seconds>\d+) ?(?:seconds|second|sec|s) ?)?$/;

/** A parsed span; the digit strings are kept as written because OnCalendar uses them verbatim. */
export interface TimeSpan {
  hours: string | undefined;
  minutes: string | undefined;
  seconds: string | undefined;
  totalSeconds: number;
}

function invalid(value: string): HwsError {
  return new HwsError(
    ErrorCode.TIME_SPAN_INVALID,
    `'${value}' is not a valid interval. Only '${TIME_SPAN_UNITS}' are valid units (e.g. 15m, 1h30m, 90s).`,
  );
}

/** Parses a systemd-style span restricted to h/m/s (e.g. `15m`, `1h 30m`, `1 hour 5 min`). */
export function parseTimeSpanParts(value: string): TimeSpan {
  const match = SPAN_PATTERN.exec(value);
  const groups = match?.groups;
  if (
    !groups ||
    (groups.hours === undefined && groups.minutes === undefined && groups.seconds === undefined)
  ) {
    throw invalid(value);
  }
  const totalSeconds =
    Number(groups.hours ?? 0) * 3600 + Number(groups.minutes ?? 0) * 60 + Number(groups.seconds ?? 0);
  if (!Number.isSafeInteger(totalSeconds)) throw invalid(value);
  return { hours: groups.hours, minutes: groups.minutes, seconds: groups.seconds, totalSeconds };
}

/** `15m` → 900. Throws HWS_TIME_SPAN_INVALID naming the accepted units. */
export function parseTimeSpan(value: string): number {
  return parseTimeSpanParts(value).totalSeconds;
}

/** True when `value` parses (whole string) as a span. */
export function isValidTimeSpan(value: string): boolean {
  try {
    parseTimeSpanParts(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Accepts either a span or a plain number of seconds ("900"), as the CLI's --sync-interval does.
 * Rejects zero: an interval of 0 would make a machine never healthy.
 */
export function parseIntervalSeconds(value: string): number {
  const seconds = /^\d+$/.test(value.trim()) ? Number(value.trim()) : parseTimeSpan(value.trim());
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new HwsError(
      ErrorCode.TIME_SPAN_INVALID,
      `'${value}' is not a valid interval. Give a positive number of seconds or a span with units ${TIME_SPAN_UNITS} (e.g. 15m).`,
    );
  }
  return seconds;
}

/** 5400 → `1h30m`; 0 → `0s`. */
export function formatTimeSpan(totalSeconds: number): string {
  if (!Number.isInteger(totalSeconds) || totalSeconds < 0) {
    throw new HwsError(ErrorCode.TIME_SPAN_INVALID, `cannot format ${totalSeconds} as a time span`);
  }
  if (totalSeconds === 0) return "0s";
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return `${hours ? `${hours}h` : ""}${minutes ? `${minutes}m` : ""}${seconds ? `${seconds}s` : ""}`;
}

/**
 * The timer's `OnCalendar=` value exactly as MAAS renders it
 * (src/maasserver/utils/converters.py `systemd_interval_to_calendar`).
 */
export function timeSpanToOnCalendar(value: string): string {
  const { hours, minutes, seconds } = parseTimeSpanParts(value);
  const hourField = hours !== undefined && hours !== "1" ? `00/${hours}` : "*";
  const secondField = seconds !== undefined ? `00/${seconds}` : "00";
  const minuteField = minutes !== undefined ? `00/${minutes}` : secondField === "00" ? "00" : "*";
  return `*-*-* ${hourField}:${minuteField}:${secondField}`;
}

/** OnCalendar for an interval known only in seconds (a machine's own `sync_interval`). */
export function secondsToOnCalendar(totalSeconds: number): string {
  return timeSpanToOnCalendar(formatTimeSpan(totalSeconds));
}
