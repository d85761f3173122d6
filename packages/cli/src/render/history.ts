import type { HardwareHistoryEntry } from "@hwsync/shared/wire/machine";
import { formatRelative } from "./format.ts";
import type { RenderKit, Style } from "./kit.ts";

function styleAction(action: string, style: Style): string {
  if (action === "added") return style.green(action);
  if (action === "removed") return style.red(action);
  return style.yellow(action);
}

function isChange(value: unknown): value is { from: unknown; to: unknown } {
  return typeof value === "object" && value !== null && "from" in value && "to" in value;
}

function text(value: unknown): string {
  return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}

/**
 * `{size: 1, model: "x"}` → `size=1 model=x`; our region's `{from, to}` pairs → `cpu_count=0→8`;
 * cut to stay on one line (the whole record is in --format json).
 */
export function summarizeDetails(details: Record<string, unknown> | null | undefined, max = 60): string {
  if (!details) return "";
  const line = isChange(details)
    ? `${text(details.from)}→${text(details.to)}`
    : Object.entries(details)
        .map(
          ([key, value]) =>
            `${key}=${isChange(value) ? `${text(value.from)}→${text(value.to)}` : text(value)}`,
        )
        .join(" ");
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** `machine hardware-history`: one row per change, newest sync first, so it greps well. */
export function renderHardwareHistory(entries: HardwareHistoryEntry[], kit: RenderKit): string {
  if (entries.length === 0) return kit.style.dim("(no hardware syncs recorded)");
  const rows: string[][] = [];
  for (const entry of entries) {
    const when = formatRelative(entry.created, kit.now);
    const notReported = entry.not_reported ?? [];
    if (entry.changes.length === 0 && notReported.length === 0) {
      rows.push([String(entry.sync_id), when, kit.style.dim("no changes"), "", "", ""]);
      continue;
    }
    for (const change of entry.changes) {
      rows.push([
        String(entry.sync_id),
        when,
        styleAction(change.action, kit.style),
        change.kind,
        change.name,
        summarizeDetails(change.details ?? undefined),
      ]);
    }
    // Classes the sync kept as stored because the machine did not report them, and why.
    for (const gap of notReported) {
      const why =
        gap.reason === "collector_error"
          ? `collector=${gap.collector} code=${gap.code}`
          : `section ${gap.reason}`;
      rows.push([String(entry.sync_id), when, kit.style.yellow("not reported"), gap.kind, gap.section, why]);
    }
  }
  return kit.table(["SYNC", "WHEN", "ACTION", "KIND", "NAME", "DETAILS"], rows);
}
