// Deploy, release and hardware syncs of one machine fired at the same moment, many times over, on
// PostgreSQL (where requests really run in parallel): every end state is one that some serial
// order of the same requests would produce.
import { type ApiCredentials, canonicalJson, HARDWARE_SYNC_PATH } from "@hwsync/shared";
import { encodePush, signedHeaders, signedPush, startTestRegion, type TestRegion } from "@hwsync/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { call, type DeployedMachine, deployMachine, payloadFor, report, scaled } from "./helpers.ts";

const ROUNDS = scaled(12, 120);
const API = "/MAAS/api/2.0";
const SEED = 5150;
const P = [0, 1, 2].map((variant) => payloadFor(SEED, variant));

type Devices = Record<string, string[]>;

describe("deploy, release and sync racing on one machine", { timeout: 180_000 }, () => {
  let t: TestRegion;
  let admin: ApiCredentials;
  /** The stored devices each payload produces, taken from a machine nobody races. */
  const reference: Devices[] = [];
  const figures: Record<string, Record<string, number>> = {};

  let started = 0;
  let verified = 0;
  /** Counts a round's outcome; call it when the round starts checking, `verified` after it passed. */
  const tallyOutcome = (scenario: string, outcome: string) => {
    started += 1;
    figures[scenario] ??= {};
    figures[scenario][outcome] = (figures[scenario][outcome] ?? 0) + 1;
  };

  async function devices(systemId: string): Promise<Devices> {
    const reply = await call(t.origin, `${API}/machines/${systemId}/?op=hardware`, { creds: admin });
    expect(reply.status).toBe(200);
    const hardware = reply.json();
    const rows = (list: Array<Record<string, unknown>>) =>
      list.map(({ id: _id, ...row }) => JSON.stringify(row)).sort();
    return {
      block_devices: rows(hardware.block_devices),
      interfaces: rows(hardware.interfaces.filter((nic: { is_virtual: boolean }) => !nic.is_virtual)),
      pci_devices: rows(hardware.pci_devices),
      usb_devices: rows(hardware.usb_devices),
    };
  }

  async function row(systemId: string) {
    const { rows } = await t.db.query<{
      id: number;
      status: number;
      enable_hw_sync: boolean;
      last_sync: Date | null;
      hardware_hash: string | null;
      owner_id: number | null;
      tokens: number;
      history: number;
    }>(
      `SELECT m.id, m.status, m.enable_hw_sync, m.last_sync, m.hardware_hash, m.owner_id,
              (SELECT count(*)::int FROM api_tokens WHERE machine_id = m.id) AS tokens,
              (SELECT count(*)::int FROM hardware_syncs WHERE machine_id = m.id) AS history
         FROM machines m WHERE m.system_id = $1`,
      [systemId],
    );
    return rows[0]!;
  }

  async function events(systemId: string, type: string): Promise<number> {
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events e JOIN machines m ON m.id = e.machine_id
        WHERE m.system_id = $1 AND e.type = $2`,
      [systemId, type],
    );
    return rows[0]!.n;
  }

  const release = (systemId: string) =>
    call(t.origin, `${API}/machines/${systemId}/?op=release`, { creds: admin, form: {} });
  const deploy = (systemId: string) =>
    call(t.origin, `${API}/machines/${systemId}/?op=deploy`, {
      creds: admin,
      form: { enable_hw_sync: "true" },
    });

  /** A deployed machine that has synced P[0] once. */
  async function syncedMachine(): Promise<DeployedMachine> {
    const machine = await deployMachine(t.origin, admin);
    expect((await signedPush(t.origin, machine.creds, P[0])).status).toBe(200);
    return machine;
  }

  beforeAll(async () => {
    t = await startTestRegion({ engine: "postgres" });
    admin = t.adminCredentials;
    const machine = await deployMachine(t.origin, admin);
    for (const payload of P) {
      expect((await signedPush(t.origin, machine.creds, payload)).status).toBe(200);
      reference.push(await devices(machine.systemId));
    }
  });

  afterAll(async () => {
    report("concurrency", {
      roundsPerRace: ROUNDS,
      outcomes: figures,
      consistent: verified,
      inconsistent: started - verified,
    });
    await t?.close();
  });

  test("a sync racing a release ends Ready with the hardware of the sync only if it was accepted", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const machine = await syncedMachine();
      const [pushed, released] = await Promise.all([
        signedPush(t.origin, machine.creds, P[1]),
        release(machine.systemId),
      ]);
      expect(released.status).toBe(200);
      expect([200, 401, 409]).toContain(pushed.status);
      tallyOutcome("sync vs release", pushed.status === 200 ? "sync first" : `sync refused ${pushed.status}`);
      const state = await row(machine.systemId);
      expect(state).toMatchObject({
        status: 4,
        enable_hw_sync: false,
        last_sync: null,
        hardware_hash: null,
        owner_id: null,
        tokens: 0,
      });
      expect(state.history).toBe(pushed.status === 200 ? 2 : 1);
      expect(await devices(machine.systemId)).toEqual(reference[pushed.status === 200 ? 1 : 0]);
      verified += 1;
    }
  });

  test("a sync with the old token racing release-then-redeploy never lands on the new deployment", async () => {
    // P1 padded with 7 MiB of JSON whitespace: it inflates for a while between authentication
    // and the row lock, the window in which a release and a redeploy can both commit.
    const padded = encodePush(
      Buffer.concat([Buffer.from(canonicalJson(P[1])), Buffer.alloc(7 * 1024 * 1024, 0x20)]),
    );
    for (let round = 0; round < ROUNDS; round++) {
      const machine = await syncedMachine();
      const headers = signedHeaders(padded, machine.creds);
      const [pushed, redeployed] = await Promise.all([
        call(t.origin, HARDWARE_SYNC_PATH, { body: padded.body, headers }),
        (async () => {
          expect((await release(machine.systemId)).status).toBe(200);
          return deploy(machine.systemId);
        })(),
      ]);
      expect(redeployed.status).toBe(200);
      expect([200, 401, 409]).toContain(pushed.status);
      tallyOutcome(
        "old-token sync vs redeploy",
        pushed.status === 200 ? "sync first" : `sync refused ${pushed.status}`,
      );
      const state = await row(machine.systemId);
      // The new deployment has not reported yet: no heartbeat, no hash, a fresh token.
      expect(state).toMatchObject({
        status: 9,
        enable_hw_sync: true,
        last_sync: null,
        hardware_hash: null,
        tokens: 1,
      });
      expect(state.history).toBe(pushed.status === 200 ? 2 : 1);
      expect(await devices(machine.systemId)).toEqual(reference[pushed.status === 200 ? 1 : 0]);
      verified += 1;
    }
  });

  test("two different syncs racing leave exactly one of them, matching its hash and the newest history entry", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const machine = await syncedMachine();
      const [one, two] = await Promise.all([
        signedPush(t.origin, machine.creds, P[1]),
        signedPush(t.origin, machine.creds, P[2]),
      ]);
      expect([one.status, two.status]).toEqual([200, 200]);
      const state = await row(machine.systemId);
      const winner = state.hardware_hash === one.json().content_hash ? 1 : 2;
      expect(state.hardware_hash).toBe([one, two][winner - 1]!.json().content_hash);
      tallyOutcome("sync vs sync", `P${winner} last`);
      expect(state.history).toBe(3);
      const history = await call(t.origin, `${API}/machines/${machine.systemId}/?op=hardware_history`, {
        creds: admin,
      });
      expect(history.json()[0].content_hash).toBe(state.hardware_hash);
      expect(await devices(machine.systemId)).toEqual(reference[winner]);
      verified += 1;
    }
  });

  test("a heartbeat racing a release never brings last_sync back", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const machine = await syncedMachine();
      const [beat, released] = await Promise.all([
        signedPush(t.origin, machine.creds, P[0]),
        release(machine.systemId),
      ]);
      expect(released.status).toBe(200);
      expect([200, 401, 409]).toContain(beat.status);
      tallyOutcome(
        "heartbeat vs release",
        beat.status === 200 ? "heartbeat first" : `heartbeat refused ${beat.status}`,
      );
      expect(await row(machine.systemId)).toMatchObject({
        status: 4,
        last_sync: null,
        hardware_hash: null,
        enable_hw_sync: false,
      });
      verified += 1;
    }
  });

  test("two deploys racing: one wins, one 409, one deployment recorded", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const systemId = await t.addMachine();
      const replies = await Promise.all([deploy(systemId), deploy(systemId)]);
      expect(replies.map((reply) => reply.status).sort()).toEqual([200, 409]);
      tallyOutcome("deploy vs deploy", "one won");
      expect(await events(systemId, "REQUEST_NODE_START_DEPLOYMENT")).toBe(1);
      expect((await row(systemId)).tokens).toBe(1);
      verified += 1;
    }
  });

  test("two releases racing: both answer 200, one release recorded", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const machine = await syncedMachine();
      const replies = await Promise.all([release(machine.systemId), release(machine.systemId)]);
      expect(replies.map((reply) => reply.status)).toEqual([200, 200]);
      tallyOutcome("release vs release", "both 200");
      expect(await events(machine.systemId, "REQUEST_NODE_RELEASE")).toBe(1);
      expect(await row(machine.systemId)).toMatchObject({ status: 4, tokens: 0 });
      verified += 1;
    }
  });
});
