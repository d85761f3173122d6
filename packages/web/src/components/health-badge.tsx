import { HEALTH_LABELS, type SyncHealth } from "../format.ts";

const SYMBOLS: Record<SyncHealth, string> = { off: "○", healthy: "●", pending: "◐", overdue: "▲" };

/** Colour plus a symbol and a word, so the state never depends on colour alone. */
export function HealthBadge({ health }: { health: SyncHealth }) {
  return (
    <span className={`badge badge-${health}`} data-health={health}>
      <span aria-hidden="true">{SYMBOLS[health]}</span> {HEALTH_LABELS[health]}
    </span>
  );
}
