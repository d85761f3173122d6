import type { NetworkInterfaceInfo } from "node:os";
import type { Sysfs } from "../sysfs.ts";
import type { CollectContext } from "./context.ts";

export interface NetworkAddress {
  family: "inet" | "inet6";
  address: string;
  netmask: string;
  scope: "global" | "link" | "local";
}
export interface NetworkStateEntry {
  type: string;
  hwaddr: string;
  state: "up" | "down";
  mtu?: number;
  addresses: NetworkAddress[];
  bond: { mode: string; transmit_policy: string; lower_devices: string[]; mii_state: string } | null;
  bridge: { id: string; stp: boolean; upper_devices: string[] } | null;
  vlan: { lower_device: string; vid: number } | null;
}

// <linux/if.h> interface flags in /sys/class/net/<if>/flags.
const IFF_UP = 0x1;
const IFF_BROADCAST = 0x2;
const IFF_LOOPBACK = 0x8;
const IFF_POINTOPOINT = 0x10;

/**
 * Every netdev, `lo` and virtual ones included: MAAS deletes any interface of the machine that
 * is missing here. Addresses come from `os.networkInterfaces()` (getifaddrs, no child process).
 */
export async function collectNetworks(ctx: CollectContext): Promise<Record<string, NetworkStateEntry>> {
  const { sys } = ctx;
  const addresses = ctx.interfaces();
  const out: Record<string, NetworkStateEntry> = {};
  for (const name of sys.list("/sys/class/net")) {
    const dir = `/sys/class/net/${name}`;
    if (!sys.exists(`${dir}/address`) && !sys.exists(`${dir}/flags`)) continue;
    const flags = sys.readInt(`${dir}/flags`) ?? 0;
    const loopback = (flags & IFF_LOOPBACK) !== 0 || name === "lo";
    const mtu = sys.readInt(`${dir}/mtu`);
    out[name] = {
      type: loopback
        ? "loopback"
        : flags & IFF_BROADCAST
          ? "broadcast"
          : flags & IFF_POINTOPOINT
            ? "point-to-point"
            : "unknown",
      hwaddr: loopback ? "" : (sys.readText(`${dir}/address`) ?? "").toLowerCase(),
      state: flags & IFF_UP ? "up" : "down",
      ...(mtu !== null ? { mtu } : {}),
      addresses: toAddresses(addresses[name] ?? []),
      bond: readBond(sys, dir),
      bridge: readBridge(sys, dir),
      vlan: readVlan(sys, name, dir),
    };
  }
  return out;
}

export function toAddresses(infos: NetworkInterfaceInfo[]): NetworkAddress[] {
  return infos.map((info) => {
    const v4 = info.family === "IPv4" || !info.address.includes(":");
    const prefix = info.cidr?.split("/")[1] ?? String(prefixLength(info.netmask));
    // The address without a `%eth0` zone suffix, as `ip addr` prints it.
    const address = info.address.split("%")[0]!;
    return { family: v4 ? "inet" : "inet6", address, netmask: prefix, scope: scopeOf(address, v4) };
  });
}

/** Scope as the kernel assigns it: host (`local`) for loopback, `link` for link-local. */
function scopeOf(address: string, v4: boolean): NetworkAddress["scope"] {
  if (v4) {
    if (address.startsWith("127.")) return "local";
    if (address.startsWith("169.254.")) return "link";
    return "global";
  }
  const lower = address.toLowerCase();
  if (lower === "::1") return "local";
  if (/^fe[89ab]/.test(lower)) return "link";
  return "global";
}

function prefixLength(netmask: string): number {
  if (netmask.includes(":")) {
    return netmask
      .split(":")
      .map((group) => Number.parseInt(group || "0", 16))
      .reduce((bits, group) => bits + countBits(group), 0);
  }
  return netmask.split(".").reduce((bits, octet) => bits + countBits(Number(octet)), 0);
}

function countBits(value: number): number {
  let bits = 0;
  for (let v = value; v; v >>= 1) bits += v & 1;
  return bits;
}

function readBond(sys: Sysfs, dir: string): NetworkStateEntry["bond"] {
  if (!sys.exists(`${dir}/bonding`)) return null;
  const word = (name: string) => (sys.readText(`${dir}/bonding/${name}`) ?? "").split(/\s+/)[0] ?? "";
  return {
    mode: word("mode"),
    transmit_policy: word("xmit_hash_policy"),
    mii_state: word("mii_status"),
    lower_devices: (sys.readText(`${dir}/bonding/slaves`) ?? "").split(/\s+/).filter(Boolean).sort(),
  };
}

/** LXD calls a bridge's member ports `upper_devices`; MAAS reads that key. */
function readBridge(sys: Sysfs, dir: string): NetworkStateEntry["bridge"] {
  if (!sys.exists(`${dir}/bridge`)) return null;
  return {
    id: sys.readText(`${dir}/bridge/bridge_id`) ?? "",
    stp: sys.readText(`${dir}/bridge/stp_state`) === "1",
    upper_devices: sys.list(`${dir}/brif`),
  };
}

/** VLAN id and parent from /proc/net/vlan/<if> (8021q); sysfs has the parent link but no id. */
function readVlan(sys: Sysfs, name: string, dir: string): NetworkStateEntry["vlan"] {
  const text = sys.readText(`/proc/net/vlan/${name}`);
  if (text) {
    const vid = /VID:\s*(\d+)/.exec(text);
    const lower = /Device:\s*(\S+)/.exec(text);
    if (vid && lower) return { lower_device: lower[1]!, vid: Number(vid[1]) };
  }
  const uevent = sys.readText(`${dir}/uevent`) ?? "";
  if (!/^DEVTYPE=vlan$/m.test(uevent)) return null;
  const lower = sys.list(dir).find((entry) => entry.startsWith("lower_"));
  const vid = /\.(\d+)$/.exec(name);
  return lower && vid ? { lower_device: lower.slice(6), vid: Number(vid[1]) } : null;
}
