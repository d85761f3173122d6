import { useEffect, useState } from "react";
import { getEvents, getHardware, getHardwareHistory } from "../api/rest.ts";
import type { HardwareHistoryEntry, MachineHardware, RegionEvent } from "../api/types.ts";

export type Loaded<T> =
  | { state: "loading" }
  | { state: "ok"; value: T }
  | { state: "error"; message: string };

export interface MachineDetails {
  hardware: Loaded<MachineHardware>;
  history: Loaded<HardwareHistoryEntry[]>;
  events: Loaded<RegionEvent[]>;
}

const LOADING: MachineDetails = {
  hardware: { state: "loading" },
  history: { state: "loading" },
  events: { state: "loading" },
};

/**
 * Hardware, history and events over REST, fetched again whenever `refreshKey` changes (the
 * caller passes the machine object, replaced on every notification: push, deploy, release).
 * Each part fails alone so one refused request does not blank the page. The caller keys the
 * component by system id, so another machine starts from "loading", not from stale data.
 */
export function useMachineDetails(systemId: string, refreshKey: unknown): MachineDetails {
  const [details, setDetails] = useState<MachineDetails>(LOADING);
  // biome-ignore lint/correctness/useExhaustiveDependencies: refreshKey is the trigger, not an input
  useEffect(() => {
    let current = true;
    void Promise.allSettled([getHardware(systemId), getHardwareHistory(systemId), getEvents(systemId)]).then(
      ([hardware, history, events]) => {
        if (current)
          setDetails({ hardware: toLoaded(hardware), history: toLoaded(history), events: toLoaded(events) });
      },
    );
    return () => {
      current = false;
    };
  }, [systemId, refreshKey]);
  return details;
}

function toLoaded<T>(result: PromiseSettledResult<T>): Loaded<T> {
  if (result.status === "fulfilled") return { state: "ok", value: result.value };
  const reason = result.reason;
  return { state: "error", message: reason instanceof Error ? reason.message : String(reason) };
}
