import { FakeRoot } from "@hwsync/testkit/sysfs/fake-root";
import { buildCpuAndMemory } from "@hwsync/testkit/sysfs/server-tree";
import { afterAll, expect, test } from "vitest";
import { collectCpu, parseCpuList, parseSize } from "../../src/collectors/cpu.ts";
import { contextFor } from "../fixtures/context.ts";

const fake = new FakeRoot();
buildCpuAndMemory(fake);
afterAll(() => fake.cleanup());

test("collectCpu groups threads into cores and sockets with each thread's NUMA node", async () => {
  const cpu = await collectCpu(contextFor(fake));
  expect(cpu.total).toBe(8);
  expect(cpu.architecture).toBe("x86_64");
  expect(
    cpu.sockets.map((socket) => ({
      socket: socket.socket,
      cores: socket.cores.map((core) => [core.core, core.threads.map((t) => `${t.id}@${t.numa_node}`)]),
    })),
  ).toEqual([
    {
      socket: 0,
      cores: [
        [0, ["0@0", "1@0"]],
        [1, ["2@0", "3@0"]],
      ],
    },
    {
      socket: 1,
      cores: [
        [0, ["4@1", "5@1"]],
        [1, ["6@1", "7@1"]],
      ],
    },
  ]);
});

test("collectCpu reports stable clocks (base, minimum, turbo in MHz) and never the current one", async () => {
  const [socket] = (await collectCpu(contextFor(fake))).sockets;
  expect(socket).toMatchObject({
    name: "Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz",
    vendor: "GenuineIntel",
    frequency: 2100,
    frequency_minimum: 800,
    frequency_turbo: 3900,
    cache: [
      { level: 1, type: "Data", size: 32768 },
      { level: 1, type: "Instruction", size: 32768 },
      { level: 2, type: "Unified", size: 1048576 },
      { level: 3, type: "Unified", size: 28835840 },
    ],
  });
  expect(socket?.cores[0]?.threads[0]).toEqual({ id: 0, thread: 0, online: true, numa_node: 0 });
});

test("collectCpu names an ARM CPU through the library when /proc/cpuinfo has no model name", async () => {
  const arm = new FakeRoot();
  try {
    arm.file(
      "/proc/cpuinfo",
      "processor\t: 0\nBogoMIPS\t: 108.00\nCPU implementer\t: 0x41\nCPU part\t: 0xd08\n\nprocessor\t: 1\nCPU implementer\t: 0x41\n",
    );
    let asked = 0;
    const cpu = await collectCpu(
      contextFor(arm, {
        uname: { sysname: "Linux", release: "6.8.0", machine: "aarch64", hostname: "pi" },
        describeCpu: async () => {
          asked += 1;
          return { vendor: "ARM", name: "ARM Cortex-A72" };
        },
      }),
    );
    expect(asked).toBe(1);
    expect(cpu).toEqual({
      architecture: "aarch64",
      total: 2,
      sockets: [
        {
          socket: 0,
          name: "ARM Cortex-A72",
          vendor: "ARM",
          cores: [
            { core: 0, threads: [{ id: 0, thread: 0, online: true, numa_node: 0 }] },
            { core: 1, threads: [{ id: 1, thread: 0, online: true, numa_node: 0 }] },
          ],
        },
      ],
    });
  } finally {
    arm.cleanup();
  }
});

test("collectCpu fails with a clear message when no CPU is visible", async () => {
  const empty = new FakeRoot();
  try {
    await expect(collectCpu(contextFor(empty))).rejects.toThrow(/no CPU listed/);
  } finally {
    empty.cleanup();
  }
});

test.each([
  ["0-3", [0, 1, 2, 3]],
  ["0,2,4-5", [0, 2, 4, 5]],
  ["7", [7]],
])("parseCpuList reads %s", (text, expected) => {
  expect(parseCpuList(text)).toEqual(expected);
});

test.each([
  ["32K", 32768],
  ["1024K", 1048576],
  ["2M", 2097152],
  ["512", 512],
  [null, null],
])("parseSize reads %s", (text, expected) => {
  expect(parseSize(text)).toBe(expected);
});
