import { ENGINES, POSTGRES_URL, raw, uniqueName, useTestRegion } from "@hwsync/testkit";
import { describe, expect, test } from "vitest";
import { fakeClock } from "../../../src/clock.ts";
import { dropSchema, openDatabase } from "../../../src/db/db.ts";
import { migrate } from "../../../src/db/migrate.ts";
import { MIGRATIONS } from "../../../src/db/migrations/index.ts";
import { INTERFACE_TYPES } from "../../../src/model/hardware.ts";
import { fixture } from "../../helpers/fixtures.ts";
import { deployedMachine, WIRES, type Wire } from "../../helpers/sync-region.ts";

// Interfaces as MAAS models them, from MAAS's own samples (testkit's bond/bridge/VLAN fixture):
// MAAS's types only, bond and bridge parents from the member lists (null lists are empty), the
// members' children, VLANs on their lower device, and netdevs with no NIC port of their own (an
// SR-IOV VF, a veth) stored as physical but dropped at release.

interface Nic {
  name: string;
  type: string;
  parents: string[];
  children: string[];
  is_virtual: boolean;
  tags: string[];
}

describe.each(ENGINES)("interfaces in MAAS's vocabulary on %s", (engine) => {
  const t = useTestRegion({ engine, clock: fakeClock(new Date()) });

  const read = async (systemId: string, op = "") =>
    (await raw(t, { path: `/MAAS/api/2.0/machines/${systemId}/${op}`, key: t.adminCredentials })).json();

  test.each(Object.keys(WIRES) as Wire[])(
    "bonds, bridges, VLANs and VFs have MAAS's types and relations (%s)",
    async (wire) => {
      const machine = await deployedMachine(t);
      const reply = await WIRES[wire](t, machine.creds, fixture("machine-resources-bond-bridge-vlan.json"));
      expect(reply.status).toBe(200);
      const nics = (await read(machine.systemId)).interface_set as Nic[];
      const shape = Object.fromEntries(
        nics.map((nic) => [nic.name, [nic.type, nic.parents, nic.children, nic.is_virtual, nic.tags]]),
      );
      expect(shape).toEqual({
        bond0: ["bond", ["eth1", "eth2"], ["br0"], true, []],
        br0: ["bridge", ["bond0"], [], true, []],
        // upper_devices null (MAAS LP#2137017): a bridge with no members, kept as MAAS keeps it.
        br1: ["bridge", [], [], true, []],
        eth0: ["physical", [], ["vlan100"], false, ["sriov"]],
        eth0v0: ["physical", [], [], true, []],
        eth1: ["physical", [], ["bond0"], false, []],
        eth2: ["physical", [], ["bond0"], false, []],
        veth1a2b: ["physical", [], [], true, []],
        vlan100: ["vlan", ["eth0"], [], true, []],
      });
      // bond1 (lower_devices null) has nothing to attach to: MAAS ignores it.
      expect(nics.every((nic) => (INTERFACE_TYPES as readonly string[]).includes(nic.type))).toBe(true);
      // Our own detail: which port the VF belongs to, beside MAAS's type.
      const hardware = await read(machine.systemId, "?op=hardware");
      const vf = (hardware.interfaces as Array<{ name: string; sriov_pf: string | null }>).find(
        (nic) => nic.name === "eth0v0",
      );
      expect(vf?.sriov_pf).toBe("eth0");

      const released = await raw(t, {
        path: `/MAAS/api/2.0/machines/${machine.systemId}/?op=release`,
        key: t.adminCredentials,
        form: {},
      });
      expect((released.json().interface_set as Nic[]).map((nic) => nic.name)).toEqual([
        "eth0",
        "eth1",
        "eth2",
      ]);
      expect(
        (released.json().pci_devices as Array<{ pci_address: string }>).map((device) => device.pci_address),
      ).not.toContain("0000:00:19.1");
    },
  );
});

describe.each(ENGINES)("migration of stored interfaces on %s", (engine) => {
  test("vf and other rows become physical and virtual; members and lower devices become parents", async () => {
    const schema = uniqueName("m");
    const db =
      engine === "pglite"
        ? await openDatabase({ dataDir: "memory://", skipMigrations: true })
        : await openDatabase({
            databaseUrl: POSTGRES_URL,
            schema,
            skipMigrations: true,
          });
    try {
      await migrate(
        db,
        MIGRATIONS.filter((migration) => migration.version < 3),
      );
      await db.query(
        `INSERT INTO machines (system_id, hostname, status, status_message, last_sync, hardware_hash)
         VALUES ('m1', 'm1', 6, 'Deploying: waiting for the machine''s first report', now(), NULL)`,
      );
      await db.query(
        `INSERT INTO interfaces (machine_id, name, mac_address, type, is_virtual, parent_name, sriov_max_vf, details)
         SELECT id, x.name, x.mac, x.type, x.virtual, x.parent, x.vfs, x.details::jsonb FROM machines,
           (VALUES ('eth0', '00:00:00:00:00:01', 'physical', false, NULL, 8, '{}'),
                   ('eth1', '00:00:00:00:00:02', 'physical', false, NULL, 0, '{}'),
                   ('eth0v0', '02:11:22:33:44:55', 'vf', true, 'eth0', 0, '{}'),
                   ('veth0', '9a:00:00:00:00:01', 'other', true, NULL, 0, '{}'),
                   ('eth0.100', '00:00:00:00:00:01', 'vlan', true, 'eth0', 0, '{"vid": 100}'),
                   ('bond0', '00:00:00:00:00:02', 'bond', true, NULL, 0, '{"members": ["eth1", "eth0"]}'))
             AS x(name, mac, type, virtual, parent, vfs, details)`,
      );
      await migrate(db);
      const { rows } = await db.query<Record<string, unknown>>(
        "SELECT name, type, is_virtual, parents, sriov_pf, tags, details FROM interfaces ORDER BY name",
      );
      expect(rows.map((row) => Object.values(row))).toEqual([
        ["bond0", "bond", true, ["eth0", "eth1"], null, [], {}],
        ["eth0", "physical", false, [], null, ["sriov"], {}],
        ["eth0.100", "vlan", true, ["eth0"], null, [], { vid: 100 }],
        ["eth0v0", "physical", true, [], "eth0", [], {}],
        ["eth1", "physical", false, [], null, [], {}],
        ["veth0", "physical", true, [], null, [], {}],
      ]);
      await expect(db.query("UPDATE interfaces SET type = 'vf' WHERE name = 'eth0v0'")).rejects.toThrow(
        /interfaces_maas_type/,
      );
      const machine = await db.query<{ status_message: string; last_sync: Date | null }>(
        "SELECT status_message, last_sync FROM machines",
      );
      expect(machine.rows[0]).toEqual({ status_message: "Deployed", last_sync: null });
    } finally {
      await db.close();
      if (engine === "postgres") {
        await dropSchema(POSTGRES_URL, schema);
      }
    }
  });
});
