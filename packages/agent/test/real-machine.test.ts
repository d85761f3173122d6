import { execFileSync, spawnSync } from "node:child_process";
import { realpathSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { collectInventory } from "../src/collect.ts";
import { createMemoryLogger } from "../src/log.ts";

// The agent against this machine, checked with the standard tools' view of the same hardware.

function tool(command: string, args: string[]): string | null {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.error) return null; // not installed
  // lsusb exits 1 when there is no USB bus at all; its empty output is still the answer.
  return result.stdout;
}

const has = (command: string) => spawnSync("which", [command]).status === 0;
const log = createMemoryLogger();
const { payload } = await collectInventory({ log });
const resources = payload.resources as Record<string, any>;

describe("the agent agrees with the system tools on this machine", () => {
  test("collects without any collector error", () => {
    expect(payload.collector_errors ?? []).toEqual([]);
  });

  test.runIf(has("lsblk"))("disks: same physical disks and sizes in bytes as lsblk -J -b", () => {
    const lsblk = JSON.parse(
      execFileSync("lsblk", ["-J", "-b", "-d", "-o", "NAME,SIZE,RO,RM,TYPE"], { encoding: "utf8" }),
    );
    const physical = (name: string) => !realpathSync(`/sys/block/${name}`).includes("/devices/virtual/");
    const expected = lsblk.blockdevices
      .filter((device: any) => physical(device.name) && device.type !== "loop")
      .map((device: any) => ({
        id: device.name,
        size: Number(device.size),
        read_only: Boolean(device.ro),
        removable: Boolean(device.rm),
      }))
      .sort((a: any, b: any) => a.id.localeCompare(b.id));
    const actual = resources.storage.disks
      .map((disk: any) => ({
        id: disk.id,
        size: disk.size,
        read_only: disk.read_only,
        removable: disk.removable,
      }))
      .sort((a: any, b: any) => a.id.localeCompare(b.id));
    expect(actual).toEqual(expected);
    expect(actual.length).toBeGreaterThan(0);
  });

  test.runIf(has("ip"))("NICs: every link of ip -j link is in networks with the same MAC and state", () => {
    const links = JSON.parse(execFileSync("ip", ["-j", "link"], { encoding: "utf8" }));
    const networks = payload.networks ?? {};
    expect(Object.keys(networks).sort()).toEqual(links.map((link: any) => link.ifname).sort());
    for (const link of links) {
      const state = networks[link.ifname]!;
      expect(state.hwaddr).toBe(link.link_type === "loopback" ? "" : link.address);
      expect(state.state).toBe(link.flags.includes("UP") ? "up" : "down");
    }
    const ports = resources.network.cards.flatMap((card: any) => card.ports ?? []);
    for (const port of ports) {
      const link = links.find((candidate: any) => candidate.ifname === port.id);
      expect(port.address).toBe(link.permaddr ?? link.address);
    }
  });

  test.runIf(has("lspci"))(
    "PCI: same functions with the same vendor and device ids as lspci -mm -n -D",
    () => {
      const lines = execFileSync("lspci", ["-mm", "-n", "-D"], { encoding: "utf8" })
        .trim()
        .split("\n")
        .filter(Boolean);
      const expected = lines
        .map((line) => {
          const [slot, ...rest] = line.split(" ");
          const quoted = [...rest.join(" ").matchAll(/"([^"]*)"/g)].map((match) => match[1]);
          return `${slot} ${quoted[1]}:${quoted[2]}`;
        })
        .sort();
      const actual = resources.pci.devices
        .map((device: any) => `${device.pci_address} ${device.vendor_id}:${device.product_id}`)
        .sort();
      expect(actual).toEqual(expected);
    },
  );

  test.runIf(has("lsusb"))("USB: same devices (bus, address, ids) as lsusb", () => {
    const output = tool("lsusb", []) ?? "";
    const expected = [...output.matchAll(/^Bus (\d+) Device (\d+): ID ([0-9a-f]{4}):([0-9a-f]{4})/gm)]
      .map((match) => `${Number(match[1])}:${Number(match[2])} ${match[3]}:${match[4]}`)
      .sort();
    const actual = resources.usb.devices
      .map(
        (device: any) =>
          `${device.bus_address}:${device.device_address} ${device.vendor_id}:${device.product_id}`,
      )
      .sort();
    expect(actual).toEqual(expected);
  });

  test("CPU and memory: thread count of nproc, memory at least MemTotal", () => {
    const online = Number(execFileSync("getconf", ["_NPROCESSORS_ONLN"], { encoding: "utf8" }).trim());
    expect(resources.cpu.total).toBe(online);
    const memTotal =
      Number(/MemTotal:\s+(\d+)/.exec(execFileSync("cat", ["/proc/meminfo"], { encoding: "utf8" }))![1]) *
      1024;
    expect(resources.memory.total).toBeGreaterThanOrEqual(memTotal);
  });
});
