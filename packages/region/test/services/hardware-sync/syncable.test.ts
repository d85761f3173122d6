import { NodeStatus } from "@hwsync/shared";
import { describe, expect, test } from "vitest";
import { hasCode } from "../../../src/errors.ts";
import { checkSyncable, type SyncWire } from "../../../src/services/hardware-sync/syncable.ts";

function refusal(status: number, enableHwSync: boolean, wire: SyncWire): unknown {
  try {
    checkSyncable({ systemId: "abc123", status, enableHwSync }, wire);
  } catch (error) {
    return error;
  }
  return null;
}

describe("checkSyncable, the one rule of which machines may report hardware", () => {
  test.each(["push", "signal"] as const)(
    "a Deployed or Deploying machine with hw sync is ok (%s)",
    (wire) => {
      for (const status of [NodeStatus.DEPLOYED, NodeStatus.DEPLOYING]) {
        expect(checkSyncable({ systemId: "abc123", status, enableHwSync: true }, wire)).toBe("ok");
      }
    },
  );

  test("a signal from a state MAAS leaves alone is ignored; a push from it is refused", () => {
    expect(
      checkSyncable({ systemId: "abc123", status: NodeStatus.READY, enableHwSync: false }, "signal"),
    ).toBe("ignore");
    expect(hasCode(refusal(NodeStatus.READY, false, "push"), "HWS_MACHINE_NOT_SYNCABLE")).toBe(true);
  });

  test.each([
    [
      NodeStatus.ALLOCATED,
      true,
      "push",
      "Machine abc123 is Allocated: hardware sync is accepted only from Deployed or Deploying machines.",
    ],
    [NodeStatus.ALLOCATED, true, "signal", "Machine status isn't valid (status is Allocated)"],
    [
      NodeStatus.DEPLOYED,
      false,
      "push",
      "Hardware sync is not enabled for machine abc123. Deploy it with enable_hw_sync=true to report hardware.",
    ],
    [
      NodeStatus.DEPLOYED,
      false,
      "signal",
      "Hardware sync is not enabled for machine abc123. Deploy it with enable_hw_sync=true to report hardware.",
    ],
  ] as const)("status %i, hw sync %s, %s: one code, the wire's words", (status, enabled, wire, message) => {
    const error = refusal(status, enabled, wire);
    expect(hasCode(error, "HWS_MACHINE_NOT_SYNCABLE")).toBe(true);
    expect((error as Error).message).toBe(message);
  });
});
