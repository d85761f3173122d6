import { addNetdev, addPci, addUsb, FakeRoot } from "@hwsync/testkit/sysfs/fake-root";
import { buildServerTree, MAC } from "@hwsync/testkit/sysfs/server-tree";
import { afterAll, describe, expect, test } from "vitest";
import { collectNics } from "../../src/collectors/nics.ts";
import { contextFor } from "../fixtures/context.ts";

const fake = buildServerTree();
afterAll(() => fake.cleanup());

describe("collectNics on a fixture server", async () => {
  const network = await collectNics(contextFor(fake));
  const byAddress = Object.fromEntries(network.cards.map((card) => [card.pci_address, card]));

  test("lists physical functions only; virtual functions sit under their parent's sriov.vfs", () => {
    expect(network.cards.map((card) => card.pci_address)).toEqual([
      "0000:03:00.0",
      "0000:03:00.1",
      "0000:06:00.0",
    ]);
    expect(network.total).toBe(3);
  });

  test("describes an SR-IOV card with its port, driver, ids, names and both VFs", () => {
    expect(byAddress["0000:03:00.0"]).toEqual({
      driver: "igb",
      driver_version: "5.15.0-k",
      pci_address: "0000:03:00.0",
      vendor: "Intel Corporation",
      vendor_id: "8086",
      product: "I350 Gigabit Network Connection",
      product_id: "1521",
      numa_node: 0,
      // eno1 is enslaved to bond0: its own MAC comes from bonding_slave/perm_hwaddr.
      ports: [
        {
          id: "eno1",
          address: MAC.eno1,
          port: 0,
          protocol: "ethernet",
          link_detected: true,
          link_speed: 1000,
        },
      ],
      sriov: {
        current_vfs: 2,
        maximum_vfs: 7,
        vfs: [
          {
            driver: "igbvf",
            pci_address: "0000:03:10.0",
            vendor: "Intel Corporation",
            vendor_id: "8086",
            product: "I350 Ethernet Controller Virtual Function",
            product_id: "1520",
            numa_node: 0,
            ports: [
              {
                id: "enp3s16",
                address: MAC.vf0,
                port: 0,
                protocol: "ethernet",
                link_detected: true,
                link_speed: 1000,
              },
            ],
          },
          expect.objectContaining({
            pci_address: "0000:03:10.4",
            ports: [
              { id: "enp3s16f4", address: MAC.vf4, port: 0, protocol: "ethernet", link_detected: false },
            ],
          }),
        ],
      },
    });
  });

  test("reports a port without carrier as link_detected false and without a speed", () => {
    expect(byAddress["0000:03:00.1"]?.ports).toEqual([
      { id: "eno2", address: MAC.eno2, port: 0, protocol: "ethernet", link_detected: false },
    ]);
    expect(byAddress["0000:03:00.1"]?.sriov).toEqual({ current_vfs: 0, maximum_vfs: 7, vfs: [] });
  });

  test("keeps a network-class PCI function with no driver bound, with no ports", () => {
    expect(byAddress["0000:06:00.0"]).toEqual({
      pci_address: "0000:06:00.0",
      vendor: "Mellanox Technologies",
      vendor_id: "15b3",
      product: "MT27520 Family [ConnectX-3 Pro]",
      product_id: "1007",
      numa_node: 1,
      ports: [],
    });
  });
});

test("collectNics uses the PCI function behind a virtio netdev as the card", async () => {
  const vm = new FakeRoot();
  try {
    const pci = addPci(vm, {
      address: "0000:00:03.0",
      vendor: "1af4",
      device: "1041",
      pciClass: 0x020000,
      driver: "virtio-pci",
    });
    vm.dir("/sys/bus/virtio/drivers/virtio_net");
    vm.link(`${pci}/virtio2/driver`, "/sys/bus/virtio/drivers/virtio_net");
    addNetdev(vm, { name: "eth0", device: `${pci}/virtio2`, mac: "02:fc:00:00:00:01", carrier: true });
    const network = await collectNics(contextFor(vm));
    expect(network.cards).toEqual([
      {
        driver: "virtio_net",
        pci_address: "0000:00:03.0",
        vendor_id: "1af4",
        product_id: "1041",
        numa_node: 0,
        ports: [
          { id: "eth0", address: "02:fc:00:00:00:01", port: 0, protocol: "ethernet", link_detected: true },
        ],
      },
    ]);
  } finally {
    vm.cleanup();
  }
});

test("collectNics reports a USB Ethernet adapter with its USB address and USB ids", async () => {
  const box = new FakeRoot();
  try {
    const xhci = addPci(box, { address: "0000:00:14.0", vendor: "8086", device: "8c31", pciClass: 0x0c0330 });
    const dongle = addUsb(box, {
      name: "2-1",
      parent: `${xhci}/usb2`,
      bus: 2,
      address: 4,
      vendor: "0bda",
      product: "8153",
      speed: "5000",
      interfaces: [{ number: 0, cls: "ff", subclass: "ff", driver: "r8152" }],
    });
    addNetdev(box, {
      name: "enx00e04c680001",
      device: `${dongle}/2-1:1.0`,
      mac: "00:e0:4c:68:00:01",
      carrier: false,
    });
    const network = await collectNics(contextFor(box));
    expect(network.cards).toEqual([
      {
        driver: "r8152",
        usb_address: "2:4",
        vendor_id: "0bda",
        product_id: "8153",
        numa_node: 0,
        ports: [
          {
            id: "enx00e04c680001",
            address: "00:e0:4c:68:00:01",
            port: 0,
            protocol: "ethernet",
            link_detected: false,
          },
        ],
      },
    ]);
  } finally {
    box.cleanup();
  }
});
