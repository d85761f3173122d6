// The machines list's filters exactly as MAAS's CLI sends them (`maas P machines read zone=lab
// tags=gpu` → GET machines/?zone=lab&tags=gpu) and as the WebSocket's machine.list takes them.
// The dangerous case first: a filter that cannot be honoured must never list every machine.
import { buildAuthorizationHeader, parseApiKey } from "@hwsync/shared";
import { apiFailure, ENGINES, raw, uniqueMac, uniqueName, useTestRegion } from "@hwsync/testkit";
import { beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { fakeClock } from "../../src/clock.ts";
import { getMachineBySystemId, updateMachine } from "../../src/db/machines.ts";
import { addMachine } from "../helpers/api.ts";

type Machine = { system_id: string; hostname: string };

describe.each(ENGINES)("machines read filters on %s", (engine) => {
  const t = useTestRegion({ engine, clock: fakeClock(new Date()) });
  const zone = uniqueName("lab").replace(/_/g, "-");
  const pool = uniqueName("batch").replace(/_/g, "-");
  const gpu = uniqueName("gpu");
  const nvme = uniqueName("nvme");
  let inLab: Machine;
  let inPool: Machine;
  let plain: Machine;
  let all: string[];

  /** GET machines/ with the query MAAS's CLI builds, limited to this file's machines. */
  const list = async (query: Array<[string, string]>): Promise<string[]> => {
    const { body } = await t.admin.get<Machine[]>("machines/", undefined, query);
    return body
      .map((machine) => machine.system_id)
      .filter((id) => all.includes(id))
      .sort();
  };
  const failure = async (query: Array<[string, string]>) => {
    const error = await apiFailure(t.admin.get("machines/", undefined, query));
    expect(error.status).toBe(400);
    return error.body;
  };

  beforeAll(async () => {
    await t.admin.post("zones/", undefined, { name: zone, description: "the lab" });
    await t.admin.post("resourcepools/", undefined, { name: pool });
    await t.admin.post("tags/", undefined, { name: gpu });
    await t.admin.post("tags/", undefined, { name: nvme });
    inLab = await addMachine(t, { zone, architecture: "arm64/generic" });
    inPool = await addMachine(t, { pool });
    plain = await addMachine(t);
    all = [inLab.system_id, inPool.system_id, plain.system_id].sort();
    await t.admin.post(`tags/${gpu}/`, "update_nodes", { add: [inLab.system_id, inPool.system_id] });
    await t.admin.post(`tags/${nvme}/`, "update_nodes", { add: inLab.system_id });
  });

  test("an unknown parameter is MAAS's 400 'No such constraint.', never the whole fleet", async () => {
    const response = await raw(t.region, { path: "/MAAS/api/2.0/machines/?zonee=lab", key: t.adminKey });
    expect([response.status, response.json()]).toEqual([400, { zonee: ["No such constraint."] }]);
    expect(response.headers.get("content-type")).toBe("application/json");
    for (const name of ["__proto__", "constructor", "toString"]) {
      const hostile = await raw(t.region, { path: `/MAAS/api/2.0/machines/?${name}=x`, key: t.adminKey });
      expect([hostile.status, hostile.json()]).toEqual([400, { [name]: ["No such constraint."] }]);
    }
  });

  test("zone and not_in_zone; a zone that does not exist is MAAS's 400", async () => {
    expect(await list([["zone", zone]])).toEqual([inLab.system_id]);
    expect(await list([["not_in_zone", zone]])).toEqual([inPool.system_id, plain.system_id].sort());
    expect(await list([["zone", "default"]])).toEqual([inPool.system_id, plain.system_id].sort());
    expect(await failure([["zone", "nosuch"]])).toEqual({ zone: ["No such zone(s): nosuch."] });
    expect(
      await failure([
        ["zone", "zz"],
        ["zone", "aa"],
      ]),
    ).toEqual({ zone: ["No such zone(s): aa, zz."] });
    expect(await failure([["not_in_zone", "nosuch"]])).toEqual({ not_in_zone: ["No such zone(s): nosuch."] });
  });

  test("pool and not_in_pool, with MAAS's 'No such pool(s)'", async () => {
    expect(await list([["pool", pool]])).toEqual([inPool.system_id]);
    expect(await list([["not_in_pool", pool]])).toEqual([inLab.system_id, plain.system_id].sort());
    expect(await failure([["pool", "nosuch"]])).toEqual({ pool: ["No such pool(s): nosuch."] });
  });

  test("tags needs every tag (comma or space separated too); not_tags any; an unknown tag is a 400", async () => {
    expect(await list([["tags", gpu]])).toEqual([inLab.system_id, inPool.system_id].sort());
    expect(
      await list([
        ["tags", gpu],
        ["tags", nvme],
      ]),
    ).toEqual([inLab.system_id]);
    expect(await list([["tags", `${gpu},${nvme}`]])).toEqual([inLab.system_id]);
    expect(await list([["tags", `${gpu} ${nvme}`]])).toEqual([inLab.system_id]);
    expect(await list([["not_tags", nvme]])).toEqual([inPool.system_id, plain.system_id].sort());
    expect(await failure([["tags", `${gpu},nosuch`]])).toEqual({ tags: ["No such tag(s): 'nosuch'."] });
  });

  test("owner and not_owner; an owner that does not exist is a 400", async () => {
    await t.admin.post(`machines/${plain.system_id}/`, "deploy", {});
    try {
      expect(await list([["owner", t.adminName]])).toEqual([plain.system_id]);
      expect(await list([["not_owner", t.adminName]])).toEqual([inLab.system_id, inPool.system_id].sort());
      expect(await failure([["owner", "nosuch"]])).toEqual({ owner: ["No such owner: 'nosuch'."] });
    } finally {
      await t.admin.post(`machines/${plain.system_id}/`, "release");
    }
  });

  test("mac_address matches an interface; a malformed one is a 400", async () => {
    const mac = uniqueMac();
    const withMac = await addMachine(t, { mac_addresses: mac });
    const { body } = await t.admin.get<Machine[]>("machines/", undefined, { mac_address: mac.toUpperCase() });
    expect(body.map((machine) => machine.system_id)).toEqual([withMac.system_id]);
    expect(await failure([["mac_address", "not-a-mac"]])).toEqual({
      mac_address: ["Invalid MAC address(es): not-a-mac"],
    });
  });

  test("status and simple_status take MAAS's names; a bad one is Django's invalid-choice text", async () => {
    expect(await list([["status", "ready"]])).toEqual(all);
    expect(await list([["status", "=ready"]])).toEqual(all);
    expect(await list([["not_status", "ready"]])).toEqual([]);
    expect(await list([["simple_status", "ready"]])).toEqual(all);
    expect(await list([["simple_status", "failed"]])).toEqual([]);
    expect(
      await list([
        ["status", "ready"],
        ["simple_status", "deployed"],
      ]),
    ).toEqual([]);
    expect(await failure([["status", "sleeping"]])).toEqual({
      status: ["Select a valid choice. sleeping is not one of the available choices."],
    });
    expect(await failure([["simple_status", "sleeping"]])).toEqual({
      simple_status: ["Select a valid choice. sleeping is not one of the available choices."],
    });
  });

  test("arch expands a primary architecture; an unknown one is 'Architecture not recognised.'", async () => {
    expect(await list([["arch", "arm64"]])).toEqual([inLab.system_id]);
    expect(await list([["arch", "arm64/generic"]])).toEqual([inLab.system_id]);
    expect(await list([["not_arch", "arm64/generic"]])).toEqual([inPool.system_id, plain.system_id].sort());
    expect(await failure([["arch", "sparc"]])).toEqual({ arch: ["Architecture not recognised."] });
  });

  test("id, hostname, domain and agent_name, with their not_ forms", async () => {
    expect(await list([["id", inLab.system_id]])).toEqual([inLab.system_id]);
    expect(await list([["not_id", inLab.system_id]])).toEqual([inPool.system_id, plain.system_id].sort());
    expect(await list([["hostname", plain.hostname]])).toEqual([plain.system_id]);
    expect(await list([["not_hostname", plain.hostname]])).toEqual(
      [inLab.system_id, inPool.system_id].sort(),
    );
    expect(await list([["domain", "maas"]])).toEqual(all);
    expect(await list([["domain", "example.com"]])).toEqual([]);
    expect(await list([["not_domain", "maas"]])).toEqual([]);
    expect(await list([["agent_name", "juju"]])).toEqual([]);
    expect(await list([["not_agent_name", "juju"]])).toEqual(all);
  });

  test("agent_name is what deploy was given (Juju lists its machines by it); release clears it", async () => {
    const machine = await addMachine(t);
    all.push(machine.system_id);
    try {
      await t.admin.post(`machines/${machine.system_id}/`, "deploy", { agent_name: "juju-model-1" });
      expect(await list([["agent_name", "juju-model-1"]])).toEqual([machine.system_id]);
      await t.admin.post(`machines/${machine.system_id}/`, "release");
      expect(await list([["agent_name", "juju-model-1"]])).toEqual([]);
    } finally {
      all.pop();
    }
  });

  test("cpu_count, mem and cpu_speed are minimums; a non-number is MAAS's 400", async () => {
    const row = (await getMachineBySystemId(t.db, inPool.system_id))!;
    await updateMachine(t.db, row.id, { cpuCount: 16, memory: 65536, cpuSpeed: 2400 });
    expect(await list([["cpu_count", "8"]])).toEqual([inPool.system_id]);
    expect(await list([["mem", "65536"]])).toEqual([inPool.system_id]);
    expect(await list([["cpu_speed", "3000"]])).toEqual([]);
    expect(await failure([["cpu_count", "many"]])).toEqual({
      cpu_count: ["Invalid CPU count: number required."],
    });
    expect(await failure([["mem", "lots"]])).toEqual({ mem: ["Invalid memory: number of MiB required."] });
  });

  test("things this region has none of: pods match nothing, VLANs and subnets are MAAS's 400", async () => {
    expect(await list([["pod", "kvm-1"]])).toEqual([]);
    expect(await list([["not_pod", "kvm-1"]])).toEqual(all);
    expect(await list([["power_state", "on"]])).toEqual([]);
    expect(await list([["power_state", "unknown"]])).toEqual(all);
    expect(await failure([["vlans", "vid:10"]])).toEqual({ vlans: ["No matching VLANs found."] });
    expect(await failure([["subnets", "10.0.0.0/24"]])).toEqual({ subnets: ["No matching subnets found."] });
    const storage = (await failure([["storage", "root:100"]])) as Record<string, string[]>;
    expect(storage.storage?.[0]).toMatch(/does not model storage layouts/);
  });

  test("every problem comes back in one body; OAuth parameters in the query are not filters", async () => {
    expect(
      await failure([
        ["zone", "nosuch"],
        ["colour", "red"],
      ]),
    ).toEqual({ zone: ["No such zone(s): nosuch."], colour: ["No such constraint."] });
    const response = await raw(t.region, {
      path: `/MAAS/api/2.0/machines/?id=${inLab.system_id}&oauth_version=1.0`,
      key: t.adminKey,
    });
    expect(response.status).toBe(200);
  });

  test("machine.list over the WebSocket takes the same filters and answers a bad one with its text", async () => {
    const url = `${t.region.origin.replace("http", "ws")}/MAAS/ws`;
    const socket = new WebSocket(url, {
      headers: { authorization: buildAuthorizationHeader(parseApiKey(t.adminKey)) },
    });
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const call = (id: number, params: unknown) =>
      new Promise<{ rtype: number; result?: Machine[]; error?: string }>((resolve) => {
        socket.on("message", (data) => {
          const message = JSON.parse(data.toString());
          if (message.request_id === id) resolve(message);
        });
        socket.send(JSON.stringify({ type: 0, request_id: id, method: "machine.list", params }));
      });
    try {
      const lab = await call(1, { filter: { zone: [zone] } });
      expect(lab.result!.map((machine) => machine.system_id)).toEqual([inLab.system_id]);
      const single = await call(2, { filter: { tags: gpu, id: all } });
      expect(single.result!.map((machine) => machine.system_id).sort()).toEqual(
        [inLab.system_id, inPool.system_id].sort(),
      );
      const bad = await call(3, { filter: { zone: ["nosuch"] } });
      expect([bad.rtype, JSON.parse(bad.error!)]).toEqual([1, { zone: ["No such zone(s): nosuch."] }]);
    } finally {
      socket.close();
    }
  });
});
