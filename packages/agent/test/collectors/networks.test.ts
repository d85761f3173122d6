import { buildServerTree, MAC } from "@hwsync/testkit/sysfs/server-tree";
import { afterAll, describe, expect, test } from "vitest";
import { collectNetworks, toAddresses } from "../../src/collectors/networks.ts";
import { contextFor } from "../fixtures/context.ts";

const fake = buildServerTree();
afterAll(() => fake.cleanup());

describe("collectNetworks on a fixture server", async () => {
  const networks = await collectNetworks(contextFor(fake));

  test("reports every netdev, including lo, VFs and virtual ones, with all MAAS keys present", () => {
    expect(Object.keys(networks).sort()).toEqual([
      "bond0",
      "br0",
      "br0.100",
      "eno1",
      "eno2",
      "enp3s16",
      "enp3s16f4",
      "lo",
    ]);
    for (const entry of Object.values(networks)) {
      expect(Object.keys(entry)).toEqual(
        expect.arrayContaining(["type", "hwaddr", "state", "addresses", "bond", "bridge", "vlan"]),
      );
    }
  });

  test("describes lo as a loopback with an empty hwaddr and host-scoped addresses", () => {
    expect(networks.lo).toEqual({
      type: "loopback",
      hwaddr: "",
      state: "up",
      mtu: 65536,
      addresses: [
        { family: "inet", address: "127.0.0.1", netmask: "8", scope: "local" },
        { family: "inet6", address: "::1", netmask: "128", scope: "local" },
      ],
      bond: null,
      bridge: null,
      vlan: null,
    });
  });

  test("describes a bond, the bridge over it and the VLAN on the bridge", () => {
    expect(networks.bond0?.bond).toEqual({
      mode: "active-backup",
      transmit_policy: "layer2",
      mii_state: "up",
      lower_devices: ["eno1"],
    });
    expect(networks.br0?.bridge).toEqual({ id: "8000.3cecef102030", stp: false, upper_devices: ["bond0"] });
    expect(networks["br0.100"]).toEqual({
      type: "broadcast",
      hwaddr: MAC.bond,
      state: "up",
      mtu: 1500,
      addresses: [
        { family: "inet", address: "10.0.0.57", netmask: "24", scope: "global" },
        { family: "inet6", address: "fe80::3eec:efff:fe10:2030", netmask: "64", scope: "link" },
        { family: "inet6", address: "2001:db8::57", netmask: "64", scope: "global" },
      ],
      bond: null,
      bridge: null,
      vlan: { lower_device: "br0", vid: 100 },
    });
  });

  test("reports a VF netdev and a down interface", () => {
    expect(networks.enp3s16).toMatchObject({
      type: "broadcast",
      hwaddr: MAC.vf0,
      state: "up",
      addresses: [],
    });
    expect(networks.eno2).toMatchObject({ hwaddr: MAC.eno2, state: "down" });
  });
});

test.each([
  [{ address: "192.168.1.5", netmask: "255.255.254.0", family: "IPv4" as const, cidr: null }, "23", "global"],
  [
    { address: "169.254.3.4", netmask: "255.255.0.0", family: "IPv4" as const, cidr: "169.254.3.4/16" },
    "16",
    "link",
  ],
  [
    { address: "fe80::1%eth0", netmask: "ffff:ffff:ffff:ffff::", family: "IPv6" as const, cidr: null },
    "64",
    "link",
  ],
])("toAddresses derives prefix and scope of %o", (info, prefix, scope) => {
  const [address] = toAddresses([
    { ...info, mac: "00:00:00:00:00:00", internal: false, scopeid: 0 } as never,
  ]);
  expect(address).toMatchObject({ netmask: prefix, scope });
  expect(address?.address).not.toContain("%");
});
