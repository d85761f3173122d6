// `machines register`, the list filters and the generic MAAS commands for zones, tags, interfaces
// and power parameters, run in-process against the real region (PGlite on 127.0.0.1).
import { parseMachineCredentials } from "@hwsync/shared";
import { signal, startRegion, type TestRegion } from "@hwsync/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { maasRoot } from "../../../src/commands/machines/register.ts";
import { type CliResult, makeConfigDir, removeDir, runCli } from "../../helpers/cli.ts";

let region: TestRegion;
let configDir: string;
const maas = (argv: string[], options: { tty?: boolean } = {}): Promise<CliResult> =>
  runCli(argv, { configDir, ...options });

beforeAll(async () => {
  region = await startRegion();
  configDir = await makeConfigDir();
  const login = await runCli(["login", "admin", region.url, "-"], {
    configDir,
    stdin: `${region.adminKey}\n`,
  });
  expect(login.code, login.stderr).toBe(0);
});

afterAll(async () => {
  await region?.close();
  if (configDir) await removeDir(configDir);
});

const json = async (argv: string[]) => {
  const result = await maas([...argv, "--format", "json"]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
};

describe("maas machines register", () => {
  test("maasRoot strips the API path MAAS's clients add back", () => {
    expect(maasRoot("http://h:5240/MAAS/api/2.0/")).toBe("http://h:5240/MAAS");
    expect(maasRoot("http://h:5248/MAAS")).toBe("http://h:5248/MAAS");
  });

  test("registers a running machine as Deployed and hands back credentials the agent reads", async () => {
    const registration = await json(["admin", "machines", "register", "web-99"]);
    expect(registration).toMatchObject({
      hostname: "web-99",
      architecture: "amd64/generic",
      enable_hw_sync: true,
      sync_interval: 900,
      agent_url: `${region.url}/hardware-sync/amd64`,
    });
    const maasCreds = registration.credentials.reporting.maas;
    expect(maasCreds.endpoint).toBe(`${region.url}/metadata/status/${registration.system_id}`);
    const yaml = `reporting:\n  maas:\n${Object.entries(maasCreds)
      .map(([key, value]) => `    ${key}: ${value}`)
      .join("\n")}\n`;
    expect(parseMachineCredentials(yaml)).toMatchObject({ tokenKey: maasCreds.token_key });
    const machine = await json(["admin", "machine", "read", registration.system_id]);
    expect(machine).toMatchObject({ status_name: "Deployed", owner: region.adminName, enable_hw_sync: true });
    const token = await json(["admin", "machine", "get-token", registration.system_id]);
    expect(token.token_key).toBe(maasCreds.token_key);
  });

  test("on a terminal it prints the commands to run on the machine", async () => {
    const result = await maas(
      ["admin", "machines", "register", "web-98", "--endpoint", "http://10.9.8.7:5248/MAAS"],
      {
        tty: true,
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("as Deployed, hardware sync every 15m.");
    expect(result.stdout).toContain("curl -fsSL http://10.9.8.7:5248/MAAS/hardware-sync/amd64");
    expect(result.stdout).toMatch(/endpoint: http:\/\/10\.9\.8\.7:5248\/MAAS\/metadata\/status\/[a-z0-9]{6}/);
    expect(result.stdout).toContain(
      "maas-hw-sync install --config /etc/maas/maas-machine-creds.yml --interval 15m",
    );
  });

  test("--no-hw-sync registers without hardware sync", async () => {
    const registration = await json(["admin", "machines", "register", "web-97", "--no-hw-sync"]);
    expect(registration).toMatchObject({ enable_hw_sync: false, sync_interval: null });
  });
});

describe("MAAS's commands for zones, tags, interfaces and filters", () => {
  test("zones create, machines register --zone, machines read zone=…; a missing zone exits 1", async () => {
    const zone = await json(["admin", "zones", "create", "name=lab", "description=the lab"]);
    expect(zone).toMatchObject({ name: "lab", resource_uri: "/MAAS/api/2.0/zones/lab/" });
    const inLab = await json(["admin", "machines", "register", "lab-01", "--zone", "lab"]);
    const listed = await json(["admin", "machines", "read", "zone=lab"]);
    expect(listed.map((machine: { system_id: string }) => machine.system_id)).toEqual([inLab.system_id]);
    const missing = await maas(["admin", "machines", "read", "zone=nosuch"]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toContain("No such zone(s): nosuch.");
    const unknown = await maas(["admin", "machines", "read", "zonee=lab"]);
    expect([unknown.code, unknown.stderr.includes("No such constraint.")]).toEqual([1, true]);
  });

  test("tags create and tag update-nodes; machines read tags=…", async () => {
    const registration = await json(["admin", "machines", "register", "gpu-01"]);
    expect(await json(["admin", "tags", "create", "name=gpu", "comment=has a GPU"])).toMatchObject({
      name: "gpu",
    });
    expect(await json(["admin", "tag", "update-nodes", "gpu", `add=${registration.system_id}`])).toEqual({
      added: 1,
      removed: 0,
    });
    const tagged = await json(["admin", "machines", "read", "tags=gpu"]);
    expect(tagged.map((machine: { system_id: string }) => machine.system_id)).toEqual([
      registration.system_id,
    ]);
    expect((await json(["admin", "tags", "read"])).map((tag: { name: string }) => tag.name)).toContain("gpu");
  });

  test("interfaces read, resource-pools read, domains read and machine power-parameters", async () => {
    const registration = await json(["admin", "machines", "register", "io-01"]);
    expect(await json(["admin", "interfaces", "read", registration.system_id])).toEqual([]);
    expect(await json(["admin", "block-devices", "read", registration.system_id])).toEqual([]);
    expect(await json(["admin", "resource-pool", "read", "0"])).toMatchObject({ name: "default" });
    expect((await json(["admin", "domains", "read"]))[0]).toMatchObject({ name: "maas", is_default: true });
    expect(await json(["admin", "machine", "power-parameters", registration.system_id])).toEqual({});
  });

  test("machine details decodes MAAS's BSON: null until the machine reports lshw, then its XML", async () => {
    const registration = await json(["admin", "machines", "register", "bson-01"]);
    expect(await json(["admin", "machine", "details", registration.system_id])).toEqual({
      lldp: null,
      lshw: null,
    });
    const maasCreds = registration.credentials.reporting.maas;
    const lshw = '<?xml version="1.0"?><list><node id="bson-01"/></list>';
    const reply = await signal(
      region,
      {
        consumerKey: maasCreds.consumer_key,
        tokenKey: maasCreds.token_key,
        tokenSecret: maasCreds.token_secret,
        consumerSecret: "",
      },
      [
        ["status", "WORKING"],
        ["name", "maas-lshw"],
        ["exit_status", "0"],
      ],
      [["maas-lshw.out", Buffer.from(lshw)]],
    );
    expect(reply.status).toBe(200);
    expect(await json(["admin", "machine", "details", registration.system_id])).toEqual({ lldp: null, lshw });
    const table = await maas(["admin", "machine", "details", registration.system_id], { tty: true });
    expect(table.stdout).toContain(`${lshw.length} bytes of XML`);
  });
});
