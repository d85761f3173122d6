// This machine's hardware as the usual Linux tools report it (lsblk, ip, lspci, lsusb): an
// independent witness for what the agent collected and the region stored.

import { describeResult, runProcess } from "@hwsync/testkit/process";
import type { MachineJson } from "./cli.ts";

export interface HostHardware {
  /** Whole disks with a size, by kernel name → bytes. */
  disks: Map<string, number>;
  /** Network interfaces except loopback, by name → MAC. */
  nics: Map<string, string>;
  /** PCI devices by address (`0000:00:03.0`) → `vendor:device` ids. */
  pci: Map<string, string>;
  /** USB devices by `bus:device` numbers → `vendor:product` ids. */
  usb: Map<string, string>;
}

// Block devices with no device behind them; the agent skips them as LXD does.
const VIRTUAL_DISK = /^(loop|zram|ram|dm-|md|nbd)/;

async function tool(command: string, args: string[], emptyOnFailure = false): Promise<string> {
  const result = await runProcess(command, args, { timeoutMs: 30_000 });
  // lsusb exits 1 when the machine has no USB bus at all (VMs, containers).
  if (result.code !== 0 && !(emptyOnFailure && result.stdout.trim() === ""))
    throw new Error(`${command} ${args.join(" ")} failed: ${describeResult(result)}`);
  return result.stdout;
}

export async function readHostHardware(): Promise<HostHardware> {
  const [lsblk, links, lspci, lsusb] = await Promise.all([
    tool("lsblk", ["--json", "--nodeps", "--bytes", "--output", "NAME,SIZE,TYPE"]),
    tool("ip", ["-json", "link", "show"]),
    tool("lspci", ["-D", "-n"]),
    tool("lsusb", [], true),
  ]);
  const disks = new Map<string, number>();
  for (const device of (JSON.parse(lsblk) as { blockdevices: Array<Record<string, unknown>> }).blockdevices) {
    const name = String(device.name);
    if (device.type === "disk" && Number(device.size) > 0 && !VIRTUAL_DISK.test(name))
      disks.set(name, Number(device.size));
  }
  const nics = new Map<string, string>();
  for (const link of JSON.parse(links) as Array<Record<string, unknown>>) {
    if (link.link_type !== "loopback") nics.set(String(link.ifname), String(link.address).toLowerCase());
  }
  const pci = new Map<string, string>();
  for (const line of lspci.split("\n")) {
    const match = /^(\S+) [0-9a-f]{4}: ([0-9a-f]{4}:[0-9a-f]{4})/.exec(line);
    if (match) pci.set(match[1]!, match[2]!);
  }
  const usb = new Map<string, string>();
  for (const line of lsusb.split("\n")) {
    const match = /^Bus (\d+) Device (\d+): ID ([0-9a-f]{4}:[0-9a-f]{4})/.exec(line);
    if (match) usb.set(`${Number(match[1])}:${Number(match[2])}`, match[3]!);
  }
  return { disks, nics, pci, usb };
}

/** The same four maps, read from a machine as `maas machine read --format json` prints it. */
export function storedHardware(machine: MachineJson): HostHardware {
  const list = (key: string) => (machine[key] ?? []) as Array<Record<string, unknown>>;
  return {
    disks: new Map(list("physicalblockdevice_set").map((disk) => [String(disk.name), Number(disk.size)])),
    nics: new Map(
      list("interface_set").map((nic) => [String(nic.name), String(nic.mac_address).toLowerCase()]),
    ),
    pci: new Map(
      list("pci_devices").map((device) => [
        String(device.pci_address),
        `${device.vendor_id}:${device.product_id}`.toLowerCase(),
      ]),
    ),
    usb: new Map(
      list("usb_devices").map((device) => [
        `${device.bus_number}:${device.device_number}`,
        `${device.vendor_id}:${device.product_id}`.toLowerCase(),
      ]),
    ),
  };
}

/** Plain objects sorted by key, so a mismatch shows as a readable diff. */
export function comparable(hardware: HostHardware): Record<string, Record<string, string | number>> {
  const sorted = (map: Map<string, string | number>) =>
    Object.fromEntries([...map].sort(([a], [b]) => a.localeCompare(b)));
  return {
    disks: sorted(hardware.disks),
    nics: sorted(hardware.nics),
    pci: sorted(hardware.pci),
    usb: sorted(hardware.usb),
  };
}
