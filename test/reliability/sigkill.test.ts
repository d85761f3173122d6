// The region is SIGKILLed while it applies a large hardware change; after a restart the machine's
// hardware is exactly the old state or exactly the new one, never a mix. One kill is placed
// deterministically: a lock the test holds stops the apply inside its transaction, after it has
// deleted 1,000 disks and before it inserts 700 USB devices. More kills land at random moments.
import { randomBytes } from "node:crypto";
import { createAdmin, getOrCreateApiKey } from "@hwsync/region";
import { type ApiCredentials, parseApiKey } from "@hwsync/shared";
import { openTestDatabase, POSTGRES_URL, signedPush, type TestDatabase } from "@hwsync/testkit";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  call,
  type DeployedMachine,
  deployMachine,
  largePayload,
  type RegionProcess,
  report,
  scaled,
  sleep,
  spawnRegion,
} from "./helpers.ts";

const OLD = largePayload(77, 2000, 300);
const NEW = largePayload(77, 1000, 1000);
const RANDOM_KILLS = scaled(6, 30);

type Snapshot = Record<string, unknown>;

/** The stored hardware without row ids, events and the heartbeat: what "old" and "new" mean. */
async function hardwareOf(origin: string, admin: ApiCredentials, systemId: string): Promise<Snapshot> {
  const reply = await call(origin, `/MAAS/api/2.0/machines/${systemId}/?op=hardware`, { creds: admin });
  expect(reply.status).toBe(200);
  const { recent_events: _events, last_sync: _lastSync, system_id: _id, ...hardware } = reply.json();
  const rows = (list: Array<Record<string, unknown>>) =>
    list.map(({ id: _rowId, ...row }) => JSON.stringify(row)).sort();
  return {
    ...hardware,
    block_devices: rows(hardware.block_devices),
    interfaces: rows(hardware.interfaces),
    pci_devices: rows(hardware.pci_devices),
    usb_devices: rows(hardware.usb_devices),
  };
}

function counts(snapshot: Snapshot): string {
  return `${(snapshot.block_devices as unknown[]).length} disks, ${(snapshot.usb_devices as unknown[]).length} USB`;
}

