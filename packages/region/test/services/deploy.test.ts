import { type ApiError, NodeStatus } from "@hwsync/shared";
import { apiClient, apiFailure, ENGINES, raw, useTestRegion } from "@hwsync/testkit";
import { describe, expect, test } from "vitest";
import { fakeClock } from "../../src/clock.ts";
import { getMachineBySystemId, updateMachine } from "../../src/db/machines.ts";
import { startRegion } from "../../src/server.ts";
import { addMachine, pythonCliMultipart } from "../helpers/api.ts";

type Machine = Record<string, unknown> & { system_id: string };

describe.each(ENGINES)("deploy and release on %s", (engine) => {
  const t = useTestRegion({ engine, clock: fakeClock(new Date()) });

  const deploy = (id: string, form: Record<string, string> = {}) =>
    t.admin.post<Machine>(`machines/${id}/`, "deploy", form).then((r) => r.body);

  test("deploy with enable_hw_sync allocates, snapshots the global interval and waits in Deploying", async () => {
    const machine = await addMachine(t);
    const body = await deploy(machine.system_id, { enable_hw_sync: "true" });
    expect(body).toMatchObject({
      status: NodeStatus.DEPLOYING,
      status_name: "Deploying",
      osystem: "ubuntu",
      distro_series: "noble",
      enable_hw_sync: true,
      sync_interval: 900,
      last_sync: null,
      next_sync: null,
      is_sync_healthy: false,
    });
    expect(body.owner).toMatch(/^admin_/);
  });

  test.each([
    ["true", true],
    ["Yes", true],
    ["on", true],
    ["1", true],
    ["f", false],
    ["OFF", false],
    ["0", false],
  ])("enable_hw_sync=%s deploys with hw sync %s", async (value, enabled) => {
    const machine = await addMachine(t);
    const body = await deploy(machine.system_id, { enable_hw_sync: value });
    expect(body.enable_hw_sync).toBe(enabled);
    expect(body.sync_interval).toBe(enabled ? 900 : null);
  });

  test("an unknown machine is a 404 even when the form is bad too", async () => {
    const error = await apiFailure(t.admin.post("machines/nosuch/", "deploy", { enable_hw_sync: "maybe" }));
    expect([error.status, error.body]).toEqual([404, "No Machine matches the given query."]);
  });

  test("an unreadable enable_hw_sync is MAAS's text 400 and changes nothing", async () => {
    const machine = await addMachine(t);
    const response = await raw(t.region, {
      path: `/MAAS/api/2.0/machines/${machine.system_id}/?op=deploy`,
      key: t.adminKey,
      form: { enable_hw_sync: "maybe" },
    });
    expect([response.status, response.text]).toEqual([
      400,
      "Invalid enable_hw_sync: Value should be 'true' or 'false'",
    ]);
    expect((await getMachineBySystemId(t.db, machine.system_id))!.status).toBe(NodeStatus.READY);
  });

  test.each([
    ["120", 120],
    ["15m", 900],
    ["1h30m", 5400],
    ["2 hours", 7200],
  ])("sync_interval=%s (our extension) is stored as %i seconds", async (value, seconds) => {
    const machine = await addMachine(t);
    expect(
      (await deploy(machine.system_id, { enable_hw_sync: "true", sync_interval: value })).sync_interval,
    ).toBe(seconds);
  });

  test.each([
    [
      { enable_hw_sync: "true", sync_interval: "1 year" },
      "sync_interval",
      /'1 year' is not a valid interval/,
    ],
    [{ enable_hw_sync: "true", sync_interval: "0" }, "sync_interval", /positive/],
    [{ sync_interval: "15m" }, "sync_interval", /only applies with enable_hw_sync=true/],
    [{ user_data: "not base64!" }, "user_data", /base64/],
    [{ osystem: "Ubuntu Linux" }, "osystem", /not a valid operating system/],
  ])("deploy with %o is a 400 naming %s", async (form, field, message) => {
    const machine = await addMachine(t);
    const error = await apiFailure(t.admin.post(`machines/${machine.system_id}/`, "deploy", form));
    expect(error.status).toBe(400);
    expect((error.body as Record<string, string[]>)[field]?.[0]).toMatch(message);
  });

  test("hw sync on a non-Linux OS is refused with MAAS's JSON body; without hw sync it deploys", async () => {
    const machine = await addMachine(t);
    const response = await raw(t.region, {
      path: `/MAAS/api/2.0/machines/${machine.system_id}/?op=deploy`,
      key: t.adminKey,
      form: { enable_hw_sync: "true", osystem: "windows", distro_series: "win2022" },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.json()).toEqual({
      enable_hw_sync: ["Hardware sync is only supported for Linux based image deploys."],
    });
    expect((await deploy(machine.system_id, { osystem: "windows", distro_series: "win2022" })).osystem).toBe(
      "windows",
    );
  });

  test("the interval comes from hardware_sync_interval at deploy time, later changes leave it", async () => {
    await t.admin.post("maas/", "set_config", { name: "hardware_sync_interval", value: "30m" });
    try {
      const machine = await addMachine(t);
      expect((await deploy(machine.system_id, { enable_hw_sync: "true" })).sync_interval).toBe(1800);
      await t.admin.post("maas/", "set_config", { name: "hardware_sync_interval", value: "5m" });
      const { body } = await t.admin.get<Machine>(`machines/${machine.system_id}/`);
      expect(body.sync_interval).toBe(1800);
    } finally {
      await t.admin.post("maas/", "set_config", { name: "hardware_sync_interval", value: "15m" });
    }
  });

  test("deploy reads the Python CLI's base64 multipart parts, user_data included", async () => {
    const machine = await addMachine(t);
    const cloudConfig = "#cloud-config\npackages: [htop]\n";
    const { body, contentType } = pythonCliMultipart([
      ["enable_hw_sync", "true"],
      ["distro_series", "jammy"],
      ["user_data", Buffer.from(cloudConfig).toString("base64")],
    ]);
    const response = await raw(t.region, {
      path: `/MAAS/api/2.0/machines/${machine.system_id}/?op=deploy`,
      key: t.adminKey,
      body,
      headers: { "content-type": contentType },
    });
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ enable_hw_sync: true, distro_series: "jammy" });
    expect((await getMachineBySystemId(t.db, machine.system_id))!.userData).toBe(cloudConfig);
  });

  test("a machine that is not Ready or Allocated cannot be deployed (409)", async () => {
    const machine = await addMachine(t);
    await deploy(machine.system_id);
    const error = await apiFailure(t.admin.post(`machines/${machine.system_id}/`, "deploy", {}));
    expect([error.status, error.body]).toEqual([
      409,
      "Can't deploy a machine that is in the 'Deploying' state",
    ]);
  });

  test("concurrent deploys of one machine serialise: one wins, the other gets 409", async () => {
    const machine = await addMachine(t);
    const results = await Promise.allSettled([
      deploy(machine.system_id, { enable_hw_sync: "true" }),
      deploy(machine.system_id, { enable_hw_sync: "true" }),
      deploy(machine.system_id, { enable_hw_sync: "true" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected.map((r) => (r.reason as ApiError).status)).toEqual([409, 409]);
  });

  test("release resets hw sync, deletes the token so the agent gets 401, and ends in Ready", async () => {
    const machine = await addMachine(t);
    await deploy(machine.system_id, { enable_hw_sync: "true" });
    const token = (await t.admin.get<Record<string, string>>(`machines/${machine.system_id}/`, "get_token"))
      .body;
    const row = (await getMachineBySystemId(t.db, machine.system_id))!;
    await updateMachine(t.db, row.id, {
      status: NodeStatus.DEPLOYED,
      lastSync: t.clock.now(),
      hardwareHash: "sha256:x",
    });
    const released = (
      await t.admin.post<Machine>(`machines/${machine.system_id}/`, "release", { comment: "done" })
    ).body;
    expect(released).toMatchObject({
      status: NodeStatus.READY,
      status_name: "Ready",
      owner: null,
      osystem: "",
      enable_hw_sync: false,
      sync_interval: null,
      last_sync: null,
      next_sync: null,
    });
    expect((await getMachineBySystemId(t.db, machine.system_id))!.hardwareHash).toBeNull();
    expect((await t.admin.get(`machines/${machine.system_id}/`, "get_token")).body).toBeNull();
    const agent = await raw(t.region, {
      path: "/MAAS/metadata/2012-03-01/",
      key: `${token.consumer_key}:${token.token_key}:${token.token_secret}`,
    });
    expect(agent.status).toBe(401);
    expect(agent.text).toBe(`Authorization Error: 'Invalid access token: ${token.token_key}'`);
    // Releasing a Ready machine is a no-op, as in MAAS.
    expect((await t.admin.post<Machine>(`machines/${machine.system_id}/`, "release")).body.status).toBe(
      NodeStatus.READY,
    );
  });

  test("release drops virtual interfaces and keeps physical ones", async () => {
    const machine = await addMachine(t);
    await deploy(machine.system_id, { enable_hw_sync: "true" });
    const row = (await getMachineBySystemId(t.db, machine.system_id))!;
    await t.db.query(
      `INSERT INTO interfaces (machine_id, name, mac_address, type, is_virtual, sriov_pf)
       VALUES ($1, 'eth0v0', NULL, 'physical', true, 'eth0'), ($1, 'br0', NULL, 'bridge', true, NULL)`,
      [row.id],
    );
    const released = (await t.admin.post<Machine>(`machines/${machine.system_id}/`, "release")).body;
    expect((released.interface_set as Array<{ name: string }>).map((nic) => nic.name)).toEqual(["eth0"]);
  });

  test("release from a state MAAS cannot release is 409 with its message", async () => {
    const machine = await addMachine(t);
    const row = (await getMachineBySystemId(t.db, machine.system_id))!;
    await updateMachine(t.db, row.id, { status: NodeStatus.NEW });
    const error = await apiFailure(t.admin.post(`machines/${machine.system_id}/`, "release"));
    expect([error.status, error.body]).toEqual([
      409,
      "Machine cannot be released in its current state ('New').",
    ]);
  });

  test("a redeploy takes enable_hw_sync from the new request only (LP:2033632)", async () => {
    const machine = await addMachine(t);
    await deploy(machine.system_id, { enable_hw_sync: "true" });
    await t.admin.post(`machines/${machine.system_id}/`, "release");
    const again = await deploy(machine.system_id);
    expect([again.enable_hw_sync, again.sync_interval]).toEqual([false, null]);
  });

  test("deploy and release are recorded as events with the user's name", async () => {
    const machine = await addMachine(t);
    await deploy(machine.system_id, { enable_hw_sync: "true", comment: "ticket 42" });
    await t.admin.post(`machines/${machine.system_id}/`, "release");
    const { rows } = await t.db.query<{ type: string; description: string; username: string | null }>(
      "SELECT type, description, username FROM events WHERE system_id = $1 ORDER BY id",
      [machine.system_id],
    );
    expect(rows.map((row) => row.type)).toEqual([
      "NODE_CHANGED_STATUS",
      "REQUEST_NODE_START_DEPLOYMENT",
      "REQUEST_NODE_RELEASE",
    ]);
    expect(rows[1]!.description).toBe("Deploying ubuntu noble with hardware sync every 900 s (ticket 42)");
    expect(rows[1]!.username).toMatch(/^admin_/);
  });

  test("with deployImmediately a deploy ends in Deployed, but never synced nor healthy before a hardware report", async () => {
    const region = await startRegion({ db: t.db, clock: t.clock, config: { deployImmediately: true } });
    try {
      const machine = await addMachine(t);
      const admin = apiClient(region, t.adminKey);
      const { body } = await admin.post<Machine>(`machines/${machine.system_id}/`, "deploy", {
        enable_hw_sync: "true",
      });
      // MAAS sets last_sync when a deployment ends; we set it only when hardware is applied, so a
      // machine nothing was heard from is not shown as "synced just now" and healthy.
      expect(body).toMatchObject({
        status: NodeStatus.DEPLOYED,
        status_name: "Deployed",
        status_message: "Deployed",
        is_sync_healthy: false,
        last_sync: null,
        next_sync: null,
      });
    } finally {
      await region.close();
    }
  });
});
