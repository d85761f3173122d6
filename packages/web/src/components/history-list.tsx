import type { HardwareHistoryEntry } from "../api/types.ts";
import { formatAbsolute, parseRegionTime } from "../format.ts";

const KIND_TITLES: Record<string, string> = {
  block_device: "disk",
  interface: "interface",
  pci_device: "PCI device",
  usb_device: "USB device",
  cpu: "CPU",
  memory: "memory",
  system: "system",
  bmc: "BMC",
};

/** One entry per sync, newest first, each change as a sentence: "added disk sdb". */
export function HistoryList({ history }: { history: HardwareHistoryEntry[] }) {
  return (
    <ol className="history">
      {history.map((entry) => {
        const created = parseRegionTime(entry.created);
        return (
          <li key={entry.sync_id} data-sync-id={entry.sync_id}>
            <h3>
              {created ? (
                <time dateTime={created.toISOString()}>{formatAbsolute(created)}</time>
              ) : (
                entry.created
              )}
              <span className="subtle">
                {" "}
                · {entry.changes.length} {entry.changes.length === 1 ? "change" : "changes"}
              </span>
            </h3>
            <ul>
              {entry.changes.map((change, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the same device may change twice in one sync
                <li key={index} className={`change-${change.action}`}>
                  <span className="change-action">{change.action}</span>{" "}
                  {KIND_TITLES[change.kind] ?? change.kind} <strong>{change.name}</strong>
                </li>
              ))}
              {(entry.not_reported ?? []).map((gap, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: one class may be missing for two reasons
                <li key={`gap-${index}`} className="change-not-reported">
                  <span className="change-action">not reported</span> {KIND_TITLES[gap.kind] ?? gap.kind}{" "}
                  <strong>{gap.section}</strong>{" "}
                  <span className="subtle">
                    {gap.reason === "collector_error"
                      ? `(collector ${gap.collector} failed: ${gap.code}; kept as stored)`
                      : `(${gap.reason}; kept as stored)`}
                  </span>
                </li>
              ))}
            </ul>
          </li>
        );
      })}
    </ol>
  );
}
