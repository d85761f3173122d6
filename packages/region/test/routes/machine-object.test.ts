// The machine object with every field of MAAS 3.6's `machine read`, its devices as MAAS's
// interface and block-device sub-resources, op=details and op=power_parameters, and
// `machines create deployed=true` driven exactly as `maas-run-scripts register-machine` and
// `report-results` drive it.
import { ENGINES, multipartBody, raw, signal, uniqueName, useTestRegion } from "@hwsync/testkit";
import { BSON } from "bson";
import { describe, expect, test } from "vitest";
import { fakeClock } from "../../src/clock.ts";
import { addMachine } from "../helpers/api.ts";
import { fixture } from "../helpers/fixtures.ts";
import { deployedMachine, push } from "../helpers/sync-region.ts";

type Json = Record<string, unknown>;

// MAAS 3.6's DISPLAYED_MACHINE_FIELDS (constraints_by_type appears only in allocate answers)
// and the resource_uri every object carries.
const MAAS_MACHINE_FIELDS = [
  "system_id",
  "hostname",
  "description",
  "hardware_uuid",
  "domain",
  "fqdn",
  "owner",
  "owner_data",
  "locked",
  "cache_sets",
  "bcaches",
  "bios_boot_method",
  "boot_interface",
  "architecture",
  "min_hwe_kernel",
  "hwe_kernel",
  "cpu_count",
  "cpu_speed",
  "memory",
  "swap_size",
  "storage",
  "status",
  "osystem",
  "distro_series",
  "ephemeral_deploy",
  "error_description",
  "netboot",
  "power_type",
  "power_state",
  "tag_names",
  "address_ttl",
  "ip_addresses",
  "interface_set",
  "zone",
  "pool",
  "disable_ipv4",
  "boot_disk",
  "blockdevice_set",
  "physicalblockdevice_set",
  "virtualblockdevice_set",
  "volume_groups",
  "raids",
  "status_action",
  "status_message",
  "status_name",
  "node_type",
  "node_type_name",
  "special_filesystems",
  "parent",
  "pod",
  "default_gateways",
  "current_commissioning_result_id",
  "current_testing_result_id",
  "current_installation_result_id",
  "commissioning_status",
  "commissioning_status_name",
  "testing_status",
  "testing_status_name",
  "cpu_test_status",
  "cpu_test_status_name",
  "memory_test_status",
  "memory_test_status_name",
  "network_test_status",
  "network_test_status_name",
  "storage_test_status",
  "storage_test_status_name",
  "other_test_status",
  "other_test_status_name",
  "hardware_info",
  "interface_test_status",
  "interface_test_status_name",
  "numanode_set",
  "virtualmachine_id",
  "workload_annotations",
  "last_sync",
  "sync_interval",
  "next_sync",
  "enable_hw_sync",
  "enable_kernel_crash_dump",
  "is_dpu",
  "resource_uri",
];
const MAAS_INTERFACE_FIELDS = [
  "system_id",
  "id",
  "name",
  "type",
  "vlan",
  "mac_address",
  "parents",
  "children",
  "tags",
  "enabled",
  "links",
  "params",
  "discovered",
  "effective_mtu",
  "vendor",
  "product",
  "firmware_version",
  "link_connected",
  "interface_speed",
  "link_speed",
  "numa_node",
  "sriov_max_vf",
  "resource_uri",
];
const MAAS_BLOCK_DEVICE_FIELDS = [
  "system_id",
  "id",
  "name",
  "uuid",
  "type",
  "path",
  "model",
  "serial",
  "id_path",
  "size",
  "block_size",
  "available_size",
  "used_size",
  "used_for",
  "tags",
  "filesystem",
  "partition_table_type",
  "partitions",
  "firmware_version",
  "storage_pool",
  "numa_node",
  "resource_uri",
];

/** Every resource_uri anywhere in a JSON value. */
function resourceUris(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) resourceUris(item, out);
  else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key === "resource_uri" && typeof item === "string") out.add(item);
      else resourceUris(item, out);
    }
  }
  return out;
}

