import { fixture, fixtureNames } from "@hwsync/testkit/fixtures";
import { describe, expect, test } from "vitest";
import { parseMachineCredentials, renderMachineCredentials } from "../src/wire/credentials.ts";
import { hardwarePayloadSchema } from "../src/wire/hardware.ts";
import { machineSchema } from "../src/wire/machine.ts";
import { canonicalJson, contentHash } from "../src/wire/push.ts";
import { ValidationError, validateWith } from "../src/wire/validate.ts";

function issuesOf(data: unknown): Array<{ path: string; message: string }> {
  try {
    validateWith(hardwarePayloadSchema, data, "hardware payload");
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  return [];
}

describe("hardware payload schema", () => {
  test("there are fixtures to check", () => {
    expect(fixtureNames().length).toBeGreaterThanOrEqual(3);
  });

  test.each(fixtureNames())("fixture %s validates", (name) => {
    expect(issuesOf(fixture(name))).toEqual([]);
  });

  test("keeps fields it does not know (the producer sends more than MAAS reads)", () => {
    const parsed = hardwarePayloadSchema.parse(fixture("machine-resources-x86.json"));
    expect((parsed.resources.storage!.disks![0] as Record<string, unknown>).partitions).toBeDefined();
  });

  test.each([
    ["a wrong api_version", (d: any) => (d.api_version = "2.0"), "api_version"],
    ["a missing extension", (d: any) => (d.api_extensions = ["resources"]), "api_extensions"],
    [
      "an unknown architecture",
      (d: any) => (d.environment.kernel_architecture = "sparc"),
      "environment.kernel_architecture",
    ],
    [
      "a disk size as a string",
      (d: any) => (d.resources.storage.disks[1].size = "1TB"),
      "resources.storage.disks[1].size",
    ],
    [
      "a disk without id",
      (d: any) => delete d.resources.storage.disks[0].id,
      "resources.storage.disks[0].id",
    ],
    [
      "an upper-case PCI vendor id",
      (d: any) => (d.resources.pci.devices[2].vendor_id = "8086X"),
      "resources.pci.devices[2].vendor_id",
    ],
    [
      "a USB bus address as text",
      (d: any) => (d.resources.usb.devices[0].bus_address = "1"),
      "resources.usb.devices[0].bus_address",
    ],
    [
      "a bad MAC",
      (d: any) => (d.resources.network.cards[0].ports[0].address = "ZZ:00"),
      "resources.network.cards[0].ports[0].address",
    ],
    ["a netdev without vlan key", (d: any) => delete d.networks.eth0.vlan, "networks.eth0.vlan"],
    [
      "a thread without numa_node",
      (d: any) => delete d.resources.cpu.sockets[0].cores[0].threads[0].numa_node,
      "resources.cpu.sockets[0].cores[0].threads[0].numa_node",
    ],
  ])("%s is reported at its JSON path", (_what, mutate, path) => {
    const data = fixture("machine-resources-x86.json");
    mutate(data);
    expect(issuesOf(data).map((issue) => issue.path)).toContain(path);
  });

  test("the error message names the path and how many problems there were", () => {
    expect(() => validateWith(hardwarePayloadSchema, { api_version: 1 }, "hardware payload")).toThrowError(
      /invalid hardware payload: api_version: .*environment/,
    );
  });

  test.each([null, 42, "text", [], {}])("%j is not a payload", (data) => {
    expect(issuesOf(data).length).toBeGreaterThan(0);
  });
});

describe("machine JSON schema", () => {
  test("accepts a real-MAAS 3.2 machine without enable_hw_sync", () => {
    const machine = machineSchema.parse({
      system_id: "abc123",
      hostname: "web-07",
      status: 6,
      status_name: "Deployed",
      sync_interval: 900,
      last_sync: "2022-05-10T12:34:56.789",
      next_sync: "2022-05-10T12:49:56.789",
      boot_interface: {},
    });
    expect(machine.enable_hw_sync).toBeUndefined();
    expect((machine as Record<string, unknown>).boot_interface).toEqual({});
  });

  test("reports a wrong type at its path", () => {
    const result = machineSchema.safeParse({
      system_id: "a",
      hostname: "h",
      status: "6",
      status_name: "Deployed",
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["status"]);
  });
});

describe("machine credentials YAML", () => {
  const yaml = renderMachineCredentials({
    consumerKey: "CK",
    tokenKey: "TK",
    tokenSecret: "TS",
    endpoint: "http://10.0.0.2:5248/MAAS/metadata/status/abc123",
  });

  test("renders sorted, block style, as MAAS's vendor-data writes it", () => {
    expect(yaml).toBe(
      "reporting:\n  maas:\n    consumer_key: CK\n    endpoint: http://10.0.0.2:5248/MAAS/metadata/status/abc123\n    token_key: TK\n    token_secret: TS\n",
    );
  });

  test("parses back with the base URL the agent talks to", () => {
    expect(parseMachineCredentials(yaml)).toEqual({
      consumerKey: "CK",
      tokenKey: "TK",
      tokenSecret: "TS",
      consumerSecret: "",
      endpoint: "http://10.0.0.2:5248/MAAS/metadata/status/abc123",
      baseUrl: "http://10.0.0.2:5248",
    });
  });

  test.each([
    ["reporting: {}", "reporting.maas"],
    [yaml.replace("    token_secret: TS\n", ""), "reporting.maas.token_secret"],
    [yaml.replace("http://10.0.0.2:5248", "ftp://x"), "reporting.maas.endpoint"],
    ["reporting: [", "(root)"],
  ])("a broken file names what is wrong (%#)", (text, path) => {
    expect(() => parseMachineCredentials(text)).toThrowError(
      expect.objectContaining({ code: "HWS_CREDENTIALS_INVALID", message: expect.stringContaining(path) }),
    );
  });
});

describe("content hash", () => {
  test("is stable whatever the key order", () => {
    const a = canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } });
    const b = canonicalJson({ a: { c: null, d: [1, { y: 2, z: 1 }] }, b: 1 });
    expect(a).toBe(b);
    expect(contentHash(a)).toBe(contentHash(b));
    expect(contentHash(a)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(contentHash(a)).not.toBe(contentHash(canonicalJson({ b: 2 })));
  });
});
