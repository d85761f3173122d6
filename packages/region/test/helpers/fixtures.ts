import { canonicalJson, type HardwarePayload, hardwarePayloadSchema } from "@hwsync/shared";
import { fixtureNames, fixture as loadFixture } from "@hwsync/testkit/fixtures";

export const FIXTURE_NAMES = fixtureNames();

/** A fresh, mutable copy of a fixture document (testkit's), the x86 one unless named. */
export function fixture(name = "machine-resources-x86.json"): Record<string, any> {
  return loadFixture(name);
}

export function parsed(document: unknown): HardwarePayload {
  return hardwarePayloadSchema.parse(document);
}

/** The bytes our agent would send for a document. */
export function agentBytes(document: unknown): Buffer {
  return Buffer.from(canonicalJson(document));
}

/** The x86 fixture with one disk removed, one NIC added and one USB stick plugged in. */
export function changedX86(): Record<string, any> {
  const doc = fixture();
  doc.resources.storage.disks = doc.resources.storage.disks.filter(
    (disk: { id: string }) => disk.id !== "sdb",
  );
  doc.resources.network.cards.push({
    driver: "ixgbe",
    ports: [
      {
        id: "eth3",
        address: "00:00:00:00:00:04",
        link_detected: true,
        link_speed: 10000,
        supported_modes: ["10000baseT/Full"],
      },
    ],
    numa_node: 0,
    pci_address: "0000:05:00.0",
    vendor: "Intel Corporation",
    vendor_id: "8086",
    product: "Ethernet Controller X540-AT2",
    product_id: "1528",
    sriov: { current_vfs: 0, maximum_vfs: 63, vfs: [] },
  });
  doc.networks.eth3 = {
    addresses: [],
    hwaddr: "00:00:00:00:00:04",
    state: "up",
    type: "broadcast",
    bond: null,
    bridge: null,
    vlan: null,
  };
  doc.resources.usb.devices.push({
    bus_address: 3,
    device_address: 7,
    interfaces: [{ class: "Mass Storage", class_id: 8, driver: "usb-storage", number: 0 }],
    product: "DataTraveler 3.0",
    product_id: "1666",
    speed: 5000,
    vendor: "Kingston Technology",
    vendor_id: "0951",
  });
  return doc;
}

/** The x86 fixture with an SR-IOV VF on eth0's card, a VLAN and a bond on top. */
export function withVirtualDevices(): Record<string, any> {
  const doc = fixture();
  const card = doc.resources.network.cards[0];
  card.sriov = {
    current_vfs: 1,
    maximum_vfs: 8,
    vfs: [
      {
        driver: "iavf",
        ports: [{ id: "eth0v0", address: "02:11:22:33:44:55", link_detected: true }],
        numa_node: 0,
        pci_address: "0000:00:19.1",
        vendor: "Intel Corporation",
        vendor_id: "8086",
        product: "Ethernet Virtual Function",
        product_id: "154c",
      },
    ],
  };
  doc.resources.pci.devices.push({
    driver: "iavf",
    numa_node: 0,
    pci_address: "0000:00:19.1",
    product: "Ethernet Virtual Function",
    product_id: "154c",
    vendor: "Intel Corporation",
    vendor_id: "8086",
    vpd: { entries: {} },
  });
  const net = (extra: Record<string, unknown>) => ({
    addresses: [],
    hwaddr: "02:11:22:33:44:55",
    state: "up",
    type: "broadcast",
    bond: null,
    bridge: null,
    vlan: null,
    ...extra,
  });
  doc.networks.eth0v0 = net({});
  doc.networks["eth0.100"] = net({ hwaddr: "00:00:00:00:00:01", vlan: { lower_device: "eth0", vid: 100 } });
  doc.networks.bond0 = net({ hwaddr: "00:00:00:00:00:02", bond: { lower_devices: ["eth1", "eth2"] } });
  return doc;
}
