// Zones, resource pools, domains and tags as MAAS's CLI sends them (POST/PUT multipart with
// base64 parts, op in the query) and as python-libmaas reads them: `client.zones.list()` is
// `GET zones/` through the handler describe/ names ZonesHandler, and each object must carry the
// fields libmaas checks (Zone/ResourcePool: id int, name and description str; Tag: name, comment
// and definition str, kernel_opts str or null).
import { apiFailure, ENGINES, raw, uniqueName, useTestRegion } from "@hwsync/testkit";
import { describe, expect, test } from "vitest";
import { fakeClock } from "../../src/clock.ts";
import { getMachineBySystemId, updateMachine } from "../../src/db/machines.ts";
import { addMachine, pythonCliMultipart } from "../helpers/api.ts";

type Json = Record<string, unknown>;

describe.each(ENGINES)("zones, pools, domains and tags on %s", (engine) => {
  const t = useTestRegion({ engine, clock: fakeClock(new Date()) });

  /** A request exactly as MAAS's CLI sends it: op first in the query, base64 multipart parts. */
  const cli = (method: "POST" | "PUT", path: string, fields: Array<[string, string]>, op?: string) => {
    const { body, contentType } = pythonCliMultipart(fields);
    return raw(t.region, {
      method,
      path: `/MAAS/api/2.0/${path}${op ? `?op=${op}` : ""}`,
      key: t.adminKey,
      body,
      headers: { "content-type": contentType },
    });
  };
  const get = async (uri: string) => {
    const response = await raw(t.region, { path: uri, key: t.adminKey });
    expect(response.status, `${uri}: ${response.text}`).toBe(200);
    return response.json();
  };

  const zoneShape = { id: expect.any(Number), name: expect.any(String), description: expect.any(String) };

  test("the default zone, pool and domain exist and resolve from the machine object's uris", async () => {
    const machine = await addMachine(t);
    expect(machine.zone).toEqual({
      name: "default",
      description: "",
      id: 1,
      resource_uri: "/MAAS/api/2.0/zones/default/",
    });
    expect(machine.pool).toEqual({
      name: "default",
      description: "Default pool",
      id: 0,
      resource_uri: "/MAAS/api/2.0/resourcepool/0/",
    });
    expect(machine.domain).toMatchObject({
      name: "maas",
      id: 0,
      is_default: true,
      authoritative: true,
      ttl: null,
    });
    for (const field of ["zone", "pool", "domain"]) {
      const nested = machine[field] as Json;
      expect(await get(nested.resource_uri as string)).toEqual(nested);
    }
    expect(await get("/MAAS/api/2.0/domains/")).toEqual([expect.objectContaining({ name: "maas", id: 0 })]);
  });

  test("zones: create (admin, MAAS CLI multipart), read, update, delete; machines go home", async () => {
    const name = uniqueName("rack").replace(/_/g, "-");
    const created = await cli("POST", "zones/", [
      ["name", name],
      ["description", "row 4"],
    ]);
    expect([created.status, created.json()]).toEqual([
      200,
      { ...zoneShape, name, description: "row 4", resource_uri: `/MAAS/api/2.0/zones/${name}/` },
    ]);
    expect((await get("/MAAS/api/2.0/zones/")) as Json[]).toEqual(
      expect.arrayContaining([expect.objectContaining(zoneShape)]),
    );
    const machine = await addMachine(t, { zone: name });
    expect((machine.zone as Json).name).toBe(name);
    const renamed = `${name}-b`;
    const updated = await cli("PUT", `zones/${name}/`, [["name", renamed]]);
    expect(updated.json()).toMatchObject({ name: renamed, description: "row 4" });
    const duplicate = await cli("POST", "zones/", [["name", renamed]]);
    expect([duplicate.status, duplicate.json()]).toEqual([
      400,
      { name: ["Zone with this Name already exists."] },
    ]);
    const deleted = await raw(t.region, {
      method: "DELETE",
      path: `/MAAS/api/2.0/zones/${renamed}/`,
      key: t.adminKey,
    });
    expect([deleted.status, deleted.text]).toEqual([204, ""]);
    const back = (await t.admin.get<Json>(`machines/${machine.system_id}/`)).body;
    expect((back.zone as Json).name).toBe("default");
    const missing = await raw(t.region, { path: `/MAAS/api/2.0/zones/${renamed}/`, key: t.adminKey });
    expect([missing.status, missing.text]).toEqual([404, "No Zone matches the given query."]);
    const keep = await raw(t.region, {
      method: "DELETE",
      path: "/MAAS/api/2.0/zones/default/",
      key: t.adminKey,
    });
    expect([keep.status, keep.text]).toEqual([400, "This zone is the default zone, it cannot be deleted."]);
  });

  test("machines set_zone moves machines (MAAS CLI: machines set-zone zone=… nodes=…)", async () => {
    const name = uniqueName("row").replace(/_/g, "-");
    await cli("POST", "zones/", [["name", name]]);
    const a = await addMachine(t);
    const b = await addMachine(t);
    const moved = await cli(
      "POST",
      "machines/",
      [
        ["zone", name],
        ["nodes", a.system_id],
        ["nodes", b.system_id],
      ],
      "set_zone",
    );
    expect([moved.status, moved.text]).toEqual([204, ""]);
    const { body } = await t.admin.get<Json[]>("machines/", undefined, { zone: name });
    expect(body.map((machine) => machine.system_id).sort()).toEqual([a.system_id, b.system_id].sort());
    const missing = await cli(
      "POST",
      "machines/",
      [
        ["zone", "nosuch"],
        ["nodes", a.system_id],
      ],
      "set_zone",
    );
    expect([missing.status, missing.json()]).toEqual([
      400,
      { zone: ["Select a valid choice. That choice is not one of the available choices."] },
    ]);
    const unknown = await cli(
      "POST",
      "machines/",
      [
        ["zone", name],
        ["nodes", "zzzzzz"],
      ],
      "set_zone",
    );
    expect([unknown.status, unknown.json()]).toEqual([400, { system_id: ["Unknown machine(s): zzzzzz."] }]);
  });

  test("only admins change zones and pools; anyone reads them", async () => {
    expect((await t.user.get<Json[]>("zones/")).body.length).toBeGreaterThan(0);
    const error = await apiFailure(t.user.post("zones/", undefined, { name: uniqueName("z") }));
    expect([error.status, error.body]).toEqual([403, "This method is reserved for admin users."]);
    const pool = await apiFailure(t.user.post("resourcepools/", undefined, { name: uniqueName("p") }));
    expect(pool.status).toBe(403);
  });

  test("resource pools: by id; a pool with machines and the default pool stay", async () => {
    const name = uniqueName("pool");
    const created = (await cli("POST", "resourcepools/", [["name", name]])).json() as Json;
    expect(created).toEqual({
      ...zoneShape,
      name,
      description: "",
      resource_uri: `/MAAS/api/2.0/resourcepool/${created.id}/`,
    });
    expect(await get(created.resource_uri as string)).toEqual(created);
    await addMachine(t, { pool: name });
    const busy = await raw(t.region, {
      method: "DELETE",
      path: `/MAAS/api/2.0/resourcepool/${created.id}/`,
      key: t.adminKey,
    });
    expect([busy.status, busy.text]).toEqual([400, "Pool has machines in it, it cannot be deleted."]);
    const keep = await raw(t.region, {
      method: "DELETE",
      path: "/MAAS/api/2.0/resourcepool/0/",
      key: t.adminKey,
    });
    expect([keep.status, keep.text]).toEqual([400, "This is the default pool, it cannot be deleted."]);
    const missing = await raw(t.region, { path: "/MAAS/api/2.0/resourcepool/999999/", key: t.adminKey });
    expect([missing.status, missing.text]).toEqual([404, "No ResourcePool matches the given query."]);
    const bad = await cli("POST", "machines/", [
      ["pool", "nosuch"],
      ["mac_addresses", "52:54:00:00:00:99"],
    ]);
    expect([bad.status, bad.json()]).toEqual([
      400,
      { pool: ["Select a valid choice. That choice is not one of the available choices."] },
    ]);
  });

  test("domains are read-only: 'maas' by id, 404 otherwise", async () => {
    expect(await get("/MAAS/api/2.0/domains/0/")).toMatchObject({
      name: "maas",
      resource_uri: "/MAAS/api/2.0/domains/0/",
    });
    const missing = await raw(t.region, { path: "/MAAS/api/2.0/domains/7/", key: t.adminKey });
    expect([missing.status, missing.text]).toEqual([404, "No Domain matches the given query."]);
    const create = await raw(t.region, {
      path: "/MAAS/api/2.0/domains/",
      key: t.adminKey,
      form: { name: "x" },
    });
    expect([create.status, create.text]).toEqual([400, "Unrecognised signature: method=POST op=None"]);
  });

  test("tags: create, read, update_nodes add/remove, machines, delete, in libmaas's shape", async () => {
    const name = uniqueName("rack_a");
    const created = await cli("POST", "tags/", [
      ["name", name],
      ["comment", "rack A"],
    ]);
    expect([created.status, created.json()]).toEqual([
      200,
      {
        name,
        definition: "",
        comment: "rack A",
        kernel_opts: null,
        resource_uri: `/MAAS/api/2.0/tags/${name}/`,
      },
    ]);
    const a = await addMachine(t);
    const b = await addMachine(t);
    const added = await cli(
      "POST",
      `tags/${name}/`,
      [
        ["add", a.system_id],
        ["add", b.system_id],
        ["add", "zzzzzz"],
      ],
      "update_nodes",
    );
    expect(added.json()).toEqual({ added: 2, removed: 0 });
    const tagged = (await get(`/MAAS/api/2.0/tags/${name}/?op=machines`)) as Json[];
    expect(tagged.map((machine) => machine.system_id).sort()).toEqual([a.system_id, b.system_id].sort());
    expect((await t.admin.get<Json>(`machines/${a.system_id}/`)).body.tag_names as string[]).toContain(name);
    const removed = await cli("POST", `tags/${name}/`, [["remove", b.system_id]], "update_nodes");
    expect(removed.json()).toEqual({ added: 0, removed: 1 });
    const stale = await cli(
      "POST",
      `tags/${name}/`,
      [
        ["definition", "memory>1"],
        ["add", b.system_id],
      ],
      "update_nodes",
    );
    expect([stale.status, stale.text]).toEqual([
      409,
      "Definition supplied 'memory>1' doesn't match current definition ''",
    ]);
    expect(((await get("/MAAS/api/2.0/tags/")) as Json[]).map((tag) => tag.name)).toContain(name);
    const deleted = await raw(t.region, {
      method: "DELETE",
      path: `/MAAS/api/2.0/tags/${name}/`,
      key: t.adminKey,
    });
    expect(deleted.status).toBe(204);
    const missing = await raw(t.region, { path: `/MAAS/api/2.0/tags/${name}/`, key: t.adminKey });
    expect([missing.status, missing.text]).toEqual([404, "No Tag matches the given query."]);
  });

  test("a tag with a definition is attached by the tag engine, at once and when it changes", async () => {
    const big = await addMachine(t);
    const small = await addMachine(t);
    const row = (await getMachineBySystemId(t.db, big.system_id))!;
    await updateMachine(t.db, row.id, { cpuCount: 64, memory: 262144 });
    const name = uniqueName("big");
    await cli("POST", "tags/", [
      ["name", name],
      ["definition", "cpu_count>=32 & memory>=131072"],
    ]);
    const holders = async () =>
      ((await get(`/MAAS/api/2.0/tags/${name}/?op=machines`)) as Json[])
        .map((machine) => machine.system_id)
        .filter((id) => id === big.system_id || id === small.system_id);
    expect(await holders()).toEqual([big.system_id]);
    const { body } = await t.admin.get<Json[]>("machines/", undefined, {
      tags: name,
      id: [big.system_id, small.system_id],
    });
    expect(body.map((machine) => machine.system_id)).toEqual([big.system_id]);
    await cli("PUT", `tags/${name}/`, [["definition", "cpu_count<32"]]);
    expect((await holders()).sort()).toEqual([small.system_id]);
    const bad = await cli("POST", "tags/", [
      ["name", uniqueName("bad")],
      ["definition", "pci_devices[vendor_id="],
    ]);
    expect(bad.status).toBe(400);
    expect((bad.json() as Record<string, string[]>).definition?.[0]).toMatch(
      /^Invalid tag definition at character/,
    );
  });

  test("only admins create or change tags (MAAS's empty 403)", async () => {
    const error = await apiFailure(t.user.post("tags/", undefined, { name: uniqueName("nope") }));
    expect([error.status, error.body]).toEqual([403, ""]);
    const dup = uniqueName("dup");
    await t.admin.post("tags/", undefined, { name: dup });
    const again = await apiFailure(t.admin.post("tags/", undefined, { name: dup }));
    expect([again.status, again.body]).toEqual([400, { name: ["Tag with this Name already exists."] }]);
  });

  test("describe/ names the handlers python-libmaas binds, with the URL parameters it fills", async () => {
    // libmaas binds a viscera class to the handler of its name + "Handler" and fills the path's
    // {params} from the call's keyword arguments: Zone.read(name=…), ResourcePool.read(id=…).
    const description = (await raw(t.region, { path: "/MAAS/api/2.0/describe/" })).json() as {
      resources: Array<{
        name: string;
        auth: { path: string; params: string[]; actions: Array<{ name: string }> };
      }>;
    };
    const handler = (name: string) => description.resources.find((resource) => resource.name === name)?.auth;
    const expected: Array<[string, string, string[], string[]]> = [
      ["ZonesHandler", "/MAAS/api/2.0/zones/", [], ["read", "create"]],
      ["ZoneHandler", "/MAAS/api/2.0/zones/{name}/", ["name"], ["read", "update", "delete"]],
      ["ResourcePoolsHandler", "/MAAS/api/2.0/resourcepools/", [], ["read", "create"]],
      ["ResourcePoolHandler", "/MAAS/api/2.0/resourcepool/{id}/", ["id"], ["read", "update", "delete"]],
      ["DomainsHandler", "/MAAS/api/2.0/domains/", [], ["read"]],
      ["DomainHandler", "/MAAS/api/2.0/domains/{id}/", ["id"], ["read"]],
      ["TagsHandler", "/MAAS/api/2.0/tags/", [], ["read", "create"]],
      [
        "TagHandler",
        "/MAAS/api/2.0/tags/{name}/",
        ["name"],
        ["read", "update", "delete", "update_nodes", "machines"],
      ],
      ["InterfacesHandler", "/MAAS/api/2.0/nodes/{system_id}/interfaces/", ["system_id"], ["read"]],
      ["InterfaceHandler", "/MAAS/api/2.0/nodes/{system_id}/interfaces/{id}/", ["system_id", "id"], ["read"]],
      ["BlockDevicesHandler", "/MAAS/api/2.0/nodes/{system_id}/blockdevices/", ["system_id"], ["read"]],
      [
        "BlockDeviceHandler",
        "/MAAS/api/2.0/nodes/{system_id}/blockdevices/{id}/",
        ["system_id", "id"],
        ["read"],
      ],
    ];
    for (const [name, path, params, actions] of expected) {
      const found = handler(name);
      expect(found, name).toMatchObject({ path, params });
      expect(found!.actions.map((action) => action.name)).toEqual(expect.arrayContaining(actions));
    }
    const machine = handler("MachineHandler")!;
    expect(machine.actions.map((action) => action.name)).toEqual(
      expect.arrayContaining(["details", "power_parameters"]),
    );
  });
});
