import type { NetworkInterfaceInfo } from "node:os";
import type { IdsDatabase } from "../ids.ts";
import type { Logger } from "../log.ts";
import type { Sysfs } from "../sysfs.ts";

/** What uname(2) reports; injected so fixture trees can pose as another kernel or architecture. */
export interface Uname {
  sysname: string;
  release: string;
  machine: string;
  hostname: string;
}

/** A CPU model as a library that knows vendor part tables names it (ARM cpuinfo has no model name). */
export interface CpuDescription {
  vendor: string | null;
  name: string | null;
}

/** Everything a collector may read. Tests build one over a fixture tree. */
export interface CollectContext {
  sys: Sysfs;
  ids: IdsDatabase;
  log: Logger;
  uname: Uname;
  /** Addresses per interface, as `os.networkInterfaces()` returns them (no child process). */
  interfaces: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
  /** Fallback CPU naming when /proc/cpuinfo has no `model name`. */
  describeCpu: () => Promise<CpuDescription | null>;
}

/** Drops null/undefined/empty-string fields so the payload carries only what was found. */
export function compact<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: NonNullable<T[K]> } {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === null || item === undefined || item === "") continue;
    out[key] = item;
  }
  return out as { [K in keyof T]?: NonNullable<T[K]> };
}
