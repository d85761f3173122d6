import { useEffect, useState, useSyncExternalStore } from "react";
import { useRegionStore } from "./state/region-context.tsx";
import type { RegionSnapshot } from "./state/region-store.ts";

/** The current time, refreshed every `intervalMs`, so relative times and health badges age. */
export function useNow(intervalMs = 5000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function useRegion(): RegionSnapshot {
  const store = useRegionStore();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} | hwsync`;
  }, [title]);
}
