import type { Db } from "./db.ts";

// PostgreSQL NOTIFY reaches every region process on the database (PGlite: this process), so a
// sync handled by one process updates the WebSocket clients of all of them. Inside a
// transaction the notification is sent at COMMIT, never for a rolled-back change.
export const MACHINE_CHANNEL = "hwsync_machine";
const CONFIG_CHANNEL = "hwsync_config";

/** Tells live clients that a machine's fields changed; call with the transaction that changed it. */
export async function notifyMachineChanged(db: Db, systemId: string): Promise<void> {
  await db.query("SELECT pg_notify($1, $2)", [MACHINE_CHANNEL, systemId]);
}

export async function notifyConfigChanged(db: Db, name: string): Promise<void> {
  await db.query("SELECT pg_notify($1, $2)", [CONFIG_CHANNEL, name]);
}

export interface ChangeHandlers {
  /** Called with each batch of distinct changed machines. */
  onMachines(systemIds: string[]): void;
  onConfig(name: string): void;
}

// A burst of syncs (thousands per second in the benchmark) becomes one reload per window,
// not one query per notification per client.
const BATCH_WINDOW_MS = 50;

/** LISTENs on both channels and batches machine notifications; returns the function that stops. */
export async function listenForChanges(db: Db, handlers: ChangeHandlers): Promise<() => Promise<void>> {
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const batch = [...pending];
    pending = new Set();
    if (batch.length > 0) handlers.onMachines(batch);
  };
  const stopMachines = await db.listen(MACHINE_CHANNEL, (systemId) => {
    pending.add(systemId);
    timer ??= setTimeout(flush, BATCH_WINDOW_MS);
  });
  const stopConfig = await db.listen(CONFIG_CHANNEL, (name) => handlers.onConfig(name));
  return async () => {
    clearTimeout(timer);
    await Promise.all([stopMachines(), stopConfig()]);
  };
}
