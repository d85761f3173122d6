import { FakeRoot } from "@hwsync/testkit/sysfs/fake-root";
import { buildCpuAndMemory } from "@hwsync/testkit/sysfs/server-tree";
import { afterAll, expect, test } from "vitest";
import { collectMemory } from "../../src/collectors/memory.ts";
import { contextFor } from "../fixtures/context.ts";

const fake = new FakeRoot();
buildCpuAndMemory(fake);
afterAll(() => fake.cleanup());

const GIB = 1024 ** 3;

test("collectMemory counts installed RAM from online memory blocks, per NUMA node, in bytes", async () => {
  expect(await collectMemory(contextFor(fake))).toEqual({
    total: 2 * GIB,
    hugepages_size: 2 * 1024 * 1024,
    hugepages_total: 4 * 2 * 1024 * 1024,
    nodes: [
      { numa_node: 0, total: GIB, hugepages_total: 4 * 2 * 1024 * 1024 },
      // memory16 belongs to node 1 but is offline.
      { numa_node: 1, total: GIB, hugepages_total: 0 },
    ],
  });
});

test("collectMemory falls back to MemTotal and reports no nodes without sysfs memory blocks", async () => {
  const small = new FakeRoot();
  try {
    small.file("/proc/meminfo", "MemTotal:        1000 kB\nMemFree:          10 kB\n");
    expect(await collectMemory(contextFor(small))).toEqual({ total: 1024000 });
  } finally {
    small.cleanup();
  }
});
