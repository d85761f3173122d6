import type { ReactNode } from "react";
import { useEffect, useState } from "react";
import type { WsMachine } from "../api/types.ts";
import { HardwareView } from "../components/hardware-view.tsx";
import { HealthBadge } from "../components/health-badge.tsx";
import { HistoryList } from "../components/history-list.tsx";
import { MachineActions } from "../components/machine-actions.tsx";
import { TimeAgo } from "../components/time-ago.tsx";
import { TimelineChart } from "../components/timeline-chart.tsx";
import { formatAbsolute, formatDuration, parseRegionTime, syncHealth } from "../format.ts";
import { useDocumentTitle, useNow, useRegion } from "../hooks.ts";
import { Link } from "../router.tsx";
import { useRegionStore } from "../state/region-context.tsx";
import { type Loaded, useMachineDetails } from "./use-machine-details.ts";

export function MachinePage({ systemId }: { systemId: string }) {
  const store = useRegionStore();
  const { machines, machinesLoaded } = useRegion();
  const machine = machines.get(systemId);
  const [missing, setMissing] = useState(false);
  useDocumentTitle(machine?.hostname ?? systemId);

  // A machine not in the list yet (deep link before machine.list answered, or a filtered list):
  // ask for it directly once the list is in.
  useEffect(() => {
    if (!machinesLoaded || machine) return;
    store.refreshMachine(systemId).catch(() => setMissing(true));
  }, [machinesLoaded, machine, store, systemId]);

  if (!machine) {
    return missing ? (
      <>
        <h1>Machine not found</h1>
        <p>
          No machine has the system id <code>{systemId}</code>. Back to the{" "}
          <Link to="machines">machine list</Link>.
        </p>
      </>
    ) : (
      <p className="muted">Loading {systemId}…</p>
    );
  }
  return <MachineDetailsView key={machine.system_id} machine={machine} />;
}

function MachineDetailsView({ machine }: { machine: WsMachine }) {
  const now = useNow();
  // Every notification brings a new object, so each push refetches even within the same second.
  const details = useMachineDetails(machine.system_id, machine);
  const lastSync = parseRegionTime(machine.last_sync);
  const nextSync = parseRegionTime(machine.next_sync);
  return (
    <>
      <p className="breadcrumb">
        <Link to="machines">Machines</Link> <span aria-hidden="true">›</span>
      </p>
      <div className="page-head">
        <h1>
          {machine.hostname} <span className="subtle">{machine.system_id}</span>
        </h1>
        <div className="actions">
          <MachineActions machine={machine} />
        </div>
      </div>
      <dl className="pairs inline" aria-label="Machine">
        <div>
          <dt>Status</dt>
          <dd data-field="status">{machine.status_name}</dd>
        </div>
        <div>
          <dt>OS</dt>
          <dd>
            {machine.osystem && machine.distro_series ? `${machine.osystem}/${machine.distro_series}` : "—"}
          </dd>
        </div>
        <div>
          <dt>Owner</dt>
          <dd>{machine.owner || "—"}</dd>
        </div>
      </dl>

      <section aria-labelledby="sync-heading" className="card">
        <h2 id="sync-heading">Hardware sync</h2>
        <dl className="pairs">
          <div>
            <dt>Periodic sync</dt>
            <dd data-field="hw-sync">{machine.enable_hw_sync ? "On" : "Off"}</dd>
          </div>
          <div>
            <dt>Health</dt>
            {/* Announced when it changes; relative times are not, as they tick every few seconds. */}
            <dd data-field="health" aria-live="polite">
              <HealthBadge health={syncHealth(machine, now)} />
            </dd>
          </div>
          <div>
            <dt>Last sync</dt>
            <dd data-field="last-sync">
              <TimeAgo date={lastSync} now={now} />
              {lastSync && <span className="subtle"> ({formatAbsolute(lastSync)})</span>}
            </dd>
          </div>
          <div>
            <dt>Next sync</dt>
            <dd data-field="next-sync">
              <TimeAgo
                date={nextSync}
                now={now}
                empty={machine.enable_hw_sync ? "After the first sync" : "—"}
              />
            </dd>
          </div>
          <div>
            <dt>Interval</dt>
            <dd data-field="interval">
              {machine.sync_interval
                ? `${formatDuration(machine.sync_interval)} (${machine.sync_interval} s)`
                : "—"}
            </dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="hardware-heading">
        <h2 id="hardware-heading">Hardware</h2>
        <LoadedView loaded={details.hardware} what="hardware">
          {(hardware) => <HardwareView hardware={hardware} />}
        </LoadedView>
      </section>

      <section aria-labelledby="history-heading">
        <h2 id="history-heading">Hardware history</h2>
        <LoadedView loaded={details.history} what="hardware history">
          {(history) =>
            history.length === 0 ? (
              <p className="muted">No hardware changes recorded yet.</p>
            ) : (
              <>
                <TimelineChart history={history} />
                <HistoryList history={history} />
              </>
            )
          }
        </LoadedView>
      </section>

      <section aria-labelledby="events-heading">
        <h2 id="events-heading">Events</h2>
        <LoadedView loaded={details.events} what="events">
          {(events) =>
            events.length === 0 ? (
              <p className="muted">No events.</p>
            ) : (
              <div className="table-wrap">
                <table className="events">
                  <caption className="visually-hidden">Events, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Time</th>
                      <th scope="col">Level</th>
                      <th scope="col">Type</th>
                      <th scope="col">Description</th>
                    </tr>
                  </thead>
                  <tbody>
                    {events.map((event) => (
                      <tr key={event.id}>
                        <td>
                          <TimeAgo date={parseRegionTime(event.created)} now={now} empty={event.created} />
                        </td>
                        <td>{event.level}</td>
                        <td>{event.type}</td>
                        <td>{event.description}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </LoadedView>
      </section>
    </>
  );
}

function LoadedView<T>({
  loaded,
  what,
  children,
}: {
  loaded: Loaded<T>;
  what: string;
  children: (value: T) => ReactNode;
}) {
  if (loaded.state === "loading") return <p className="muted">Loading {what}…</p>;
  if (loaded.state === "error") {
    return (
      <p className="form-error" role="alert">
        Could not load {what}: {loaded.message}
      </p>
    );
  }
  return <>{children(loaded.value)}</>;
}
