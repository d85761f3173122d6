// A network namespace standing for a machine, joined to the host by a veth pair on 198.18.0.0/30
// (RFC 2544's benchmarking range, used by nothing real): the host side is 198.18.0.1, where the
// region listens; the machine side is 198.18.0.2. Needs root (CAP_NET_ADMIN).
import { describeResult, runProcess } from "@hwsync/testkit/process";

export const HOST_ADDRESS = "198.18.0.1";
export const MACHINE_ADDRESS = "198.18.0.2";
const PREFIX = 30;

async function ip(args: string[]): Promise<string> {
  const result = await runProcess("ip", args, { timeoutMs: 15_000 });
  if (result.code !== 0) throw new Error(`ip ${args.join(" ")} failed: ${describeResult(result)}`);
  return result.stdout;
}

/** null when this machine can create network namespaces, else the reason it cannot. */
export async function netnsUnavailable(): Promise<string | null> {
  const probe = `hwsync-probe-${process.pid}`;
  const added = await runProcess("ip", ["netns", "add", probe], { timeoutMs: 15_000 }).catch(
    (error: Error) => ({
      code: -1,
      stderr: error.message,
    }),
  );
  if (added.code !== 0) return `\`ip netns add\` failed here: ${added.stderr.trim() || `exit ${added.code}`}`;
  await runProcess("ip", ["netns", "delete", probe], { timeoutMs: 15_000 });
  return null;
}

export interface Link {
  namespace: string;
  hostDevice: string;
  machineDevice: string;
  /** The MAC of the machine side, which the machine's boot interface carries. */
  machineMac: string;
  /** Takes the host side down: the machine's packets go nowhere. */
  cut(): Promise<void>;
  restore(): Promise<void>;
  /** Deletes the namespace (and with it both ends of the veth pair); safe to call twice. */
  remove(): Promise<void>;
}

export async function createLink(): Promise<Link> {
  const taken = JSON.parse(
    await ip(["-json", "address", "show", "to", `${HOST_ADDRESS}/${PREFIX}`]),
  ) as Array<{
    ifname: string;
  }>;
  if (taken.length > 0) {
    throw new Error(
      `${HOST_ADDRESS}/${PREFIX} is already on ${taken.map((link) => link.ifname).join(", ")} (a leftover of an interrupted run?). Remove it with \`ip link delete DEV\`.`,
    );
  }
  const tag = String(process.pid % 100_000);
  const namespace = `hwsync-e2e-${tag}`;
  const hostDevice = `hwe2e-h${tag}`;
  const machineDevice = `hwe2e-m${tag}`;
  const link: Link = {
    namespace,
    hostDevice,
    machineDevice,
    machineMac: "",
    cut: async () => void (await ip(["link", "set", hostDevice, "down"])),
    restore: async () => void (await ip(["link", "set", hostDevice, "up"])),
    remove: async () => {
      await runProcess("ip", ["netns", "delete", namespace], { timeoutMs: 15_000 });
      // Deleting the namespace deletes the pair; this catches a pair whose peer never moved in.
      await runProcess("ip", ["link", "delete", hostDevice], { timeoutMs: 15_000 });
    },
  };
  try {
    await ip(["netns", "add", namespace]);
    await ip(["link", "add", hostDevice, "type", "veth", "peer", "name", machineDevice, "netns", namespace]);
    await ip(["address", "add", `${HOST_ADDRESS}/${PREFIX}`, "dev", hostDevice]);
    await ip(["link", "set", hostDevice, "up"]);
    await ip(["-n", namespace, "address", "add", `${MACHINE_ADDRESS}/${PREFIX}`, "dev", machineDevice]);
    await ip(["-n", namespace, "link", "set", machineDevice, "up"]);
    await ip(["-n", namespace, "link", "set", "lo", "up"]);
    const [machineLink] = JSON.parse(
      await ip(["-n", namespace, "-json", "link", "show", machineDevice]),
    ) as Array<{
      address: string;
    }>;
    link.machineMac = machineLink!.address;
    return link;
  } catch (error) {
    await link.remove();
    throw error;
  }
}
