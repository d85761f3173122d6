import { useId } from "react";
import type { HardwareHistoryEntry } from "../api/types.ts";
import { formatAbsolute } from "../format.ts";
import { ACTIONS, layoutTimeline } from "./timeline.ts";

const WIDTH = 640;
const PLOT_HEIGHT = 96;
const BAR_WIDTH = 10;
const AXIS = 22;

/** A small SVG of hardware changes over time; the history list below it carries the same data as text. */
export function TimelineChart({ history }: { history: HardwareHistoryEntry[] }) {
  const titleId = useId();
  const layout = layoutTimeline(history, { width: WIDTH, height: PLOT_HEIGHT, inset: BAR_WIDTH });
  if (layout.bars.length === 0 || !layout.start || !layout.end) return null;
  const { totals } = layout;
  const summary =
    `${layout.bars.length} syncs with recorded changes between ${formatAbsolute(layout.start)} and ` +
    `${formatAbsolute(layout.end)}: ${totals.added} added, ${totals.updated} updated, ${totals.removed} removed.`;
  return (
    <figure className="timeline">
      <svg
        viewBox={`0 0 ${WIDTH} ${PLOT_HEIGHT + AXIS}`}
        role="img"
        aria-labelledby={titleId}
        preserveAspectRatio="xMidYMid meet"
      >
        <title id={titleId}>{summary}</title>
        <line className="axis" x1={0} x2={WIDTH} y1={PLOT_HEIGHT + 0.5} y2={PLOT_HEIGHT + 0.5} />
        {layout.bars.map((bar) => (
          <g key={bar.syncId} data-sync-id={bar.syncId}>
            <title>{`${formatAbsolute(bar.created)}: ${bar.segments.map((s) => `${s.count} ${s.action}`).join(", ") || "no changes"}`}</title>
            {bar.segments.map((segment) => (
              <rect
                key={segment.action}
                className={`bar-${segment.action}`}
                x={bar.x - BAR_WIDTH / 2}
                y={segment.y}
                width={BAR_WIDTH}
                height={segment.height}
              />
            ))}
          </g>
        ))}
        <text className="axis-label" x={2} y={PLOT_HEIGHT + 16}>
          {formatAbsolute(layout.start)}
        </text>
        {formatAbsolute(layout.end) !== formatAbsolute(layout.start) && (
          <text className="axis-label" x={WIDTH - 2} y={PLOT_HEIGHT + 16} textAnchor="end">
            {formatAbsolute(layout.end)}
          </text>
        )}
      </svg>
      <figcaption className="legend">
        {ACTIONS.map((action) => (
          <span key={action}>
            <span className={`swatch bar-${action}`} aria-hidden="true" /> {action} ({totals[action]})
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
