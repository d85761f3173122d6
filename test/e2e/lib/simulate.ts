// A simulated hardware change, pushed as the machine (its OAuth token) over the fast path: what
// the agent would send after a disk was pulled and a virtual NIC appeared.
import { type HardwarePayload, type PushResult, parseMachineCredentials } from "@hwsync/shared";
import { signedPush } from "@hwsync/testkit/push";

export const VIRTUAL_NIC = { name: "e2e-vf0", mac: "02:00:5e:10:00:01" };

export interface RemovedDevice {
  kind: "block_device" | "pci_device" | "interface";
  name: string;
}

/**
 * Removes one real device from a collected payload (the last disk; a PCI device on a machine
 * without disks) and adds a virtual NIC, which release must drop later.
 */
export function simulateChange(payload: HardwarePayload): {
  payload: HardwarePayload;
  removed: RemovedDevice;
} {
  const resources = payload.resources;
  const disks = resources.storage?.disks ?? [];
  const pci = resources.pci?.devices ?? [];
  let removed: RemovedDevice;
  if (disks.length > 0) removed = { kind: "block_device", name: String(disks.pop()!.id) };
  else if (pci.length > 0) removed = { kind: "pci_device", name: String(pci.pop()!.pci_address) };
  else throw new Error("the collected payload has neither disks nor PCI devices to remove");
  payload.networks ??= {};
  payload.networks[VIRTUAL_NIC.name] = {
    type: "broadcast",
    hwaddr: VIRTUAL_NIC.mac,
    state: "up",
    addresses: [],
    bond: null,
    bridge: null,
    vlan: null,
  };
  return { payload, removed };
}

/** POSTs a payload to the region's fast path with the machine's credentials file. */
export async function pushAsMachine(
  credentialsYaml: string,
  payload: HardwarePayload,
): Promise<{ hash: string; result: PushResult }> {
  const credentials = parseMachineCredentials(credentialsYaml);
  const reply = await signedPush(credentials.baseUrl, credentials, payload, { gzip: false });
  if (reply.status !== 200) throw new Error(`the push answered ${reply.status}: ${reply.text}`);
  return { hash: reply.hash, result: reply.json() as PushResult };
}
