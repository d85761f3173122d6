import { NODE_STATUS_NAMES, NodeStatus } from "@hwsync/shared";
import { regionError } from "../../errors.ts";

// Which machines may report hardware: the one rule both wires (our push and MAAS's op=signal)
// apply, before and under the row lock.

export type SyncWire = "push" | "signal";

export interface SyncSubject {
  systemId: string;
  status: number;
  enableHwSync: boolean;
}

const SYNCABLE = new Set<number>([NodeStatus.DEPLOYED, NodeStatus.DEPLOYING]);
// A signal from these is accepted and does nothing (docs/maas-compatibility.md#signal): the real
// client would retry a refusal for a minute.
const SIGNAL_NO_EFFECT = new Set<number>([
  NodeStatus.NEW,
  NodeStatus.READY,
  NodeStatus.BROKEN,
  NodeStatus.FAILED_COMMISSIONING,
  NodeStatus.FAILED_DEPLOYMENT,
  NodeStatus.FAILED_RELEASING,
]);

/**
 * "ok" for a Deployed or Deploying machine with hardware sync on; "ignore" for a signal from a
 * state MAAS leaves alone; otherwise throws HWS_MACHINE_NOT_SYNCABLE (409).
 */
export function checkSyncable(machine: SyncSubject, wire: SyncWire): "ok" | "ignore" {
  if (!SYNCABLE.has(machine.status)) {
    if (wire === "signal" && SIGNAL_NO_EFFECT.has(machine.status)) return "ignore";
    throw regionError("HWS_MACHINE_NOT_SYNCABLE", {
      systemId: machine.systemId,
      status: NODE_STATUS_NAMES[machine.status] ?? String(machine.status),
      reason: "status",
      wire,
    });
  }
  if (!machine.enableHwSync) {
    throw regionError("HWS_MACHINE_NOT_SYNCABLE", {
      systemId: machine.systemId,
      status: NODE_STATUS_NAMES[machine.status] ?? String(machine.status),
      reason: "hw_sync_off",
      wire,
    });
  }
  return "ok";
}
