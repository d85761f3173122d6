import type { MachineHardware } from "../api/types.ts";
import {
  columnTitle,
  formatCell,
  formatSummaryCell,
  PREFERRED_COLUMNS,
  pickColumns,
  summaryEntries,
} from "./columns.ts";

const TABLES: { key: keyof MachineHardware & string; title: string }[] = [
  { key: "block_devices", title: "Disks" },
  { key: "interfaces", title: "Network interfaces" },
  { key: "pci_devices", title: "PCI devices" },
  { key: "usb_devices", title: "USB devices" },
];

const SUMMARIES: { key: "cpu" | "memory" | "system"; title: string }[] = [
  { key: "cpu", title: "CPU" },
  { key: "memory", title: "Memory" },
  { key: "system", title: "System" },
];

export function HardwareView({ hardware }: { hardware: MachineHardware }) {
  return (
    <div className="stack">
      <div className="summaries">
        {SUMMARIES.map(({ key, title }) => {
          const entries = summaryEntries(hardware[key]);
          return (
            <section key={key} className="card" aria-labelledby={`hw-${key}`}>
              <h3 id={`hw-${key}`}>{title}</h3>
              {entries.length === 0 ? (
                <p className="muted">Not reported yet.</p>
              ) : (
                <dl className="pairs">
                  {entries.map(([name, value]) => (
                    <div key={name}>
                      <dt>{columnTitle(name)}</dt>
                      <dd>{formatSummaryCell(key, name, value)}</dd>
                    </div>
                  ))}
                </dl>
              )}
            </section>
          );
        })}
      </div>
      {TABLES.map(({ key, title }) => {
        const rows = (Array.isArray(hardware[key]) ? hardware[key] : []) as Record<string, unknown>[];
        const columns = pickColumns(rows, PREFERRED_COLUMNS[key]);
        return (
          <div key={key} className="table-wrap">
            <table>
              <caption>
                {title} <span className="count">({rows.length})</span>
              </caption>
              {rows.length === 0 ? (
                <tbody>
                  <tr>
                    <td className="muted">None reported.</td>
                  </tr>
                </tbody>
              ) : (
                <>
                  <thead>
                    <tr>
                      {columns.map((column) => (
                        <th key={column} scope="col">
                          {columnTitle(column)}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((row, index) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: rows carry no stable id across regions
                      <tr key={index}>
                        {columns.map((column, i) =>
                          i === 0 ? (
                            <th key={column} scope="row">
                              {formatCell(column, row[column])}
                            </th>
                          ) : (
                            <td key={column}>{formatCell(column, row[column])}</td>
                          ),
                        )}
                      </tr>
                    ))}
                  </tbody>
                </>
              )}
            </table>
          </div>
        );
      })}
    </div>
  );
}
