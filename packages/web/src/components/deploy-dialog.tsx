import { type FormEvent, useId, useState } from "react";
import type { WsMachine } from "../api/types.ts";
import { formatDuration } from "../format.ts";
import { useRegion } from "../hooks.ts";
import { readIntervalField } from "../interval.ts";
import { useRegionStore } from "../state/region-context.tsx";
import { Modal } from "./modal.tsx";
import { defaultChoice, OPERATING_SYSTEMS } from "./operating-systems.ts";

export function DeployDialog({ machine, onClose }: { machine: WsMachine; onClose: () => void }) {
  const store = useRegionStore();
  const { config } = useRegion();
  const initial = defaultChoice(config);
  const [osystem, setOsystem] = useState(initial.osystem);
  const [series, setSeries] = useState(initial.series);
  const [enableHwSync, setEnableHwSync] = useState(false);
  const [intervalText, setIntervalText] = useState("");
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<string>();
  const ids = {
    os: useId(),
    series: useId(),
    sync: useId(),
    interval: useId(),
    help: useId(),
    error: useId(),
  };

  const os = OPERATING_SYSTEMS.find((o) => o.osystem === osystem) ?? OPERATING_SYSTEMS[0]!;
  const syncAllowed = os.isLinux;
  const syncOn = enableHwSync && syncAllowed;
  const parsed = syncOn ? readIntervalField(intervalText) : {};
  const defaultInterval =
    typeof config.hardware_sync_interval === "string" ? config.hardware_sync_interval : "15m";

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (parsed.error) return;
    setBusy(true);
    setServerError(undefined);
    try {
      await store.deploy(machine.system_id, {
        osystem,
        distro_series: series,
        enable_hw_sync: syncOn,
        ...(parsed.seconds !== undefined ? { sync_interval: parsed.seconds } : {}),
      });
      onClose();
    } catch (error) {
      setServerError(error instanceof Error ? error.message : String(error));
      setBusy(false);
    }
  };

  return (
    <Modal title={`Deploy ${machine.hostname}`} onClose={onClose}>
      <form onSubmit={submit} className="stack">
        <div className="field">
          <label htmlFor={ids.os}>Operating system</label>
          <select
            id={ids.os}
            value={osystem}
            onChange={(e) => {
              const next = OPERATING_SYSTEMS.find((o) => o.osystem === e.target.value);
              setOsystem(e.target.value);
              setSeries(next?.series[0]?.name ?? "");
            }}
          >
            {OPERATING_SYSTEMS.map((o) => (
              <option key={o.osystem} value={o.osystem}>
                {o.title}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.series}>Release</label>
          <select id={ids.series} value={series} onChange={(e) => setSeries(e.target.value)}>
            {os.series.map((s) => (
              <option key={s.name} value={s.name}>
                {s.title}
              </option>
            ))}
          </select>
        </div>
        <div className="check">
          <input
            id={ids.sync}
            type="checkbox"
            name="enable_hw_sync"
            checked={syncOn}
            disabled={!syncAllowed}
            aria-describedby={ids.help}
            onChange={(e) => setEnableHwSync(e.target.checked)}
          />
          <label htmlFor={ids.sync}>Periodically sync hardware</label>
          <p id={ids.help} className="hint">
            {syncAllowed
              ? "Installs a timer on the machine that reports disks, NICs, PCI and USB devices back to the region."
              : "Hardware sync needs a Linux-based deploy."}
          </p>
        </div>
        {syncOn && (
          <div className="field">
            <label htmlFor={ids.interval}>Sync interval (optional)</label>
            <input
              id={ids.interval}
              name="sync_interval"
              value={intervalText}
              placeholder={defaultInterval}
              autoComplete="off"
              aria-invalid={parsed.error ? true : undefined}
              aria-describedby={parsed.error ? ids.error : undefined}
              onChange={(e) => setIntervalText(e.target.value)}
            />
            {parsed.error ? (
              <p id={ids.error} className="field-error" role="alert">
                {parsed.error}
              </p>
            ) : (
              <p className="hint">
                {parsed.seconds !== undefined
                  ? `Every ${formatDuration(parsed.seconds)}.`
                  : `Empty uses the region setting (${defaultInterval}). A span like 15m or 1h30m, or seconds.`}
              </p>
            )}
          </div>
        )}
        {serverError && (
          <p className="form-error" role="alert">
            {serverError}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || Boolean(parsed.error)}>
            {busy ? "Deploying…" : "Deploy machine"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
