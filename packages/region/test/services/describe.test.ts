import { ENGINES, raw, useTestRegion } from "@hwsync/testkit";
import { beforeAll, describe, expect, test } from "vitest";
import { fakeClock } from "../../src/clock.ts";
import { startRegion } from "../../src/server.ts";
import { API_HASH } from "../../src/services/describe.ts";

interface Action {
  name: string;
  method: string;
  op: string | null;
  restful: boolean;
  doc: string;
}
interface Handler {
  name: string;
  path: string;
  uri: string;
  params: string[];
  actions: Action[];
}
interface Description {
  doc: string;
  hash: string;
  handlers: Handler[];
  resources: Array<{ name: string; auth: Handler | null; anon: Handler | null }>;
}

/** The resource name MAAS's CLI derives from a handler class name (MachinesHandler → machines). */
function cliName(handler: string): string {
  return handler
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(" ")
    .filter((word) => word !== "handler")
    .join("-");
}

describe.each(ENGINES)("version and describe on %s", (engine) => {
  const t = useTestRegion({ engine, clock: fakeClock(new Date()) });
  let description: Description;
  beforeAll(async () => {
    description = (await raw(t.region, { path: "/MAAS/api/2.0/describe/" })).json() as Description;
  });

  test("describe/ is anonymous, exactly application/json, with the hash also in X-MAAS-API-Hash", async () => {
    const response = await raw(t.region, { path: "/MAAS/api/2.0/describe/" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(description.hash).toMatch(/^[0-9a-f]{40}$/);
    expect(response.headers.get("x-maas-api-hash")).toBe(description.hash);
    expect(description.hash).toBe(API_HASH);
  });

  test("the body is indented with 4 spaces and keys are sorted", async () => {
    const response = await raw(t.region, { path: "/MAAS/api/2.0/describe/" });
    expect(response.text.startsWith('{\n    "doc": "MAAS API",\n    "handlers": [')).toBe(true);
  });

  test("the CLI finds machines, machine, maas, users, account, events, version and the objects a machine names", () => {
    const names = description.resources.map((resource) => cliName(resource.name)).sort();
    expect(names).toEqual(
      [
        "account",
        "events",
        "maas",
        "machine",
        "machines",
        "users",
        "version",
        "nodes",
        "node",
        "zones",
        "zone",
        "resource-pools",
        "resource-pool",
        "domains",
        "domain",
        "tags",
        "tag",
        "interfaces",
        "interface",
        "block-devices",
        "block-device",
      ].sort(),
    );
  });

  test("every handler has a path and an absolute uri built from the request's host", () => {
    for (const handler of description.handlers) {
      expect(handler.path).toMatch(/^\/MAAS\/api\/2\.0\/.*\/$/);
      expect(handler.uri).toBe(`${t.region.origin}${handler.path}`);
      expect(handler.params).toEqual([...handler.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
    }
  });

  test("the machine handler documents our ops with :param lines", () => {
    const machine = description.resources.find((resource) => resource.name === "MachineHandler")!.auth!;
    const ops = Object.fromEntries(machine.actions.map((action) => [action.name, action]));
    expect(Object.keys(ops).sort()).toEqual(
      [
        "deploy",
        "details",
        "get_token",
        "hardware",
        "hardware_history",
        "power_parameters",
        "read",
        "release",
        "vendor_data",
      ].sort(),
    );
    expect(ops.read).toMatchObject({ method: "GET", op: null, restful: true });
    expect(ops.deploy).toMatchObject({ method: "POST", op: "deploy", restful: false });
    expect(ops.deploy!.doc).toContain(":param enable_hw_sync: Optional.");
    expect(ops.deploy!.doc).toContain(":type enable_hw_sync: Boolean");
    expect(ops.deploy!.doc).toContain(":param sync_interval: Optional.");
    expect(ops.hardware_history!.doc).toContain(":param limit: Optional.");
    for (const op of ["get_token", "hardware", "hardware_history", "vendor_data"])
      expect(ops[op]!.method).toBe("GET");
  });

  test("the machines read action documents the sync_unhealthy filter", () => {
    const machines = description.resources.find((resource) => resource.name === "MachinesHandler")!.auth!;
    const read = machines.actions.find((action) => action.name === "read")!;
    expect(read.doc).toContain(":param sync_unhealthy: Optional.");
    expect(read.doc).toContain(":type sync_unhealthy: Boolean");
  });

  test("X-MAAS-API-Hash is on every API answer, errors included", async () => {
    for (const path of [
      "/MAAS/api/2.0/version/",
      "/MAAS/api/2.0/users/?op=whoami",
      "/MAAS/api/2.0/machines/zzz/",
    ]) {
      const response = await raw(t.region, { path });
      expect(response.headers.get("x-maas-api-hash")).toBe(API_HASH);
    }
  });

  test("version/ answers 2.0 as text and 2.0/version/ lists capabilities", async () => {
    const probe = await raw(t.region, { path: "/MAAS/api/version/" });
    expect([probe.status, probe.text]).toEqual([200, "2.0"]);
    const version = (await raw(t.region, { path: "/MAAS/api/2.0/version/" })).json() as Record<
      string,
      unknown
    >;
    expect(version.capabilities).toContain("authenticate-api");
    expect(version.version).toMatch(/^3\./);
  });

  test("extraRoutes mounts routes the region cannot import itself (the web UI)", async () => {
    const region = await startRegion({
      db: t.db,
      // Without the built UI's own /MAAS/r/ route (present once packages/web/dist exists).
      config: { webDistDir: undefined },
      extraRoutes: [
        (app) =>
          void app.get("/MAAS/r/", async (_request, reply) => reply.type("text/html").send("<h1>ui</h1>")),
      ],
    });
    try {
      const response = await raw(region, { path: "/MAAS/r/" });
      expect([response.status, response.text]).toEqual([200, "<h1>ui</h1>"]);
    } finally {
      await region.close();
    }
  });

  test("an unknown URL is a text 404, never a 500", async () => {
    const response = await raw(t.region, { path: "/MAAS/api/2.0/nothing-here/" });
    expect(response.status).toBe(404);
  });
});
