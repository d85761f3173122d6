import {
  COLLECTOR_SECTIONS,
  canonicalJson,
  contentHash,
  hardwarePayloadSchema,
  REQUIRED_API_EXTENSIONS,
} from "@hwsync/shared";
import { FakeRoot } from "@hwsync/testkit/sysfs/fake-root";
import { buildServerTree } from "@hwsync/testkit/sysfs/server-tree";
import { afterAll, describe, expect, test } from "vitest";
import { collectInventory } from "../src/collect.ts";
import { createMemoryLogger } from "../src/log.ts";
import { FIXTURE_ADDRESSES, FIXTURE_UNAME } from "./fixtures/context.ts";

const fake = buildServerTree();
afterAll(() => fake.cleanup());
const options = { root: fake.root, uname: FIXTURE_UNAME, interfaces: () => FIXTURE_ADDRESSES };

describe("collectInventory on a fixture server", async () => {
  const log = createMemoryLogger();
  const { payload, errors } = await collectInventory({ ...options, log });

  test("assembles a machine-resources document that shared's schema accepts", () => {
    expect(hardwarePayloadSchema.safeParse(payload).success).toBe(true);
    expect(payload.api_version).toBe("1.0");
    expect(payload.api_extensions).toEqual(expect.arrayContaining(REQUIRED_API_EXTENSIONS));
    expect(Object.keys(payload.resources).sort()).toEqual([
      "cpu",
      "gpu",
      "memory",
      "network",
      "pci",
      "storage",
      "system",
      "usb",
    ]);
    expect(payload.environment.kernel_architecture).toBe("x86_64");
  });

  test("reports no collector errors and omits the key when every collector succeeds", () => {
    expect(errors).toEqual([]);
    expect("collector_errors" in payload).toBe(false);
    expect(log.lines).toEqual([]);
  });
});

test("the same hardware gives the same bytes and hash although current clocks and memory use change", async () => {
  const first = canonicalJson((await collectInventory(options)).payload);
  fake.file("/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", 3333333);
  fake.file(
    "/proc/meminfo",
    "MemTotal:        4001234 kB\nMemFree:          999 kB\nMemAvailable:    999 kB\nHugePages_Total:       4\nHugepagesize:       2048 kB\n",
  );
  const second = canonicalJson((await collectInventory(options)).payload);
  expect(contentHash(second)).toBe(contentHash(first));
});

test("a failing collector is reported in collector_errors and the log while the others still report", async () => {
  const bare = new FakeRoot();
  try {
    bare.file("/etc/os-release", "ID=debian\nVERSION_ID=12");
    const log = createMemoryLogger();
    const { payload, errors } = await collectInventory({
      root: bare.root,
      uname: FIXTURE_UNAME,
      interfaces: () => ({}),
      log,
    });
    expect(errors).toEqual([
      {
        collector: "cpu",
        code: "HWS_COLLECT_FAILED",
        message: "no CPU listed in /sys/devices/system/cpu/online or /proc/cpuinfo",
      },
      {
        collector: "memory",
        code: "HWS_COLLECT_FAILED",
        message: "neither memory blocks nor MemTotal in /proc/meminfo are readable",
      },
    ]);
    expect(payload.collector_errors).toEqual(errors);
    expect(payload.resources.cpu).toBeUndefined();
    expect(payload.resources.storage).toEqual({ disks: [], total: 0 });
    expect(payload.environment.os_name).toBe("debian");
    expect(log.lines).toEqual([
      "collector cpu failed HWS_COLLECT_FAILED: no CPU listed in /sys/devices/system/cpu/online or /proc/cpuinfo (the other collectors still report)",
      "collector memory failed HWS_COLLECT_FAILED: neither memory blocks nor MemTotal in /proc/meminfo are readable (the other collectors still report)",
    ]);
  } finally {
    bare.cleanup();
  }
});

test("a failed netdev collector leaves networks out (not {}), so the region keeps the stored interfaces", async () => {
  const { payload, errors } = await collectInventory({
    ...options,
    interfaces: () => {
      throw new Error("getifaddrs: EMFILE");
    },
    log: createMemoryLogger(),
  });
  expect(errors).toEqual([
    { collector: "networks", code: "HWS_COLLECT_FAILED", message: "getifaddrs: EMFILE" },
  ]);
  expect("networks" in payload).toBe(false);
  // Every name the agent reports is one the region maps to payload sections.
  for (const error of errors) expect(Object.keys(COLLECTOR_SECTIONS)).toContain(error.collector);
  expect(payload.resources.network?.cards.length).toBeGreaterThan(0);
});

test("an architecture MAAS cannot map is refused before anything leaves, naming the field", async () => {
  await expect(
    collectInventory({ ...options, uname: { ...FIXTURE_UNAME, machine: "armv7l" } }),
  ).rejects.toMatchObject({
    code: "HWS_INVENTORY_INVALID",
    message: expect.stringContaining("environment.kernel_architecture"),
  });
});
