import type { HardwareHistoryEntry } from "../api/types.ts";
import { parseRegionTime } from "../format.ts";

export type ChangeAction = "added" | "updated" | "removed";
export const ACTIONS: ChangeAction[] = ["added", "updated", "removed"];

export interface TimelineSegment {
  action: ChangeAction;
  count: number;
  y: number;
  height: number;
}

export interface TimelineBar {
  syncId: number;
  created: Date;
  x: number;
  total: number;
  segments: TimelineSegment[];
}

export interface TimelineLayout {
  bars: TimelineBar[];
  start: Date | null;
  end: Date | null;
  totals: Record<ChangeAction, number>;
}

export interface TimelineBox {
  width: number;
  height: number;
  /** Horizontal room kept free at both ends so the first and last bars stay whole. */
  inset: number;
}

/**
 * Places one stacked bar per sync on a time axis. Heights follow the square root of the change
 * count: the first sync adds every device at once and would otherwise flatten all later bars.
 */
export function layoutTimeline(entries: HardwareHistoryEntry[], box: TimelineBox): TimelineLayout {
  const totals: Record<ChangeAction, number> = { added: 0, updated: 0, removed: 0 };
  const dated = entries
    .map((entry) => ({ entry, created: parseRegionTime(entry.created) }))
    .filter((item): item is { entry: HardwareHistoryEntry; created: Date } => item.created !== null)
    .sort((a, b) => a.created.getTime() - b.created.getTime());
  if (dated.length === 0) return { bars: [], start: null, end: null, totals };

  const start = dated[0]!.created;
  const end = dated[dated.length - 1]!.created;
  const span = end.getTime() - start.getTime();
  const maxTotal = Math.max(1, ...dated.map(({ entry }) => entry.changes.length));
  const usable = box.width - 2 * box.inset;

  const bars = dated.map(({ entry, created }) => {
    const counts: Record<ChangeAction, number> = { added: 0, updated: 0, removed: 0 };
    for (const change of entry.changes) {
      if (change.action in counts) counts[change.action]++;
    }
    for (const action of ACTIONS) totals[action] += counts[action];
    const total = entry.changes.length;
    const barHeight = total === 0 ? 0 : Math.max(2, Math.sqrt(total / maxTotal) * box.height);
    let y = box.height;
    const segments: TimelineSegment[] = [];
    for (const action of ACTIONS) {
      if (counts[action] === 0) continue;
      const height = (counts[action] / total) * barHeight;
      y -= height;
      segments.push({ action, count: counts[action], y, height });
    }
    const x =
      span === 0 ? box.width / 2 : box.inset + ((created.getTime() - start.getTime()) / span) * usable;
    return { syncId: entry.sync_id, created, x, total, segments };
  });
  return { bars, start, end, totals };
}
