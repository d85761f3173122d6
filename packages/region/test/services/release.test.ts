import { ENGINES, raw, useTestRegion } from "@hwsync/testkit";
import { describe, expect, test } from "vitest";
import { fakeClock } from "../../src/clock.ts";
import { withVirtualDevices } from "../helpers/fixtures.ts";
import { deployedMachine, push, snapshot } from "../helpers/sync-region.ts";

type Named = { name: string };

describe.each(ENGINES)("release on %s", (engine) => {
  const t = useTestRegion({ engine, clock: fakeClock(new Date()) });

  test("release drops VFs and other virtual devices and keeps the physical ones", async () => {
    const machine = await deployedMachine(t);
    expect((await push(t, machine.creds, withVirtualDevices())).status).toBe(200);
    const before = await snapshot(t.db, machine.machineId);
    expect((before.interfaces as Named[]).map((nic) => nic.name).sort()).toEqual(
      ["bond0", "eth0", "eth0.100", "eth0v0", "eth1", "eth2"].sort(),
    );

    const released = await raw(t, {
      path: `/MAAS/api/2.0/machines/${machine.systemId}/?op=release`,
      key: t.adminCredentials,
      form: {},
    });
    expect(released.status).toBe(200);
    expect(released.json()).toMatchObject({ status_name: "Ready", enable_hw_sync: false, last_sync: null });

    const after = await snapshot(t.db, machine.machineId);
    expect((after.interfaces as Named[]).map((nic) => nic.name).sort()).toEqual(["eth0", "eth1", "eth2"]);
    expect((after.pciDevices as Array<{ pci_address: string }>).map((d) => d.pci_address)).toEqual(
      (before.pciDevices as Array<{ pci_address: string; is_virtual: boolean }>)
        .filter((d) => !d.is_virtual)
        .map((d) => d.pci_address),
    );
    expect(after.blockDevices).toEqual(before.blockDevices);
    expect(after.usbDevices).toEqual(before.usbDevices);
    expect(after.machine).toMatchObject({ hardware_hash: null, enable_hw_sync: false, last_sync: null });

    const history = await raw(t, {
      path: `/MAAS/api/2.0/machines/${machine.systemId}/?op=hardware_history`,
      key: t.adminCredentials,
    });
    expect(history.json()[0].changes).toEqual([
      {
        kind: "interface",
        action: "removed",
        name: "bond0",
        details: { reason: "release", type: "bond", mac_address: "00:00:00:00:00:02" },
      },
      {
        kind: "interface",
        action: "removed",
        name: "eth0.100",
        details: { reason: "release", type: "vlan", mac_address: "00:00:00:00:00:01" },
      },
      {
        kind: "interface",
        action: "removed",
        name: "eth0v0",
        details: { reason: "release", type: "physical", mac_address: "02:11:22:33:44:55", sriov_pf: "eth0" },
      },
      {
        kind: "pci_device",
        action: "removed",
        name: "0000:00:19.1",
        details: { reason: "release", type: "network" },
      },
    ]);

    // The agent still running on the machine now holds a dead token.
    const late = await push(t, machine.creds, withVirtualDevices());
    expect(late.status).toBe(401);
    expect(late.text).toBe(`Authorization Error: 'Invalid access token: ${machine.creds.tokenKey}'`);
  });

  test("after a redeploy the first push re-adds only what release dropped", async () => {
    const machine = await deployedMachine(t);
    await push(t, machine.creds, withVirtualDevices());
    await raw(t, {
      path: `/MAAS/api/2.0/machines/${machine.systemId}/?op=release`,
      key: t.adminCredentials,
      form: {},
    });
    await raw(t, {
      path: `/MAAS/api/2.0/machines/${machine.systemId}/?op=deploy`,
      key: t.adminCredentials,
      // The OS the payload reports, so the OS fields are no change either.
      form: { enable_hw_sync: "true", osystem: "ubuntu", distro_series: "jammy" },
    });
    const token = (
      await raw(t, {
        path: `/MAAS/api/2.0/machines/${machine.systemId}/?op=get_token`,
        key: t.adminCredentials,
      })
    ).json();
    const creds = {
      consumerKey: token.consumer_key,
      tokenKey: token.token_key,
      tokenSecret: token.token_secret,
      consumerSecret: "",
    };
    const reply = await push(t, creds, withVirtualDevices());
    expect(reply.json()).toMatchObject({ changed: true, changes: 4, status_name: "Deployed" });
    const history = await raw(t, {
      path: `/MAAS/api/2.0/machines/${machine.systemId}/?op=hardware_history`,
      key: t.adminCredentials,
    });
    expect(
      history.json()[0].changes.map((c: { action: string; name: string }) => `${c.action} ${c.name}`),
    ).toEqual(["added bond0", "added eth0.100", "added eth0v0", "added 0000:00:19.1"]);
  });
});