describe.each(ENGINES)("the machine object and its sub-resources on %s", (engine) => {
  const t = useTestRegion({ engine, clock: fakeClock(new Date()) });
  const get = (path: string, key = t.adminKey) => raw(t.region, { path, key });

  test("machine read has every field of MAAS 3.6, typed as python-libmaas checks them", async () => {
    const machine = await addMachine(t);
    for (const field of MAAS_MACHINE_FIELDS) expect(machine, field).toHaveProperty(field);
    expect(machine).toMatchObject({
      description: "",
      owner_data: {},
      netboot: true,
      status_action: "",
      min_hwe_kernel: "",
      hwe_kernel: null,
      swap_size: null,
      disable_ipv4: false,
      power_state: "unknown",
      node_type: 0,
      boot_disk: null,
      blockdevice_set: [],
      numanode_set: [],
      workload_annotations: {},
      commissioning_status: -1,
      commissioning_status_name: "Unknown",
      default_gateways: {
        ipv4: { gateway_ip: null, link_id: null },
        ipv6: { gateway_ip: null, link_id: null },
      },
      is_dpu: false,
    });
    expect(machine.constraints_by_type).toBeUndefined();
  });

  test("after a sync: interfaces and block devices with MAAS's fields, each uri readable", async () => {
    const node = await deployedMachine(t);
    expect((await push(t, node.creds, fixture())).status).toBe(200);
    const machine = (await get(`/MAAS/api/2.0/machines/${node.systemId}/`)).json() as Json;
    const interfaces = machine.interface_set as Json[];
    const disks = machine.blockdevice_set as Json[];
    expect(interfaces.length).toBeGreaterThan(0);
    expect(disks.length).toBeGreaterThan(0);
    for (const nic of interfaces)
      for (const field of MAAS_INTERFACE_FIELDS) expect(nic, field).toHaveProperty(field);
    for (const disk of disks)
      for (const field of MAAS_BLOCK_DEVICE_FIELDS) expect(disk, field).toHaveProperty(field);
    expect(disks[0]).toMatchObject({
      uuid: null,
      used_for: "Unused",
      partition_table_type: null,
      type: "physical",
    });
    expect(machine.boot_disk).toEqual(disks[0]);
    expect(machine.physicalblockdevice_set).toEqual(disks);
    expect(machine.netboot).toBe(false);

    const list = await get(`/MAAS/api/2.0/nodes/${node.systemId}/interfaces/`);
    expect(list.json()).toEqual(interfaces);
    expect((await get(`/MAAS/api/2.0/nodes/${node.systemId}/blockdevices/`)).json()).toEqual(disks);
    const uris = resourceUris(machine);
    expect(uris.size).toBeGreaterThan(interfaces.length + disks.length);
    for (const uri of uris) {
      const response = await get(uri);
      expect(response.status, `${uri}: ${response.text}`).toBe(200);
    }
    expect((await get(interfaces[0]!.resource_uri as string)).json()).toEqual(interfaces[0]);
    expect((await get(disks[0]!.resource_uri as string)).json()).toEqual(disks[0]);
  });

  test("sub-resources answer MAAS's 404s and are read-only", async () => {
    const machine = await addMachine(t);
    const node = await get("/MAAS/api/2.0/nodes/zzzzzz/interfaces/");
    expect([node.status, node.text]).toEqual([404, "No Node matches the given query."]);
    const nic = await get(`/MAAS/api/2.0/nodes/${machine.system_id}/interfaces/99999999/`);
    expect([nic.status, nic.text]).toEqual([404, "No Interface matches the given query."]);
    const disk = await get(`/MAAS/api/2.0/nodes/${machine.system_id}/blockdevices/99999999/`);
    expect([disk.status, disk.text]).toEqual([404, "No BlockDevice matches the given query."]);
    const create = await raw(t.region, {
      path: `/MAAS/api/2.0/nodes/${machine.system_id}/interfaces/?op=create_physical`,
      key: t.adminKey,
      form: { mac_address: "52:54:00:00:00:01" },
    });
    expect([create.status, create.text]).toEqual([
      400,
      "Unrecognised signature: method=POST op=create_physical",
    ]);
  });

  test("op=details is BSON {lldp, lshw}: null until the machine reports them, then their output", async () => {
    const node = await deployedMachine(t);
    const before = await get(`/MAAS/api/2.0/machines/${node.systemId}/?op=details`);
    expect([before.status, before.headers.get("content-type")]).toEqual([200, "application/bson"]);
    expect(BSON.deserialize(before.body)).toEqual({ lldp: null, lshw: null });
    const lshw = Buffer.from('<?xml version="1.0"?><list><node id="demo"/></list>\n');
    const reply = await signal(
      t,
      node.creds,
      [
        ["status", "WORKING"],
        ["name", "maas-lshw"],
        ["exit_status", "0"],
      ],
      [["maas-lshw.out", lshw]],
    );
    expect(reply.status).toBe(200);
    const after = BSON.deserialize((await get(`/MAAS/api/2.0/machines/${node.systemId}/?op=details`)).body);
    expect(Buffer.from(after.lshw.buffer).equals(lshw)).toBe(true);
    expect(after.lldp).toBeNull();
  });

  test("nodes/ and nodes/{id}/ answer as the machine handlers (every node is a machine)", async () => {
    const machine = await addMachine(t);
    const listed = (await get(`/MAAS/api/2.0/nodes/?id=${machine.system_id}`)).json() as Json[];
    expect(listed.map((node) => node.system_id)).toEqual([machine.system_id]);
    const node = await get(`/MAAS/api/2.0/nodes/${machine.system_id}/`);
    expect(node.json()).toEqual((await get(`/MAAS/api/2.0/machines/${machine.system_id}/`)).json());
    expect(
      BSON.deserialize((await get(`/MAAS/api/2.0/nodes/${machine.system_id}/?op=details`)).body),
    ).toEqual({
      lldp: null,
      lshw: null,
    });
    const missing = await get("/MAAS/api/2.0/nodes/zzzzzz/");
    expect([missing.status, missing.text]).toEqual([404, "No Node matches the given query."]);
    const unknown = await get("/MAAS/api/2.0/nodes/?colour=red");
    expect([unknown.status, unknown.json()]).toEqual([400, { colour: ["No such constraint."] }]);
    const unsigned = await raw(t.region, { path: "/MAAS/api/2.0/nodes/" });
    expect([unsigned.status, unsigned.text]).toEqual([400, "Unrecognised signature: method=GET op=None"]);
  });

  test("op=power_parameters: {} for manual power, admins only", async () => {
    const machine = await addMachine(t);
    const admin = await get(`/MAAS/api/2.0/machines/${machine.system_id}/?op=power_parameters`);
    expect([admin.status, admin.json()]).toEqual([200, {}]);
    const user = await get(`/MAAS/api/2.0/machines/${machine.system_id}/?op=power_parameters`, t.userKey);
    expect([user.status, user.text]).toEqual([403, "This method is reserved for admin users."]);
  });

  test("maas-run-scripts register-machine, then report-results: a running machine joins and syncs", async () => {
    const hostname = uniqueName("running").replace(/_/g, "-");
    // register-machine: POST <maas_url>/api/2.0/machines/ with hostname and deployed=true.
    const { body, contentType } = multipartBody([
      ["hostname", hostname],
      ["deployed", "true"],
    ]);
    const created = await raw(t.region, {
      path: "/MAAS/api/2.0/machines/",
      key: t.adminCredentials,
      body,
      headers: { "content-type": contentType },
    });
    expect(created.status, created.text).toBe(200);
    const machine = created.json() as Json;
    expect(machine).toMatchObject({
      hostname,
      status: 6,
      status_name: "Deployed",
      owner: t.adminName,
      enable_hw_sync: true,
      sync_interval: 900,
      last_sync: null,
      interface_set: [],
    });
    // …then GET …/machines/<id>/?op=get_token and write the credentials.
    const token = await get(`/MAAS/api/2.0/machines/${machine.system_id}/?op=get_token`);
    const triple = token.json() as Record<string, string>;
    expect(Object.keys(triple).sort()).toEqual(["consumer_key", "token_key", "token_secret"]);
    const creds = {
      consumerKey: triple.consumer_key!,
      tokenKey: triple.token_key!,
      tokenSecret: triple.token_secret!,
      consumerSecret: "",
    };
    // report-results: fetch maas-scripts, run the deploy-info ones, signal their output.
    const scripts = await raw(t.region, { path: "/MAAS/metadata/2012-03-01/maas-scripts", key: creds });
    expect(scripts.status).toBe(200);
    const resources = Buffer.from(`${JSON.stringify(fixture(), null, 2)}\n`);
    const script = "50-maas-01-commissioning";
    const reply = await signal(
      t,
      creds,
      [
        ["status", "WORKING"],
        ["runtime", "0.4"],
        ["exit_status", "0"],
        ["name", script],
      ],
      [
        [`${script}.out`, resources],
        [`${script}.err`, Buffer.alloc(0)],
        [script, resources],
      ],
    );
    expect([reply.status, reply.text]).toEqual([200, "OK"]);
    const synced = (await get(`/MAAS/api/2.0/machines/${machine.system_id}/`)).json() as Json;
    expect(synced).toMatchObject({ status_name: "Deployed", cpu_count: 8, is_sync_healthy: true });
    expect((synced.interface_set as unknown[]).length).toBeGreaterThan(0);
    expect(synced.last_sync).toBe(t.clock.now().toISOString());
  });

  test("deployed=true with enable_hw_sync=false stays out of sync; a bad boolean is MAAS's 400", async () => {
    const off = await raw(t.region, {
      path: "/MAAS/api/2.0/machines/",
      key: t.adminKey,
      form: { deployed: "true", enable_hw_sync: "false" },
    });
    expect(off.json()).toMatchObject({ status_name: "Deployed", enable_hw_sync: false, sync_interval: null });
    const bad = await raw(t.region, {
      path: "/MAAS/api/2.0/machines/",
      key: t.adminKey,
      form: { deployed: "maybe" },
    });
    expect([bad.status, bad.text]).toEqual([400, "Invalid deployed: Value should be 'true' or 'false'"]);
    const plain = await raw(t.region, {
      path: "/MAAS/api/2.0/machines/",
      key: t.adminKey,
      form: { deployed: "false" },
    });
    expect([plain.status, plain.json()]).toEqual([
      400,
      { mac_addresses: ["This field is required: give at least one MAC address."] },
    ]);
  });
});
