import { gzipSync } from "node:zlib";
import { contentHash, formatMaasTimestamp } from "@hwsync/shared";
import { ENGINES, raw, useTestRegion } from "@hwsync/testkit";
import { describe, expect, test } from "vitest";
import { fakeClock } from "../../../src/clock.ts";
import { normalizePayload } from "../../../src/services/hardware-sync/normalize.ts";
import { agentBytes, changedX86, FIXTURE_NAMES, fixture, parsed } from "../../helpers/fixtures.ts";
import { deployedMachine, push, snapshot, withoutLastSync } from "../../helpers/sync-region.ts";

describe.each(ENGINES)("hardware push on %s", (engine) => {
  const t = useTestRegion({ engine, clock: fakeClock(new Date()) });

  test.each(FIXTURE_NAMES)("%s ingests cleanly and a repeat is unchanged", async (name) => {
    const machine = await deployedMachine(t, { syncInterval: "15m" });
    const document = fixture(name);
    const state = normalizePayload(parsed(document));
    const first = await push(t, machine.creds, document);
    expect(first.status).toBe(200);
    const result = first.json();
    expect(result).toMatchObject({
      changed: true,
      content_hash: contentHash(agentBytes(document)),
      status_name: "Deployed",
    });
    const snap = await snapshot(t.db, machine.machineId);
    expect((snap.blockDevices as unknown[]).length).toBe(state.blockDevices.length);
    expect((snap.interfaces as unknown[]).length).toBe(state.interfaces.length);
    expect((snap.pciDevices as unknown[]).length).toBe(state.pciDevices.length);
    expect((snap.usbDevices as unknown[]).length).toBe(state.usbDevices.length);
    expect(snap.machine).toMatchObject({
      status: 6,
      cpu_count: state.machine.cpuCount,
      memory: state.machine.memory,
    });
    const history = await raw(t, {
      path: `/MAAS/api/2.0/machines/${machine.systemId}/?op=hardware_history`,
      key: t.adminCredentials,
    });
    expect(history.json()).toHaveLength(1);
    expect(history.json()[0].changes).toHaveLength(result.changes);
    const syncEvents = (snap.events as Array<{ type: string }>).filter((e) =>
      e.type.startsWith("NODE_HARDWARE_SYNC_"),
    );
    expect(syncEvents).toHaveLength(result.changes);

    const again = await push(t, machine.creds, document);
    expect(again.json()).toMatchObject({ changed: false, changes: 0 });
    expect(withoutLastSync(await snapshot(t.db, machine.machineId))).toEqual(withoutLastSync(snap));
  });

  test("a removed disk, an added NIC and a plugged USB stick yield exactly those changes and events", async () => {
    const machine = await deployedMachine(t);
    expect((await push(t, machine.creds, fixture())).status).toBe(200);
    const before = await snapshot(t.db, machine.machineId);
    t.clock.advance(60);
    const second = await push(t, machine.creds, changedX86());
    expect(second.json()).toMatchObject({ changed: true, changes: 3 });
    const after = await snapshot(t.db, machine.machineId);
    const newEvents = (after.events as Array<{ id: number; description: string }>).slice(
      (before.events as unknown[]).length,
    );
    expect(newEvents.map((event) => event.description)).toEqual([
      `block device sdb was removed on node ${machine.systemId}`,
      `interface eth3 was added on node ${machine.systemId}`,
      `usb device 3:7 (Kingston Technology DataTraveler 3.0) was added on node ${machine.systemId}`,
    ]);
    const history = await raw(t, {
      path: `/MAAS/api/2.0/machines/${machine.systemId}/?op=hardware_history`,
      key: t.adminCredentials,
    });
    expect(history.json()[0]).toMatchObject({
      changes: [
        { kind: "block_device", action: "removed", name: "sdb" },
        { kind: "interface", action: "added", name: "eth3" },
        { kind: "usb_device", action: "added", name: "3:7" },
      ],
    });
    const view = await raw(t, {
      path: `/MAAS/api/2.0/machines/${machine.systemId}/?op=hardware`,
      key: t.adminCredentials,
    });
    expect(view.json().block_devices.map((disk: { name: string }) => disk.name)).toEqual(["sda"]);
    expect(view.json().interfaces.map((nic: { name: string }) => nic.name)).toEqual([
      "eth0",
      "eth1",
      "eth2",
      "eth3",
    ]);
  });

  test("the unchanged fast path writes only last_sync, without reading the body", async () => {
    const machine = await deployedMachine(t);
    const document = fixture();
    await push(t, machine.creds, document);
    const before = await snapshot(t.db, machine.machineId);
    t.clock.advance(900);
    // The declared hash matches the stored one, so the (garbage) body is never inflated or parsed.
    const reply = await push(t, machine.creds, Buffer.from("not gzip, not json"), {
      gzip: false,
      hash: contentHash(agentBytes(document)),
      headers: { "content-encoding": "gzip" },
    });
    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({
      changed: false,
      changes: 0,
      last_sync: formatMaasTimestamp(t.clock.now()),
    });
    const after = await snapshot(t.db, machine.machineId);
    expect(withoutLastSync(after)).toEqual(withoutLastSync(before));
    expect((after.machine as { last_sync: Date }).last_sync).toEqual(t.clock.now());
  });

  test("an unchanged body without a declared hash is still recognised by its own hash", async () => {
    const machine = await deployedMachine(t);
    await push(t, machine.creds, fixture());
    const before = await snapshot(t.db, machine.machineId);
    const reply = await push(t, machine.creds, fixture(), { hash: false });
    expect(reply.json()).toMatchObject({ changed: false, changes: 0 });
    expect(withoutLastSync(await snapshot(t.db, machine.machineId))).toEqual(withoutLastSync(before));
  });

  test("the push answers with the schedule the machine keeps", async () => {
    const machine = await deployedMachine(t, { syncInterval: "10m" });
    const reply = await push(t, machine.creds, fixture());
    const now = t.clock.now();
    expect(reply.json()).toMatchObject({
      last_sync: formatMaasTimestamp(now),
      next_sync: formatMaasTimestamp(new Date(now.getTime() + 600_000)),
      sync_interval: 600,
      status_name: "Deployed",
    });
  });

  test("health turns false once 1.5 × the interval has passed since the last sync", async () => {
    const machine = await deployedMachine(t, { syncInterval: "15m" });
    const read = async () =>
      (await raw(t, { path: `/MAAS/api/2.0/machines/${machine.systemId}/`, key: t.adminCredentials })).json();
    expect((await read()).is_sync_healthy).toBe(false);
    await push(t, machine.creds, fixture());
    expect(await read()).toMatchObject({ is_sync_healthy: true, status_name: "Deployed" });
    t.clock.advance(1350);
    expect((await read()).is_sync_healthy).toBe(true);
    t.clock.advance(1);
    expect((await read()).is_sync_healthy).toBe(false);
    await push(t, machine.creds, fixture());
    expect((await read()).is_sync_healthy).toBe(true);
  });

  test("a machine's token cannot push for another machine, and nothing changes", async () => {
    const a = await deployedMachine(t);
    const b = await deployedMachine(t);
    const before = await snapshot(t.db, b.machineId);
    const reply = await push(t, a.creds, fixture(), { query: `?system_id=${b.systemId}` });
    expect(reply.status).toBe(403);
    expect(reply.text).toContain(`belongs to machine ${a.systemId}`);
    expect(await snapshot(t.db, b.machineId)).toEqual(before);
    expect((await snapshot(t.db, a.machineId)).blockDevices).toEqual([]);
  });

  test.each([
    ["a user's API key", "user", 403, "Not authenticated as a known node."],
    ["no credentials", "none", 401, "Forbidden"],
  ])("%s cannot push", async (_what, who, status, text) => {
    const machine = await deployedMachine(t);
    const before = await snapshot(t.db, machine.machineId);
    const reply = await push(t, who === "user" ? t.adminCredentials : null, fixture());
    expect([reply.status, reply.text]).toEqual([status, text]);
    expect(await snapshot(t.db, machine.machineId)).toEqual(before);
  });

  test("a machine without hardware sync gets 409 and nothing changes", async () => {
    const machine = await deployedMachine(t, { enableHwSync: false });
    const before = await snapshot(t.db, machine.machineId);
    const reply = await push(t, machine.creds, fixture());
    expect(reply.status).toBe(409);
    expect(reply.text).toBe(
      `Hardware sync is not enabled for machine ${machine.systemId}. Deploy it with enable_hw_sync=true to report hardware.`,
    );
    expect(await snapshot(t.db, machine.machineId)).toEqual(before);
  });

  test("a machine that is neither Deployed nor Deploying gets 409 and nothing changes", async () => {
    const machine = await deployedMachine(t);
    await t.db.query("UPDATE machines SET status = 10 WHERE id = $1", [machine.machineId]);
    const before = await snapshot(t.db, machine.machineId);
    const reply = await push(t, machine.creds, fixture());
    expect([reply.status, reply.text]).toEqual([
      409,
      `Machine ${machine.systemId} is Allocated: hardware sync is accepted only from Deployed or Deploying machines.`,
    ]);
    expect(await snapshot(t.db, machine.machineId)).toEqual(before);
  });

  const badPayloads: Array<
    [string, () => { body: Buffer; options?: Parameters<typeof push>[3] }, number, RegExp]
  > = [
    ["invalid JSON", () => ({ body: Buffer.from("{not json") }), 400, /not valid JSON/],
    ["an empty body", () => ({ body: Buffer.alloc(0) }), 400, /Empty body/],
    [
      "a schema error",
      () => {
        const doc = fixture();
        doc.resources.storage.disks[0].size = "big";
        return { body: agentBytes(doc) };
      },
      400,
      /"resources\.storage\.disks\[0\]\.size"/,
    ],
    [
      "a wrong api_version",
      () => ({ body: agentBytes({ ...fixture(), api_version: "2.0" }) }),
      400,
      /"api_version"/,
    ],
    [
      "a number no column can hold",
      () => {
        const doc = fixture();
        doc.resources.usb.devices[0].bus_address = 2 ** 40;
        return { body: agentBytes(doc) };
      },
      400,
      /bus_address/,
    ],
    [
      "a hash that does not match the body",
      () => ({ body: agentBytes(fixture()), options: { hash: contentHash("something else") } }),
      400,
      /Content hash mismatch/,
    ],
    [
      "a malformed hash header",
      () => ({ body: agentBytes(fixture()), options: { hash: "md5:abc" } }),
      400,
      /sha256:/,
    ],
    [
      "a body that claims gzip but is not",
      () => ({
        body: agentBytes(changedX86()),
        options: { gzip: false, headers: { "content-encoding": "gzip" } },
      }),
      400,
      /does not inflate/,
    ],
    [
      "an unsupported encoding",
      () => ({
        body: agentBytes(changedX86()),
        options: { gzip: false, headers: { "content-encoding": "br" } },
      }),
      415,
      /Content-Encoding 'br'/,
    ],
    [
      "a body over the limit",
      () => ({ body: Buffer.alloc(9 * 1024 * 1024, 0x20), options: { gzip: false } }),
      413,
      /larger than/,
    ],
    [
      "a gzip bomb",
      () => ({
        body: gzipSync(Buffer.alloc(200 * 1024 * 1024, 0x20)),
        options: { gzip: false, hash: false, headers: { "content-encoding": "gzip" } },
      }),
      413,
      /once inflated/,
    ],
  ];
  test.each(badPayloads)("%s is refused and nothing changes", async (_what, make, status, text) => {
    const machine = await deployedMachine(t);
    await push(t, machine.creds, fixture());
    const before = await snapshot(t.db, machine.machineId);
    t.clock.advance(60);
    const { body, options } = make();
    const reply = await push(t, machine.creds, body, { gzip: false, ...options });
    expect(reply.status).toBe(status);
    expect(reply.text).toMatch(text);
    expect(await snapshot(t.db, machine.machineId)).toEqual(before);
  });

  test("concurrent pushes of one machine take turns: one applies, the rest are heartbeats", async () => {
    const machine = await deployedMachine(t);
    const replies = await Promise.all(Array.from({ length: 6 }, () => push(t, machine.creds, fixture())));
    expect(replies.map((reply) => reply.status)).toEqual(replies.map(() => 200));
    expect(replies.filter((reply) => reply.json().changed)).toHaveLength(1);
    const snap = await snapshot(t.db, machine.machineId);
    expect(snap.history).toHaveLength(1);
    expect((snap.blockDevices as unknown[]).length).toBe(2);
  });

  test("concurrent pushes of different payloads leave one consistent state", async () => {
    const machine = await deployedMachine(t);
    const documents = [fixture(), changedX86(), fixture(), changedX86()];
    const replies = await Promise.all(documents.map((document) => push(t, machine.creds, document)));
    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200]);
    const { rows } = await t.db.query<{ hardware_hash: string }>(
      "SELECT hardware_hash FROM machines WHERE id = $1",
      [machine.machineId],
    );
    const winner = rows[0]!.hardware_hash === contentHash(agentBytes(fixture())) ? fixture() : changedX86();
    const state = normalizePayload(parsed(winner));
    const snap = await snapshot(t.db, machine.machineId);
    expect((snap.usbDevices as unknown[]).length).toBe(state.usbDevices.length);
    expect((snap.interfaces as unknown[]).length).toBe(state.interfaces.length);
  });

  test("automatic tags follow the hardware after each sync", async () => {
    const gpu = `gpu_${engine}_${Date.now()}`;
    const usb = `usb_storage_${engine}_${Date.now()}`;
    await t.db.query(
      "INSERT INTO tags (name, definition) VALUES ($1, 'pci_devices[vendor_id=10de]'), ($2, 'usb_devices[vendor_id=0951]')",
      [gpu, usb],
    );
    const machine = await deployedMachine(t);
    const tagNames = async () =>
      (
        await t.db.query<{ name: string }>(
          "SELECT t.name FROM machine_tags mt JOIN tags t ON t.id = mt.tag_id WHERE mt.machine_id = $1 ORDER BY t.name",
          [machine.machineId],
        )
      ).rows.map((row) => row.name);
    await push(t, machine.creds, fixture());
    expect(await tagNames()).toEqual([gpu]);
    await push(t, machine.creds, changedX86());
    expect(await tagNames()).toEqual([gpu, usb].sort());
    const noGpu = changedX86();
    noGpu.resources.pci.devices = noGpu.resources.pci.devices.filter(
      (device: { vendor_id: string }) => device.vendor_id !== "10de",
    );
    await push(t, machine.creds, noGpu);
    expect(await tagNames()).toEqual([usb]);
  });
});
