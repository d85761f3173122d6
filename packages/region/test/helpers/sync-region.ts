import type { ApiCredentials } from "@hwsync/shared";
import {
  type RawResponse,
  raw,
  signal,
  signedPush,
  type TestRegion,
  uniqueMac,
  uniqueName,
} from "@hwsync/testkit";
import type { FakeClock } from "../../src/clock.ts";
import type { Db } from "../../src/db/db.ts";

// Helpers of the sync suites on top of @hwsync/testkit (which runs the region: useTestRegion):
// deployed machines with their tokens, the agent's push, and a snapshot of everything a sync may write.

/** The region the sync suites drive: testkit's, on a fake clock they move. */
export type SyncRegion = TestRegion<FakeClock>;

export interface TestMachine {
  systemId: string;
  machineId: number;
  hostname: string;
  creds: ApiCredentials;
}

/** A machine created and deployed through the REST API, with its metadata token. */
export async function deployedMachine(
  t: Pick<TestRegion, "origin" | "adminCredentials" | "db">,
  options: { syncInterval?: string; enableHwSync?: boolean } = {},
): Promise<TestMachine> {
  const hostname = uniqueName("node").replace(/_/g, "-");
  const created = await raw(t, {
    path: "/MAAS/api/2.0/machines/",
    key: t.adminCredentials,
    form: { hostname, architecture: "amd64/generic", mac_addresses: uniqueMac() },
  });
  if (created.status !== 200) throw new Error(`create: ${created.status} ${created.text}`);
  const systemId = created.json().system_id as string;
  const deploy: Record<string, string> = { enable_hw_sync: String(options.enableHwSync ?? true) };
  if (options.syncInterval) deploy.sync_interval = options.syncInterval;
  const deployed = await raw(t, {
    path: `/MAAS/api/2.0/machines/${systemId}/?op=deploy`,
    key: t.adminCredentials,
    form: deploy,
  });
  if (deployed.status !== 200) throw new Error(`deploy: ${deployed.status} ${deployed.text}`);
  const token = await raw(t, {
    path: `/MAAS/api/2.0/machines/${systemId}/?op=get_token`,
    key: t.adminCredentials,
  });
  const { rows } = await t.db.query<{ id: number }>("SELECT id FROM machines WHERE system_id = $1", [
    systemId,
  ]);
  const triple = token.json();
  return {
    systemId,
    machineId: rows[0]!.id,
    hostname,
    creds: {
      consumerKey: triple.consumer_key,
      tokenKey: triple.token_key,
      tokenSecret: triple.token_secret,
      consumerSecret: "",
    },
  };
}

/** Our fast path, as the agent sends it (testkit's signedPush, by its name in these suites). */
export const push = signedPush;

/** Everything a sync may write for one machine, for "nothing else changed" assertions. */
export async function snapshot(db: Db, machineId: number): Promise<Record<string, unknown>> {
  const one = async (sql: string) => (await db.query(sql, [machineId])).rows;
  const [machine] = await one(
    `SELECT status, enable_hw_sync, sync_interval, last_sync, hardware_hash, cpu_count, cpu_model, cpu_speed,
            memory, architecture, osystem, distro_series, hardware_uuid, system_info, power_type
       FROM machines WHERE id = $1`,
  );
  return {
    machine,
    blockDevices: await one("SELECT * FROM block_devices WHERE machine_id = $1 ORDER BY id"),
    interfaces: await one("SELECT * FROM interfaces WHERE machine_id = $1 ORDER BY id"),
    pciDevices: await one("SELECT * FROM pci_devices WHERE machine_id = $1 ORDER BY id"),
    usbDevices: await one("SELECT * FROM usb_devices WHERE machine_id = $1 ORDER BY id"),
    history: await one("SELECT id FROM hardware_syncs WHERE machine_id = $1 ORDER BY id"),
    events: await one("SELECT id, type, description FROM events WHERE machine_id = $1 ORDER BY id"),
    tags: await one("SELECT tag_id FROM machine_tags WHERE machine_id = $1 ORDER BY tag_id"),
  };
}

/** The snapshot minus the heartbeat column. */
export function withoutLastSync(snap: Record<string, unknown>): Record<string, unknown> {
  const { last_sync: _ignored, ...machine } = snap.machine as Record<string, unknown>;
  return { ...snap, machine };
}

const COMMISSIONING_SCRIPT = "50-maas-01-commissioning";

/** MAAS's wire: the real client's op=signal upload of a passing commissioning script. */
export function signalHardware(
  t: Pick<TestRegion, "origin">,
  creds: ApiCredentials,
  document: unknown,
): Promise<RawResponse> {
  const json = Buffer.from(`${JSON.stringify(document, null, 2)}\n`);
  return signal(
    t,
    creds,
    [
      ["status", "WORKING"],
      ["script_result_id", "1"],
      ["runtime", "0.5"],
      ["exit_status", "0"],
      ["name", COMMISSIONING_SCRIPT],
      ["script_version_id", "1"],
    ],
    [
      [`${COMMISSIONING_SCRIPT}.out`, json],
      [`${COMMISSIONING_SCRIPT}.err`, Buffer.alloc(0)],
      [COMMISSIONING_SCRIPT, json],
    ],
  );
}

/** The two wires a machine reports hardware on, with one signature. */
export const WIRES = {
  push: (t: Pick<TestRegion, "origin">, creds: ApiCredentials, document: unknown) => push(t, creds, document),
  signal: signalHardware,
} as const;
export type Wire = keyof typeof WIRES;

/**
 * Every row a sync may write for one machine, every column, except those that move by
 * themselves with the heartbeat (last_sync, and sync_deadline and updated, which a trigger derives
 * from any write). The op=signal upload itself (script_results) is left out: storing it is the
 * signal's job, not the hardware record's.
 */
export async function fullSnapshot(db: Db, machineId: number): Promise<Record<string, unknown[]>> {
  const rows = async (sql: string) => (await db.query(sql, [machineId])).rows;
  const machines = (await rows("SELECT * FROM machines WHERE id = $1")).map((row) => {
    const { last_sync: _l, sync_deadline: _d, updated: _u, ...rest } = row as Record<string, unknown>;
    return rest;
  });
  return {
    machines,
    block_devices: await rows("SELECT * FROM block_devices WHERE machine_id = $1 ORDER BY id"),
    interfaces: await rows("SELECT * FROM interfaces WHERE machine_id = $1 ORDER BY id"),
    pci_devices: await rows("SELECT * FROM pci_devices WHERE machine_id = $1 ORDER BY id"),
    usb_devices: await rows("SELECT * FROM usb_devices WHERE machine_id = $1 ORDER BY id"),
    machine_tags: await rows("SELECT * FROM machine_tags WHERE machine_id = $1 ORDER BY tag_id"),
    machine_bmc: await rows("SELECT * FROM machine_bmc WHERE machine_id = $1"),
    hardware_syncs: await rows("SELECT * FROM hardware_syncs WHERE machine_id = $1 ORDER BY id"),
    events: await rows("SELECT * FROM events WHERE machine_id = $1 ORDER BY id"),
  };
}
