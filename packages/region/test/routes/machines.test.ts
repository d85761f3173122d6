import { NodeStatus } from "@hwsync/shared";
import { apiClient, apiFailure, ENGINES, raw, uniqueMac, uniqueName, useTestRegion } from "@hwsync/testkit";
import { describe, expect, test } from "vitest";
import { fakeClock } from "../../src/clock.ts";
import { getMachineBySystemId, updateMachine } from "../../src/db/machines.ts";
import { addMachine } from "../helpers/api.ts";

describe.each(ENGINES)("machines/ on %s", (engine) => {
  const t = useTestRegion({ engine, clock: fakeClock(new Date()) });

  test("create adds a Ready machine with its MACs as interfaces, in MAAS's field names", async () => {
    const mac = uniqueMac();
    const hostname = uniqueName("web").replace(/_/g, "-");
    const { body } = await t.admin.post<Record<string, unknown>>("machines/", undefined, {
      hostname,
      architecture: "arm64",
      mac_addresses: mac.toUpperCase(),
    });
    expect(body).toMatchObject({
      hostname,
      fqdn: `${hostname}.maas`,
      status: NodeStatus.READY,
      status_name: "Ready",
      architecture: "arm64/generic",
      power_type: "manual",
      owner: null,
      enable_hw_sync: false,
      sync_interval: null,
      last_sync: null,
      next_sync: null,
      is_sync_healthy: false,
      cpu_count: 0,
      memory: 0,
      storage: 0,
      physicalblockdevice_set: [],
      pci_devices: [],
      usb_devices: [],
      resource_uri: `/MAAS/api/2.0/machines/${body.system_id}/`,
    });
    expect(body.system_id).toMatch(/^[a-z0-9]{6}$/);
    expect(body.interface_set).toEqual([
      expect.objectContaining({ name: "eth0", mac_address: mac, type: "physical" }),
    ]);
    expect(body.hardware_info).toMatchObject({ system_vendor: "Unknown", cpu_model: "Unknown" });
  });

  test.each([
    [{ hostname: "bad_host!" }, "hostname", /not a valid hostname/],
    [{ architecture: "sparc" }, "architecture", /not a valid architecture/],
    [{ mac_addresses: "not-a-mac" }, "mac_addresses", /not a valid MAC address/],
    [{ mac_addresses: "" }, "mac_addresses", /This field is required/],
  ])("create with %o is a 400 naming %s", async (form, field, message) => {
    const error = await apiFailure(
      t.admin.post("machines/", undefined, { mac_addresses: uniqueMac(), ...form }),
    );
    expect(error.status).toBe(400);
    expect((error.body as Record<string, string[]>)[field]?.[0]).toMatch(message);
  });

  test("create refuses a taken hostname and a MAC another machine has", async () => {
    const first = await addMachine(t);
    const sameHost = await apiFailure(
      t.admin.post("machines/", undefined, { hostname: first.hostname, mac_addresses: uniqueMac() }),
    );
    expect(sameHost.status).toBe(400);
    expect(sameHost.body).toEqual({ hostname: [expect.stringContaining("already exists")] });
    const mac = (first.interface_set as Array<{ mac_address: string }>)[0]!.mac_address;
    const sameMac = await apiFailure(t.admin.post("machines/", undefined, { mac_addresses: mac }));
    expect(sameMac.body).toEqual({
      mac_addresses: [`MAC address ${mac} already in use on another machine.`],
    });
  });

  test("only admins create machines", async () => {
    const error = await apiFailure(t.user.post("machines/", undefined, { mac_addresses: uniqueMac() }));
    expect(error.status).toBe(403);
    expect(error.body).toBe("This method is reserved for admin users.");
  });

  test("an unsigned list is MAAS's 400, an unsigned create a 401", async () => {
    const list = await raw(t.region, { path: "/MAAS/api/2.0/machines/" });
    expect([list.status, list.text]).toEqual([400, "Unrecognised signature: method=GET op=None"]);
    const create = await raw(t.region, {
      path: "/MAAS/api/2.0/machines/",
      form: { mac_addresses: uniqueMac() },
    });
    expect(create.status).toBe(401);
  });

  test("read returns one machine and 404s MAAS's way for an unknown one", async () => {
    const machine = await addMachine(t);
    const { body } = await t.user.get<Record<string, unknown>>(`machines/${machine.system_id}/`);
    expect(body.system_id).toBe(machine.system_id);
    const missing = await raw(t.region, { path: "/MAAS/api/2.0/machines/zzzzzz/", key: t.adminKey });
    expect([missing.status, missing.text]).toEqual([404, "No Machine matches the given query."]);
  });

  test("list filters by id, hostname and status (name or number), repeatable", async () => {
    const a = await addMachine(t);
    const b = await addMachine(t);
    const byId = await t.admin.get<Array<{ system_id: string }>>("machines/", undefined, [
      ["id", a.system_id],
      ["id", b.system_id],
    ]);
    expect(byId.body.map((m) => m.system_id).sort()).toEqual([a.system_id, b.system_id].sort());
    const byHost = await t.admin.get<Array<{ system_id: string }>>("machines/", undefined, {
      hostname: b.hostname,
    });
    expect(byHost.body.map((m) => m.system_id)).toEqual([b.system_id]);
    for (const status of ["ready", "Ready", "4"]) {
      const byStatus = await t.admin.get<Array<{ system_id: string }>>("machines/", undefined, {
        id: a.system_id,
        status,
      });
      expect(byStatus.body).toHaveLength(1);
    }
    const deployed = await t.admin.get<unknown[]>("machines/", undefined, {
      id: a.system_id,
      status: "deployed",
    });
    expect(deployed.body).toEqual([]);
    const bad = await apiFailure(t.admin.get("machines/", undefined, { status: "sleeping" }));
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body as object)).toEqual(["status"]);
  });

  test("an unknown op is 400 'Unrecognised signature'", async () => {
    const machine = await addMachine(t);
    for (const [method, path, body] of [
      ["GET", "/MAAS/api/2.0/machines/?op=foo", undefined],
      ["GET", `/MAAS/api/2.0/machines/${machine.system_id}/?op=foo`, undefined],
      ["POST", `/MAAS/api/2.0/machines/${machine.system_id}/`, ""],
      ["PUT", `/MAAS/api/2.0/machines/${machine.system_id}/`, ""],
    ] as const) {
      const response = await raw(t.region, { method, path, key: t.adminKey, body });
      const op = path.includes("op=foo") ? "foo" : "None";
      expect([response.status, response.text]).toEqual([
        400,
        `Unrecognised signature: method=${method} op=${op}`,
      ]);
    }
  });

  test("sync_unhealthy lists hw-sync machines never synced or overdue by 1.5 x interval", async () => {
    const fresh = await addMachine(t);
    const never = await addMachine(t);
    const plain = await addMachine(t);
    await t.admin.post(`machines/${fresh.system_id}/`, "deploy", {
      enable_hw_sync: "true",
      sync_interval: "600",
    });
    await t.admin.post(`machines/${never.system_id}/`, "deploy", {
      enable_hw_sync: "true",
      sync_interval: "600",
    });
    await t.admin.post(`machines/${plain.system_id}/`, "deploy", {});
    const row = (await getMachineBySystemId(t.db, fresh.system_id))!;
    await updateMachine(t.db, row.id, { lastSync: t.clock.now() });
    const ids = [fresh.system_id, never.system_id, plain.system_id];
    const unhealthy = async () => {
      const query: Array<[string, string]> = [
        ["sync_unhealthy", "true"],
        ...ids.map((id): [string, string] => ["id", id]),
      ];
      const { body } = await t.admin.get<Array<{ system_id: string }>>("machines/", undefined, query);
      return body.map((m) => m.system_id).sort();
    };
    expect(await unhealthy()).toEqual([never.system_id]);
    t.clock.advance(900); // exactly 1.5 x 600 s: still healthy
    expect(await unhealthy()).toEqual([never.system_id]);
    t.clock.advance(1);
    expect(await unhealthy()).toEqual([fresh.system_id, never.system_id].sort());
    const { body } = await t.admin.get<Record<string, unknown>>(`machines/${fresh.system_id}/`);
    expect(body.is_sync_healthy).toBe(false);
  });

  test("non-admins see and deploy only unowned machines and their own", async () => {
    const mine = await addMachine(t);
    const theirs = await addMachine(t);
    await t.user.post(`machines/${mine.system_id}/`, "deploy", {});
    await t.admin.post(`machines/${theirs.system_id}/`, "deploy", {});
    const { body } = await t.user.get<Array<{ system_id: string }>>("machines/", undefined, [
      ["id", mine.system_id],
      ["id", theirs.system_id],
    ]);
    expect(body.map((m) => m.system_id)).toEqual([mine.system_id]);
    expect((await apiFailure(t.user.get(`machines/${theirs.system_id}/`))).status).toBe(404);
    expect((await apiFailure(t.user.post(`machines/${theirs.system_id}/`, "release"))).status).toBe(404);
    const adminView = await t.admin.get<Array<{ system_id: string }>>("machines/", undefined, [
      ["id", mine.system_id],
      ["id", theirs.system_id],
    ]);
    expect(adminView.body).toHaveLength(2);
  });

  test("get_token is admin-only and null before the first deploy", async () => {
    const machine = await addMachine(t);
    const before = await raw(t.region, {
      path: `/MAAS/api/2.0/machines/${machine.system_id}/?op=get_token`,
      key: t.adminKey,
    });
    expect([before.status, before.text, before.headers.get("content-type")]).toEqual([
      200,
      "null",
      "application/json",
    ]);
    await t.admin.post(`machines/${machine.system_id}/`, "deploy", { enable_hw_sync: "yes" });
    const after = await t.admin.get<Record<string, string>>(`machines/${machine.system_id}/`, "get_token");
    expect(Object.keys(after.body).sort()).toEqual(["consumer_key", "token_key", "token_secret"]);
    expect(after.body.token_secret).toHaveLength(32);
    expect((await apiFailure(t.user.get(`machines/${machine.system_id}/`, "get_token"))).status).toBe(403);
  });

  test("a machine token cannot use the user API", async () => {
    const machine = await addMachine(t);
    await t.admin.post(`machines/${machine.system_id}/`, "deploy", { enable_hw_sync: "true" });
    const token = (await t.admin.get<Record<string, string>>(`machines/${machine.system_id}/`, "get_token"))
      .body;
    const agent = apiClient(t.region, `${token.consumer_key}:${token.token_key}:${token.token_secret}`);
    const error = await apiFailure(agent.get("machines/"));
    expect(error.status).toBe(401);
  });
});
