import { useState } from "react";
import type { WsMachine } from "../api/types.ts";
import { useRegionStore } from "../state/region-context.tsx";
import { Modal } from "./modal.tsx";

export function ReleaseDialog({ machine, onClose }: { machine: WsMachine; onClose: () => void }) {
  const store = useRegionStore();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const release = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await store.release(machine.system_id);
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <Modal title={`Release ${machine.hostname}?`} onClose={onClose}>
      <p>
        The machine returns to the pool. Hardware sync stops and its token is revoked; the stored hardware
        stays.
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={release} disabled={busy}>
          {busy ? "Releasing…" : "Release machine"}
        </button>
      </div>
    </Modal>
  );
}
