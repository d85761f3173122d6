import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { HardwareHistoryEntry } from "../src/api/types.ts";
import type * as Timeline from "../src/components/timeline.ts";
import { closeWebModules, loadWebModule } from "./support/web-modules.ts";

let timeline: typeof Timeline;
beforeAll(async () => {
  timeline = await loadWebModule<typeof Timeline>("src/components/timeline.ts");
});
afterAll(closeWebModules);

const BOX = { width: 200, height: 100, inset: 10 };
const change = (action: "added" | "updated" | "removed", name: string) => ({
  kind: "block_device",
  action,
  name,
});

// Newest first, as the region sends it.
const HISTORY: HardwareHistoryEntry[] = [
  { sync_id: 3, created: "2026-11-24T12:00:00Z", changes: [change("removed", "sdc")] },
  {
    sync_id: 2,
    created: "Tue, 24 Nov. 2026 11:00:00",
    changes: [change("added", "sdc"), change("updated", "sda")],
  },
  {
    sync_id: 1,
    created: "2026-11-24T10:00:00Z",
    changes: Array.from({ length: 16 }, (_, i) => change("added", `d${i}`)),
  },
];

describe("layoutTimeline", () => {
  test("orders bars by time and spreads them over the inset width", () => {
    const layout = timeline.layoutTimeline(HISTORY, BOX);
    expect(layout.bars.map((bar) => [bar.syncId, bar.x])).toEqual([
      [1, 10],
      [2, 100],
      [3, 190],
    ]);
    expect(layout.start?.toISOString()).toBe("2026-11-24T10:00:00.000Z");
    expect(layout.end?.toISOString()).toBe("2026-11-24T12:00:00.000Z");
    expect(layout.totals).toEqual({ added: 17, updated: 1, removed: 1 });
  });

  test("scales bar heights by the square root of the change count and stacks segments", () => {
    const [first, second, third] = timeline.layoutTimeline(HISTORY, BOX).bars;
    expect(first?.segments).toEqual([{ action: "added", count: 16, y: 0, height: 100 }]);
    // sqrt(2/16) × 100 ≈ 35.36, split evenly between added and updated.
    expect(second?.segments.map((s) => [s.action, s.count, Number(s.height.toFixed(2))])).toEqual([
      ["added", 1, 17.68],
      ["updated", 1, 17.68],
    ]);
    expect(Number(second?.segments[1]?.y.toFixed(2))).toBe(64.64);
    expect(third?.segments[0]?.height).toBe(25);
  });

  test("centres a single sync and skips entries whose time does not parse", () => {
    const layout = timeline.layoutTimeline(
      [HISTORY[0]!, { sync_id: 9, created: "not a time", changes: [change("added", "x")] }],
      BOX,
    );
    expect(layout.bars.map((bar) => [bar.syncId, bar.x])).toEqual([[3, 100]]);
  });

  test("answers an empty layout for no history", () => {
    expect(timeline.layoutTimeline([], BOX)).toEqual({
      bars: [],
      start: null,
      end: null,
      totals: { added: 0, updated: 0, removed: 0 },
    });
  });
});
