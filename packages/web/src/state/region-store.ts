import type { RegionSocket, SocketState } from "../api/region-socket.ts";
import type { ConfigItem, DeployExtra, Notification, WsMachine } from "../api/types.ts";

export interface RegionSnapshot {
  connection: SocketState;
  machines: ReadonlyMap<string, WsMachine>;
  machinesLoaded: boolean;
  config: Readonly<Record<string, unknown>>;
  loadError: string | undefined;
}

/**
 * The region's machines and config, kept current by notifications. Snapshots are immutable so
 * React's useSyncExternalStore re-renders exactly when something changed.
 */
export class RegionStore {
  readonly socket: RegionSocket;
  #snapshot: RegionSnapshot;
  readonly #listeners = new Set<() => void>();
  readonly #unsubscribe: (() => void)[] = [];

  constructor(socket: RegionSocket) {
    this.socket = socket;
    this.#snapshot = {
      connection: socket.state,
      machines: new Map(),
      machinesLoaded: false,
      config: {},
      loadError: undefined,
    };
  }

  /** Subscribes to the socket; loads now if it is already open and again after every reconnect. */
  start(): void {
    this.#unsubscribe.push(
      this.socket.on("machine", (n) => this.#onMachine(n)),
      this.socket.on("config", (n) => this.#onConfig(n)),
      this.socket.onState((connection) => {
        this.#update({ connection });
        // Notifications sent while we were away are lost: reload everything.
        if (connection === "open") void this.reload();
      }),
    );
    if (this.socket.state === "open") void this.reload();
  }

  stop(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }

  getSnapshot = (): RegionSnapshot => this.#snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  async reload(): Promise<void> {
    try {
      const [machines, config] = await Promise.all([
        this.socket.call<WsMachine[]>("machine.list"),
        this.socket.call<ConfigItem[]>("config.list"),
      ]);
      this.#update({
        machines: new Map(machines.map((m) => [m.system_id, m])),
        machinesLoaded: true,
        config: Object.fromEntries(config.map((item) => [item.name, item.value])),
        loadError: undefined,
      });
      // MAAS 3.5+ lists carry no hw-sync keys (docs/maas-compatibility.md#websocket): ask for each machine.
      await Promise.all(machines.filter(lacksSyncFields).map((m) => this.refreshMachine(m.system_id)));
    } catch (error) {
      this.#update({ loadError: error instanceof Error ? error.message : String(error) });
    }
  }

  async refreshMachine(systemId: string): Promise<WsMachine> {
    const machine = await this.socket.call<WsMachine>("machine.get", { system_id: systemId });
    this.#putMachine(machine);
    return machine;
  }

  async deploy(systemId: string, extra: DeployExtra): Promise<void> {
    await this.#action(systemId, "deploy", { ...extra });
  }

  async release(systemId: string): Promise<void> {
    await this.#action(systemId, "release", {});
  }

  async updateConfig(name: string, value: string): Promise<void> {
    const item = await this.socket.call<ConfigItem>("config.update", { name, value });
    this.#update({ config: { ...this.#snapshot.config, [item?.name ?? name]: item?.value ?? value } });
  }

  async #action(systemId: string, action: string, extra: Record<string, unknown>): Promise<void> {
    const result = await this.socket.call<unknown>("machine.action", { system_id: systemId, action, extra });
    // The notification follows, but showing the answer at once keeps the dialog honest.
    if (isMachine(result)) this.#putMachine(result);
    else await this.refreshMachine(systemId);
  }

  #onMachine(notification: Notification): void {
    if (notification.action === "delete") {
      const systemId =
        typeof notification.data === "string" ? notification.data : systemIdOf(notification.data);
      if (!systemId) return;
      const machines = new Map(this.#snapshot.machines);
      machines.delete(systemId);
      this.#update({ machines });
      return;
    }
    if (!isMachine(notification.data)) return;
    this.#putMachine(notification.data);
    if (lacksSyncFields(notification.data)) void this.refreshMachine(notification.data.system_id).catch(noop);
  }

  #onConfig(notification: Notification): void {
    const data = notification.data as Partial<ConfigItem> | undefined;
    if (!data || typeof data.name !== "string") return;
    this.#update({ config: { ...this.#snapshot.config, [data.name]: data.value } });
  }

  // Replace, not merge: MAAS drops last_sync/next_sync when hw sync goes off, and a merge
  // would keep the stale values.
  #putMachine(machine: WsMachine): void {
    const machines = new Map(this.#snapshot.machines);
    const previous = machines.get(machine.system_id);
    machines.set(
      machine.system_id,
      lacksSyncFields(machine) && previous && !lacksSyncFields(previous)
        ? { ...machine, enable_hw_sync: previous.enable_hw_sync }
        : machine,
    );
    this.#update({ machines });
  }

  #update(patch: Partial<RegionSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...patch };
    for (const listener of this.#listeners) listener();
  }
}

function isMachine(value: unknown): value is WsMachine {
  return typeof value === "object" && value !== null && typeof (value as WsMachine).system_id === "string";
}

function systemIdOf(value: unknown): string | undefined {
  return isMachine(value) ? value.system_id : undefined;
}

function lacksSyncFields(machine: WsMachine): boolean {
  return machine.enable_hw_sync === undefined;
}

function noop(): void {}
