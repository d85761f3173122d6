import { formatAbsolute, formatRelative } from "../format.ts";

/** A relative time with the absolute UTC time as its tooltip and machine-readable value. */
export function TimeAgo({ date, now, empty = "Never" }: { date: Date | null; now: Date; empty?: string }) {
  if (!date) return <span className="muted">{empty}</span>;
  return (
    <time dateTime={date.toISOString()} title={formatAbsolute(date)}>
      {formatRelative(date, now)}
    </time>
  );
}
