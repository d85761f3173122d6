import { parseIntervalSeconds, parseTimeSpanParts, timeSpanToOnCalendar } from "@hwsync/shared/time-span";

// Both checks run shared's own parser, the one the region and the CLI use, so the UI never
// accepts a value the region would refuse (or the other way round).

/** The deploy dialog's optional field: "" → no override; else seconds (a span or a number), or why not. */
export function readIntervalField(value: string): { seconds?: number; error?: string } {
  if (value.trim() === "") return {};
  try {
    return { seconds: parseIntervalSeconds(value) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

export type IntervalCheck =
  | { ok: true; seconds: number; onCalendar: string }
  | { ok: false; message: string };

/** The hardware_sync_interval setting: a span (no bare numbers, as MAAS stores the text), never zero. */
export function checkIntervalSetting(value: string): IntervalCheck {
  try {
    const { totalSeconds } = parseTimeSpanParts(value);
    if (totalSeconds === 0) {
      return { ok: false, message: "An interval of zero would mark every machine unhealthy. Use e.g. 15m." };
    }
    return { ok: true, seconds: totalSeconds, onCalendar: timeSpanToOnCalendar(value) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
