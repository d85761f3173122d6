import { describe, expect, test } from "vitest";
import { normalizePayload } from "../../../src/services/hardware-sync/normalize.ts";
import { mapArchitecture, mergeArchitecture } from "../../../src/services/hardware-sync/normalize-machine.ts";
import { FIXTURE_NAMES, fixture, parsed, withVirtualDevices } from "../../helpers/fixtures.ts";

describe("normalizePayload", () => {
  test.each(FIXTURE_NAMES)("%s normalizes into rows with unique keys", (name) => {
    const state = normalizePayload(parsed(fixture(name)));
    const unique = (values: string[]) => expect(new Set(values).size).toBe(values.length);
    unique(state.blockDevices.map((disk) => disk.identity));
    unique(state.interfaces.map((nic) => nic.name));
    unique(state.pciDevices.map((device) => device.pciAddress));
    unique(state.usbDevices.map((device) => `${device.busAddress}:${device.deviceAddress}`));
    expect(state.machine.cpuCount).toBeGreaterThan(0);
    expect(state.machine.memory).toBeGreaterThan(0);
  });

  test("the x86 fixture yields its machine values", () => {
    const { machine } = normalizePayload(parsed(fixture()));
    expect(machine).toEqual({
      architecture: "amd64/generic",
      osystem: "ubuntu",
      distroSeries: "jammy",
      cpuCount: 8,
      cpuModel: "Intel(R) Core(TM) i7-4700MQ CPU",
      cpuSpeed: 2400,
      memory: 15918,
      hardwareUuid: "4c4c4544-0042-3510-8051-b4c04f4e4c31",
      systemInfo: expect.objectContaining({
        system_vendor: "Dell Inc.",
        system_product: "PowerEdge R640",
        system_serial: "BXQ5LN1",
        mainboard_firmware_version: "2.8.1",
      }),
    });
    // Empty DMI strings are dropped, not stored.
    expect(machine.systemInfo).not.toHaveProperty("system_version");
  });

  test("two disks sharing a serial fall back to their other identities", () => {
    const disks = normalizePayload(parsed(fixture())).blockDevices;
    expect(disks.map((disk) => [disk.name, disk.identity, disk.tags])).toEqual([
      ["sda", "path:/dev/disk/by-id/wwn-0x12345", ["sata", "ssd"]],
      ["sdb", "model:WDC WD60EFRX-68M:6001175126016", ["5400rpm", "removable", "rotary"]],
    ]);
    expect(disks[0]!.idPath).toBe("/dev/disk/by-id/wwn-0x12345");
    expect(disks[0]!.details).toMatchObject({ pci_address: "0000:00:1f.2" });
  });

  test("read-only, cdrom, tiny and loop disks are skipped", () => {
    const doc = fixture("machine-resources-lp1906834.json");
    const base = { read_only: false, removable: false, rpm: 0, size: 10 * 2 ** 30, type: "sata" };
    doc.resources.storage.disks.push(
      { ...base, id: "loop0" },
      { ...base, id: "bcache0" },
      { ...base, id: "sdz", read_only: true },
    );
    const names = normalizePayload(parsed(doc)).blockDevices.map((disk) => disk.name);
    // sdb is 0 bytes (a BMC's virtual disk), sr0 a cdrom.
    expect(names).toEqual(["nvme0n1", "nvme1n1", "sda"]);
  });

  test("interfaces take MAAS's types and relations; a VF is physical, virtual, and knows its PF", () => {
    const interfaces = normalizePayload(parsed(withVirtualDevices())).interfaces;
    expect(
      interfaces.map((nic) => [nic.name, nic.type, nic.isVirtual, nic.parents, nic.sriovPf, nic.macAddress]),
    ).toEqual([
      ["bond0", "bond", true, ["eth1", "eth2"], null, "00:00:00:00:00:02"],
      ["eth0", "physical", false, [], null, "00:00:00:00:00:01"],
      ["eth0.100", "vlan", true, ["eth0"], null, "00:00:00:00:00:01"],
      ["eth0v0", "physical", true, [], "eth0", "02:11:22:33:44:55"],
      ["eth1", "physical", false, [], null, "00:00:00:00:00:02"],
      ["eth2", "physical", false, [], null, "00:00:00:00:00:03"],
    ]);
    // MAAS's interface tag for a NIC that can create virtual functions; not on the VF itself.
    expect(interfaces.map((nic) => [nic.name, nic.tags])).toEqual([
      ["bond0", []],
      ["eth0", ["sriov"]],
      ["eth0.100", []],
      ["eth0v0", []],
      ["eth1", []],
      ["eth2", []],
    ]);
    const eth0 = interfaces.find((nic) => nic.name === "eth0")!;
    expect(eth0).toMatchObject({
      linkConnected: true,
      linkSpeed: 1000,
      interfaceSpeed: 1000,
      sriovMaxVf: 8,
      pciAddress: "0000:00:19.0",
      details: { addresses: ["192.168.0.3/24", "2001:db8:a::123/64"], vendor_id: "8086", product_id: "153a" },
    });
    // A port that is down is not connected even when the link was detected.
    expect(interfaces.find((nic) => nic.name === "eth2")!.linkConnected).toBe(false);
  });

  test("netdevs without a card port are virtual, loopback is not modelled", () => {
    const interfaces = normalizePayload(parsed(fixture("machine-resources-lp1906834.json"))).interfaces;
    expect(interfaces.map((nic) => [nic.name, nic.type, nic.isVirtual])).toEqual([
      ["eth0", "physical", true],
      ["eth1", "physical", true],
      ["eth2", "physical", true],
    ]);
  });

  test("PCI devices are classed by what uses them and VFs are virtual", () => {
    const devices = normalizePayload(parsed(withVirtualDevices())).pciDevices;
    expect(devices.map((device) => [device.pciAddress, device.hardwareType, device.isVirtual])).toEqual([
      ["0000:00:19.0", "network", false],
      ["0000:00:19.1", "network", true],
      ["0000:00:1f.2", "storage", false],
      ["0000:01:00.0", "node", false],
    ]);
    expect(devices[3]!.details).toEqual({ vpd: { PN: "900-1G133", SN: "1324120001234" } });
  });

  test("USB devices carry their interface drivers", () => {
    const devices = normalizePayload(parsed(fixture())).usbDevices;
    expect(devices.map((device) => [device.busAddress, device.deviceAddress, device.driver])).toEqual([
      [1, 2, "usbhid"],
      [2, 3, "usb-storage"],
    ]);
  });

  test("a CPU without a model name takes its turbo clock", () => {
    const { machine } = normalizePayload(parsed(fixture("machine-resources-no-numa.json")));
    expect([machine.architecture, machine.cpuModel, machine.cpuSpeed, machine.memory]).toEqual([
      "arm64/generic",
      null,
      1500,
      3791,
    ]);
  });
});

describe("architecture", () => {
  test.each([
    ["x86_64", "amd64/generic"],
    ["aarch64", "arm64/generic"],
    ["i686", "i386/generic"],
    ["ppc64le", "ppc64el/generic"],
    ["s390x", "s390x/generic"],
    ["mips64", "mips64el/generic"],
  ])("%s maps to %s", (kernel, maas) => {
    expect(mapArchitecture(kernel)).toBe(maas);
  });

  test.each([
    ["arm64/xgene", "arm64/generic", "arm64/xgene"],
    ["amd64/generic", "arm64/generic", "arm64/generic"],
    ["amd64/hwe-22.04", "amd64/generic", "amd64/hwe-22.04"],
  ])("stored %s with reported %s keeps %s", (stored, reported, expected) => {
    expect(mergeArchitecture(stored, reported)).toBe(expected);
  });
});
