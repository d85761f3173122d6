import { type CollectContext, compact } from "./context.ts";

export interface CpuThread {
  id: number;
  thread: number;
  online: boolean;
  numa_node: number;
}
export interface CpuCore {
  core: number;
  threads: CpuThread[];
}
export interface CpuSocket {
  socket: number;
  name?: string;
  vendor?: string;
  frequency?: number;
  frequency_minimum?: number;
  frequency_turbo?: number;
  cache?: Array<{ level: number; type: string; size: number }>;
  cores: CpuCore[];
}
export interface CpuSection {
  architecture: string;
  total: number;
  sockets: CpuSocket[];
}

/**
 * Sockets → cores → threads from /sys/devices/system/cpu topology, names from /proc/cpuinfo.
 *
 * Only stable values go out: the current clock of each core changes from one read to the next,
 * and a payload that changes on every run would defeat the region's unchanged-hash fast path.
 * `frequency` is therefore the base clock (cpufreq `base_frequency`, else the maximum), or the
 * fixed `cpu MHz` of a VM without cpufreq.
 */
export async function collectCpu(ctx: CollectContext): Promise<CpuSection> {
  const { sys } = ctx;
  const cpuinfo = parseCpuinfo(sys.readText("/proc/cpuinfo") ?? "");
  const ids = parseCpuList(sys.readText("/sys/devices/system/cpu/online")) ?? [...cpuinfo.keys()];
  if (ids.length === 0) throw new Error("no CPU listed in /sys/devices/system/cpu/online or /proc/cpuinfo");

  const sockets = new Map<number, { first: number; cores: Map<number, number[]> }>();
  const numaOf = new Map<number, number>();
  for (const id of ids) {
    const dir = `/sys/devices/system/cpu/cpu${id}`;
    const info = cpuinfo.get(id);
    const socket = sys.readInt(`${dir}/topology/physical_package_id`) ?? intOf(info?.["physical id"]) ?? 0;
    const core = sys.readInt(`${dir}/topology/core_id`) ?? intOf(info?.["core id"]) ?? id;
    const node = sys.list(dir).find((name) => /^node\d+$/.test(name));
    numaOf.set(id, node ? Number(node.slice(4)) : 0);
    let entry = sockets.get(socket);
    if (!entry) {
      entry = { first: id, cores: new Map() };
      sockets.set(socket, entry);
    }
    const threads = entry.cores.get(core) ?? [];
    threads.push(id);
    entry.cores.set(core, threads);
  }

  const out: CpuSocket[] = [];
  for (const [socket, entry] of [...sockets].sort((a, b) => a[0] - b[0])) {
    const info = cpuinfo.get(entry.first) ?? {};
    let name = info["model name"] ?? info.cpu ?? null;
    let vendor = info.vendor_id ?? null;
    if (!name) {
      const described = await ctx.describeCpu().catch(() => null);
      name = described?.name ?? null;
      vendor = vendor ?? described?.vendor ?? null;
    }
    const cores = [...entry.cores]
      .sort((a, b) => a[0] - b[0])
      .map(([core, threads]) => ({
        core,
        threads: threads
          .sort((a, b) => a - b)
          .map((id, index) => ({ id, thread: index, online: true, numa_node: numaOf.get(id) ?? 0 })),
      }));
    out.push({
      ...compact({ name, vendor, ...frequencies(ctx, entry.first, info) }),
      socket,
      cache: readCache(ctx, entry.first),
      cores,
    });
  }

  return { architecture: ctx.uname.machine, total: ids.length, sockets: out };
}

function frequencies(ctx: CollectContext, cpu: number, info: Record<string, string>) {
  const dir = `/sys/devices/system/cpu/cpu${cpu}/cpufreq`;
  const toMhz = (khz: number | null) => (khz && khz > 0 ? Math.round(khz / 1000) : null);
  const max = toMhz(ctx.sys.readInt(`${dir}/cpuinfo_max_freq`));
  const min = toMhz(ctx.sys.readInt(`${dir}/cpuinfo_min_freq`));
  const base = toMhz(ctx.sys.readInt(`${dir}/base_frequency`));
  const reported = info["cpu MHz"] ? Math.round(Number(info["cpu MHz"])) : null;
  return {
    frequency: base ?? max ?? (reported && reported > 0 ? reported : null),
    frequency_minimum: min,
    frequency_turbo: max,
  };
}

function readCache(ctx: CollectContext, cpu: number): CpuSocket["cache"] {
  const dir = `/sys/devices/system/cpu/cpu${cpu}/cache`;
  const caches: NonNullable<CpuSocket["cache"]> = [];
  for (const index of ctx.sys.list(dir).filter((name) => /^index\d+$/.test(name))) {
    const level = ctx.sys.readInt(`${dir}/${index}/level`);
    const type = ctx.sys.readText(`${dir}/${index}/type`);
    const size = parseSize(ctx.sys.readText(`${dir}/${index}/size`));
    if (level !== null && type && size !== null) caches.push({ level, type, size });
  }
  return caches.length > 0 ? caches : undefined;
}

/** `32K` → 32768; sysfs cache sizes use K and M suffixes. */
export function parseSize(text: string | null): number | null {
  const match = text ? /^(\d+)\s*([KMG]?)/i.exec(text) : null;
  if (!match) return null;
  const scale = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[match[2]!.toUpperCase()] ?? 1;
  return Number(match[1]) * scale;
}

/** `0-3,8,10-11` → [0,1,2,3,8,10,11]; null when the text is absent. */
export function parseCpuList(text: string | null): number[] | null {
  if (text === null || text === "") return null;
  const out: number[] = [];
  for (const part of text.split(",")) {
    const [from, to] = part.trim().split("-").map(Number);
    if (from === undefined || Number.isNaN(from)) continue;
    for (let id = from; id <= (to ?? from); id++) out.push(id);
  }
  return out;
}

/** /proc/cpuinfo → processor number → its `key: value` lines. */
export function parseCpuinfo(text: string): Map<number, Record<string, string>> {
  const out = new Map<number, Record<string, string>>();
  for (const block of text.split(/\n\s*\n/)) {
    const fields: Record<string, string> = {};
    for (const line of block.split("\n")) {
      const colon = line.indexOf(":");
      if (colon > 0) fields[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    }
    const id = intOf(fields.processor);
    if (id !== null) out.set(id, fields);
  }
  return out;
}

function intOf(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value)) return null;
  return Number(value);
}
