import { useId } from "react";
import { HealthBadge } from "../components/health-badge.tsx";
import { MachineActions } from "../components/machine-actions.tsx";
import { TimeAgo } from "../components/time-ago.tsx";
import { isUnhealthy, parseRegionTime, syncHealth } from "../format.ts";
import { useDocumentTitle, useNow, useRegion } from "../hooks.ts";
import { Link, navigate } from "../router.tsx";

export function MachinesPage({ unhealthyOnly }: { unhealthyOnly: boolean }) {
  useDocumentTitle("Machines");
  const { machines, machinesLoaded, loadError } = useRegion();
  const now = useNow();
  const filterId = useId();
  const all = [...machines.values()].sort((a, b) => a.hostname.localeCompare(b.hostname));
  const unhealthyCount = all.filter((m) => isUnhealthy(m, now)).length;
  const shown = unhealthyOnly ? all.filter((m) => isUnhealthy(m, now)) : all;

  return (
    <>
      <div className="page-head">
        <h1>Machines</h1>
        <div className="check">
          <input
            id={filterId}
            type="checkbox"
            checked={unhealthyOnly}
            onChange={(e) =>
              navigate(e.target.checked ? "machines?unhealthy=1" : "machines", { replace: true })
            }
          />
          <label htmlFor={filterId}>Only unhealthy syncs ({unhealthyCount})</label>
        </div>
      </div>
      {loadError && (
        <p className="form-error" role="alert">
          Could not load machines: {loadError}
        </p>
      )}
      <div className="table-wrap">
        <table className="machines">
          <caption className="visually-hidden">
            {unhealthyOnly ? "Machines whose hardware sync is unhealthy" : "All machines"}
          </caption>
          <thead>
            <tr>
              <th scope="col">Hostname</th>
              <th scope="col">Status</th>
              <th scope="col">OS</th>
              <th scope="col">Hardware sync</th>
              <th scope="col">Last sync</th>
              <th scope="col">Health</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((machine) => (
              <tr key={machine.system_id} data-system-id={machine.system_id}>
                <th scope="row">
                  <Link to={`machine/${encodeURIComponent(machine.system_id)}`}>{machine.hostname}</Link>
                </th>
                <td data-field="status">{machine.status_name}</td>
                <td>
                  {machine.osystem && machine.distro_series
                    ? `${machine.osystem}/${machine.distro_series}`
                    : "—"}
                </td>
                <td data-field="hw-sync">{machine.enable_hw_sync ? "On" : "Off"}</td>
                <td data-field="last-sync">
                  {machine.enable_hw_sync ? (
                    <TimeAgo date={parseRegionTime(machine.last_sync)} now={now} />
                  ) : (
                    "—"
                  )}
                </td>
                <td data-field="health">
                  <HealthBadge health={syncHealth(machine, now)} />
                </td>
                <td className="row-actions">
                  <MachineActions machine={machine} inRow />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {machinesLoaded && shown.length === 0 && (
        <p className="empty">
          {unhealthyOnly
            ? "Every machine with hardware sync is healthy."
            : "No machines yet. Add one with the CLI."}
        </p>
      )}
      {!machinesLoaded && !loadError && <p className="muted">Loading machines…</p>}
    </>
  );
}