describe("SIGKILL in the middle of applying a sync", { timeout: 180_000 }, () => {
  let database: TestDatabase;
  let region: RegionProcess;
  let admin: ApiCredentials;
  let machine: DeployedMachine;
  let observer: pg.Client;
  const appName = `hwsync-kill-${randomBytes(3).toString("hex")}`;
  const snapshots: { old?: Snapshot; new?: Snapshot } = {};
  /** How long one uninterrupted apply of the large change took: kills are spread over it. */
  let applyMs = 300;

  const start = () =>
    spawnRegion({ databaseUrl: `${POSTGRES_URL}?application_name=${appName}`, schema: database.schema! });

  /** Backends of our regions, with their transaction state. */
  async function regionBackends(): Promise<Array<{ pid: number; state: string; xact: boolean }>> {
    const { rows } = await observer.query(
      "SELECT pid, state, xact_start IS NOT NULL AS xact FROM pg_stat_activity WHERE application_name = $1",
      [appName],
    );
    return rows;
  }

  /** SIGKILL, then wait until PostgreSQL has noticed and ended the dead region's sessions. */
  async function killRegion(): Promise<void> {
    region.child.kill("SIGKILL");
    expect(await region.exited).toBe("SIGKILL");
    for (let i = 0; i < 600 && (await regionBackends()).length > 0; i++) await sleep(50);
    expect(await regionBackends()).toEqual([]);
  }

  beforeAll(async () => {
    database = await openTestDatabase("postgres");
    await createAdmin(database.db, { username: "admin", password: "kill-test-password" });
    admin = parseApiKey(await getOrCreateApiKey(database.db, "admin"));
    observer = new pg.Client({
      connectionString: POSTGRES_URL,
      options: `-c search_path=${database.schema}`,
    });
    await observer.connect();
    region = await start();
    machine = await deployMachine(region.origin, admin);
    expect((await signedPush(region.origin, machine.creds, OLD)).status).toBe(200);
    snapshots.old = await hardwareOf(region.origin, admin, machine.systemId);
  });

  afterAll(async () => {
    await region?.stop();
    await observer?.end();
    await database?.close();
  });

  test("a kill while the apply waits inside its transaction leaves exactly the old hardware", async () => {
    const lock = new pg.Client({
      connectionString: POSTGRES_URL,
      options: `-c search_path=${database.schema}`,
    });
    await lock.connect();
    try {
      // SHARE lets the apply read usb_devices and delete disks, but not write USB devices.
      await lock.query("BEGIN");
      await lock.query("LOCK TABLE usb_devices IN SHARE MODE");
      const inFlight = signedPush(region.origin, machine.creds, NEW).catch((error: Error) => error);
      let waiting: { pid: number; holdsDiskWrites: boolean } | undefined;
      for (let i = 0; i < 400 && !waiting; i++) {
        const { rows } = await observer.query(
          `SELECT w.pid, EXISTS (SELECT 1 FROM pg_locks d JOIN pg_class dc ON dc.oid = d.relation
                                  WHERE d.pid = w.pid AND dc.relname = 'block_devices'
                                    AND d.mode = 'RowExclusiveLock' AND d.granted) AS "holdsDiskWrites"
             FROM pg_locks w JOIN pg_class c ON c.oid = w.relation
             JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relname = 'usb_devices' AND n.nspname = $1 AND NOT w.granted`,
          [database.schema],
        );
        waiting = rows[0];
        if (!waiting) await sleep(25);
      }
      expect(waiting?.holdsDiskWrites, "the apply deleted disks and waits to insert USB devices").toBe(true);
      region.child.kill("SIGKILL");
      expect(await region.exited).toBe("SIGKILL");
      expect(await inFlight).toBeInstanceOf(Error);
      await lock.query("ROLLBACK");
    } finally {
      await lock.end();
    }
    for (let i = 0; i < 600 && (await regionBackends()).length > 0; i++) await sleep(50);

    region = await start();
    const after = await hardwareOf(region.origin, admin, machine.systemId);
    expect(counts(after)).toBe(counts(snapshots.old!));
    expect(after).toEqual(snapshots.old);

    // The agent's next tick sends the same payload again and it applies in full.
    const started = performance.now();
    const again = await signedPush(region.origin, machine.creds, NEW);
    applyMs = performance.now() - started;
    expect(again.status).toBe(200);
    expect(again.json()).toMatchObject({ changed: true });
    snapshots.new = await hardwareOf(region.origin, admin, machine.systemId);
    expect(counts(snapshots.new)).toBe("1000 disks, 1000 USB");
    report("sigkill locked", { killedMidTransaction: 1, oldAfterRestart: true, mixes: 0 });
  });

  test("kills at random moments of large applies never leave a mix", async () => {
    const outcomes = { rolledBack: 0, committed: 0, mix: 0, killedInTransaction: 0 };
    let current: "old" | "new" = "new";
    let histories = (
      await call(region.origin, `/MAAS/api/2.0/machines/${machine.systemId}/?op=hardware_history&limit=100`, {
        creds: admin,
      })
    ).json().length;
    for (let round = 0; round < RANDOM_KILLS; round++) {
      const target = current === "old" ? "new" : "old";
      const inFlight = signedPush(region.origin, machine.creds, target === "new" ? NEW : OLD).catch(
        (error: Error) => error,
      );
      // Wait for the apply's transaction to open, then kill at a random point of it.
      for (let i = 0; i < 400; i++) {
        if ((await regionBackends()).some((b) => b.xact && b.state !== "idle")) break;
        await sleep(5);
      }
      await sleep(Math.floor(Math.random() * applyMs * 1.5));
      if ((await regionBackends()).some((b) => b.xact && b.state !== "idle"))
        outcomes.killedInTransaction += 1;
      await killRegion();
      await inFlight;
      region = await start();
      const after = await hardwareOf(region.origin, admin, machine.systemId);
      const now = after.hardware_hash === (snapshots.new as Snapshot).hardware_hash ? "new" : "old";
      if (JSON.stringify(after) !== JSON.stringify(snapshots[now])) outcomes.mix += 1;
      else if (now === current) outcomes.rolledBack += 1;
      else outcomes.committed += 1;
      expect(after).toEqual(snapshots[now]);
      // History has one entry per committed change, none for a rolled-back one.
      const history = (
        await call(
          region.origin,
          `/MAAS/api/2.0/machines/${machine.systemId}/?op=hardware_history&limit=100`,
          { creds: admin },
        )
      ).json();
      expect(history.length).toBe(histories + (now === current ? 0 : 1));
      histories = history.length;
      current = now;
    }
    report("sigkill random", { kills: RANDOM_KILLS, applyMs: Math.round(applyMs), ...outcomes });
    expect(outcomes.mix).toBe(0);
  });
});
