import { describe, expect, test } from "vitest";
import { parseDataArgs } from "../src/args.ts";
import { toGenericRequest } from "../src/commands/generic.ts";
import {
  actionName,
  describeResources,
  docParams,
  fillPath,
  resourceName,
  supportsParam,
} from "../src/describe.ts";
import { fixtureDescription } from "./helpers/fake-region.ts";

describe("names", () => {
  test.each([
    ["MachineHandler", "machine"],
    ["MachinesHandler", "machines"],
    ["MaasHandler", "maas"],
    ["BootSourceSelectionsHandler", "boot-source-selections"],
    ["IPAddressesHandler", "ipaddresses"],
    ["DNSResourceRecordsHandler", "dnsresource-records"],
    ["SSLKeysHandler", "sslkeys"],
    ["AnonMachinesHandler", "anon-machines"],
  ])("resource %s is called %s", (handler, name) => {
    expect(resourceName(handler)).toBe(name);
  });

  test.each([
    ["set_config", "set-config"],
    ["get_token", "get-token"],
    ["read", "read"],
  ])("action %s is called %s", (raw, name) => {
    expect(actionName(raw)).toBe(name);
  });

  test("docParams lists :param names once, in order", () => {
    expect(
      docParams("Title\n\n:param a: Required.\n:type a: String\n:param b_c: Optional.\n:param a: again"),
    ).toEqual(["a", "b_c"]);
  });
});

describe("describeResources", () => {
  const resources = describeResources(fixtureDescription(true));

  test("merges auth and anon actions, the authenticated handler first", () => {
    const machines = resources.find((item) => item.name === "machines")!;
    expect(machines.actions.map((action) => action.name)).toEqual(["is-registered", "read"]);
    expect(machines.handler).toBe("MachinesHandler");
  });

  test("an anonymous profile sees only anonymous handlers", () => {
    expect(describeResources(fixtureDescription(true), true).map((item) => item.name)).toEqual(["machines"]);
  });

  test("positionals come from the handler params", () => {
    const machine = resources.find((item) => item.name === "machine")!;
    expect(machine.positionals).toEqual(["system_id"]);
    expect(machine.path).toBe("/MAAS/api/2.0/machines/{system_id}/");
  });

  test("supportsParam finds sync_unhealthy only where it is documented", () => {
    expect(supportsParam(fixtureDescription(true), "machines", "read", "sync_unhealthy")).toBe(true);
    expect(supportsParam(fixtureDescription(false), "machines", "read", "sync_unhealthy")).toBe(false);
    expect(supportsParam(null, "machines", "read", "sync_unhealthy")).toBe(false);
  });

  test("fillPath URL-encodes positionals", () => {
    expect(fillPath("/MAAS/api/2.0/machines/{system_id}/", ["system_id"], ["a/../b"])).toBe(
      "/MAAS/api/2.0/machines/a%2F..%2Fb/",
    );
  });
});

describe("toGenericRequest", () => {
  const resources = describeResources(fixtureDescription(true));
  const find = (resource: string, action: string) => {
    const spec = resources.find((item) => item.name === resource)!;
    return [spec, spec.actions.find((item) => item.name === action)!] as const;
  };
  const read = async (path: string) => new TextEncoder().encode(`<${path}>`);

  test("GET puts data and file contents in the query, op separate", async () => {
    const [spec, action] = find("maas", "get-config");
    expect(await toGenericRequest(spec, action, [], parseDataArgs(["name=x", "extra@=f.txt"]), read)).toEqual(
      {
        method: "GET",
        path: "/MAAS/api/2.0/maas/",
        op: "get_config",
        query: [
          ["name", "x"],
          ["extra", "<f.txt>"],
        ],
        form: undefined,
        files: undefined,
      },
    );
  });

  test("POST puts data in the form and files as parts named after the key", async () => {
    const [spec, action] = find("machine", "deploy");
    const request = await toGenericRequest(
      spec,
      action,
      ["abc"],
      parseDataArgs(["enable_hw_sync=true", "user_data@=u"]),
      read,
    );
    expect(request).toMatchObject({
      method: "POST",
      path: "/MAAS/api/2.0/machines/abc/",
      op: "deploy",
      form: [["enable_hw_sync", "true"]],
      files: [{ name: "user_data", filename: "user_data", content: new TextEncoder().encode("<u>") }],
    });
  });
});
