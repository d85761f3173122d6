import { useState } from "react";
import type { WsMachine } from "../api/types.ts";
import { DeployDialog } from "./deploy-dialog.tsx";
import { ReleaseDialog } from "./release-dialog.tsx";

// MAAS node statuses (shared NodeStatus): READY 4, DEPLOYED 6, DEPLOYING 9, ALLOCATED 10,
// FAILED_DEPLOYMENT 11. Deploy from Ready/Allocated; release anything a user holds.
const DEPLOYABLE = new Set([4, 10]);
const RELEASABLE = new Set([6, 9, 10, 11]);

export function canDeploy(machine: WsMachine): boolean {
  return DEPLOYABLE.has(machine.status);
}

export function canRelease(machine: WsMachine): boolean {
  return RELEASABLE.has(machine.status);
}

/**
 * Deploy… / Release… buttons that open their dialogs. In a table row (`inRow`) every row has the
 * same buttons, so their accessible names carry the hostname.
 */
export function MachineActions({ machine, inRow = false }: { machine: WsMachine; inRow?: boolean }) {
  const [open, setOpen] = useState<"deploy" | "release">();
  const label = (verb: string) => (inRow ? `${verb} ${machine.hostname}…` : undefined);
  return (
    <>
      {canDeploy(machine) && (
        <button
          type="button"
          className="primary"
          aria-label={label("Deploy")}
          onClick={() => setOpen("deploy")}
        >
          Deploy…
        </button>
      )}
      {canRelease(machine) && (
        <button type="button" aria-label={label("Release")} onClick={() => setOpen("release")}>
          Release…
        </button>
      )}
      {open === "deploy" && <DeployDialog machine={machine} onClose={() => setOpen(undefined)} />}
      {open === "release" && <ReleaseDialog machine={machine} onClose={() => setOpen(undefined)} />}
    </>
  );
}
