import type { CollectContext } from "./context.ts";

export interface MemoryNode {
  numa_node: number;
  total: number;
  hugepages_total: number;
}
export interface MemorySection {
  total: number;
  hugepages_size?: number;
  hugepages_total?: number;
  nodes?: MemoryNode[];
}

const MEMORY_DIR = "/sys/devices/system/memory";
const NODE_DIR = "/sys/devices/system/node";

/**
 * Installed memory, in bytes. `MemTotal` misses what the kernel reserved at boot, so a 16 GiB
 * machine would show as 15.6 GiB and MAAS's memory figure would change with the kernel; the
 * online memory blocks count the real RAM (LXD does the same). `MemTotal` stays the fallback.
 * Usage figures are left out: they change every second and would defeat the unchanged-hash path.
 */
export async function collectMemory(ctx: CollectContext): Promise<MemorySection> {
  const { sys } = ctx;
  const meminfo = parseMeminfo(sys.readText("/proc/meminfo") ?? "");
  const blockSize = Number.parseInt(sys.readText(`${MEMORY_DIR}/block_size_bytes`) ?? "", 16);
  const online = new Set<string>();
  if (blockSize > 0) {
    for (const name of sys.list(MEMORY_DIR)) {
      if (/^memory\d+$/.test(name) && sys.readText(`${MEMORY_DIR}/${name}/state`) === "online") {
        online.add(name);
      }
    }
  }
  const memTotal = meminfo.MemTotal !== undefined ? meminfo.MemTotal * 1024 : null;
  const total = online.size > 0 ? online.size * blockSize : memTotal;
  if (total === null) throw new Error("neither memory blocks nor MemTotal in /proc/meminfo are readable");

  const hugepageSize = meminfo.Hugepagesize !== undefined ? meminfo.Hugepagesize * 1024 : undefined;
  const section: MemorySection = { total };
  if (hugepageSize !== undefined) {
    section.hugepages_size = hugepageSize;
    section.hugepages_total = (meminfo.HugePages_Total ?? 0) * hugepageSize;
  }

  const nodes: MemoryNode[] = [];
  for (const name of sys.list(NODE_DIR).filter((entry) => /^node\d+$/.test(entry))) {
    const dir = `${NODE_DIR}/${name}`;
    const numa = Number(name.slice(4));
    const blocks = sys.list(dir).filter((entry) => online.has(entry)).length;
    const nodeInfo = parseMeminfo((sys.readText(`${dir}/meminfo`) ?? "").replace(/^Node \d+ /gm, ""));
    const nodeTotal =
      blocks > 0 ? blocks * blockSize : nodeInfo.MemTotal !== undefined ? nodeInfo.MemTotal * 1024 : 0;
    const pages = hugepageSize
      ? (sys.readInt(`${dir}/hugepages/hugepages-${hugepageSize / 1024}kB/nr_hugepages`) ?? 0)
      : 0;
    nodes.push({ numa_node: numa, total: nodeTotal, hugepages_total: pages * (hugepageSize ?? 0) });
  }
  if (nodes.length > 0) section.nodes = nodes.sort((a, b) => a.numa_node - b.numa_node);
  return section;
}

/** `/proc/meminfo` → key → number (kB for sizes, a count for HugePages_*). */
export function parseMeminfo(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const match = /^([\w()]+):\s+(\d+)/.exec(line.trim());
    if (match) out[match[1]!] = Number(match[2]);
  }
  return out;
}
