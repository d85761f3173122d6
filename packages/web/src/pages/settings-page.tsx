import { type FormEvent, useId, useState } from "react";
import { RegionRequestError } from "../api/region-error.ts";
import { formatDuration } from "../format.ts";
import { useDocumentTitle, useRegion } from "../hooks.ts";
import { checkIntervalSetting } from "../interval.ts";
import { useRegionStore } from "../state/region-context.tsx";

export const INTERVAL_SETTING = "hardware_sync_interval";

export function SettingsPage() {
  useDocumentTitle("Settings");
  const store = useRegionStore();
  const { config } = useRegion();
  const saved = config[INTERVAL_SETTING] === undefined ? "" : String(config[INTERVAL_SETTING]);
  const [draft, setDraft] = useState<string>();
  const [status, setStatus] = useState<{ kind: "saving" | "saved" | "error"; text: string }>();
  const ids = { input: useId(), help: useId(), error: useId() };

  const value = draft ?? saved;
  const check = checkIntervalSetting(value);
  const unchanged = value === saved;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!check.ok) return;
    setStatus({ kind: "saving", text: "Saving…" });
    try {
      await store.updateConfig(INTERVAL_SETTING, value);
      setDraft(undefined);
      setStatus({
        kind: "saved",
        text: `Saved. Machines deployed from now on sync every ${formatDuration(check.seconds)}; deployed machines keep their interval until redeployed.`,
      });
    } catch (error) {
      const fieldMessages =
        error instanceof RegionRequestError && error.fields
          ? Object.values(error.fields).flat().join(" ")
          : undefined;
      setStatus({
        kind: "error",
        text: `The region refused the value: ${fieldMessages ?? (error instanceof Error ? error.message : String(error))}`,
      });
    }
  };

  return (
    <>
      <h1>Settings</h1>
      <form onSubmit={submit} className="card stack" noValidate>
        <h2>Hardware sync</h2>
        <div className="field">
          <label htmlFor={ids.input}>Hardware sync interval</label>
          <input
            id={ids.input}
            name={INTERVAL_SETTING}
            value={value}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={check.ok ? undefined : true}
            aria-describedby={`${ids.help} ${check.ok ? "" : ids.error}`.trim()}
            onChange={(e) => {
              setDraft(e.target.value);
              setStatus(undefined);
            }}
          />
          <p id={ids.help} className="hint">
            How often deployed machines report their hardware, as a span of hours, minutes and seconds (15m,
            1h30m, 90s). Applies to machines deployed after the change.
          </p>
          {check.ok ? (
            <p className="hint" data-field="interval-preview">
              Every {formatDuration(check.seconds)} · timer <code>OnCalendar={check.onCalendar}</code>
            </p>
          ) : (
            <p id={ids.error} className="field-error" role="alert" data-field="interval-error">
              {check.message}
            </p>
          )}
        </div>
        <div className="actions">
          <button
            type="submit"
            className="primary"
            disabled={!check.ok || unchanged || status?.kind === "saving"}
          >
            Save
          </button>
        </div>
        {status && status.kind !== "saving" && (
          <p
            className={status.kind === "error" ? "form-error" : "form-ok"}
            role="status"
            data-field="save-status"
          >
            {status.text}
          </p>
        )}
      </form>
    </>
  );
}
