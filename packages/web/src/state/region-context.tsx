import { createContext, useContext } from "react";
import type { RegionStore } from "./region-store.ts";

export const RegionContext = createContext<RegionStore | null>(null);

export function useRegionStore(): RegionStore {
  const store = useContext(RegionContext);
  if (!store) throw new Error("useRegionStore() needs a <RegionContext.Provider> above it");
  return store;
}
