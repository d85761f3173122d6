import type { HardwarePayloadInput } from "@hwsync/shared";
import { fixture } from "@hwsync/testkit/fixtures";

// Machine-resources documents for simulated machines, as our agent would send them: 4–24 disks
// (SATA, SAS, NVMe, with partitions), 2–8 NICs (some SR-IOV with VFs), 20–60 PCI functions and
// 2–10 USB devices, every serial and MAC unique to the machine. Deterministic per index.
//
// Variant 1 is the "changed" state of the same machine: a USB stick unplugged and a disk's
// firmware updated (2 changes), so alternating variants makes every push a real change.

/** A small deterministic PRNG (mulberry32): the same machine index always gives the same box. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// biome-ignore lint/suspicious/noExplicitAny: documents are built piecemeal, then checked by the schema.
type Json = Record<string, any>;

const hex = (value: number, width: number) => value.toString(16).padStart(width, "0");

function mac(machine: number, nic: number): string {
  const bytes = [
    0x02,
    (machine >> 16) & 0xff,
    (machine >> 8) & 0xff,
    machine & 0xff,
    (nic >> 8) & 0xff,
    nic & 0xff,
  ];
  return bytes.map((byte) => hex(byte, 2)).join(":");
}

const DISK_MODELS = [
  { model: "SAMSUNG MZ7LH960HAJR", type: "sata", rpm: 0, size: 960197124096 },
  { model: "ST4000NM0035-1V4107", type: "sata", rpm: 7200, size: 4000787030016 },
  { model: "HUS726T6TAL5204", type: "sas", rpm: 7200, size: 6001175126016 },
  { model: "Dell Ent NVMe P5600 MU U.2 1.6TB", type: "nvme", rpm: 0, size: 1600321314816 },
];

const PCI_KINDS = [
  {
    vendor_id: "8086",
    product_id: "a1d2",
    vendor: "Intel Corporation",
    product: "C620 Series Chipset Family SSATA Controller [AHCI mode]",
    driver: "ahci",
  },
  {
    vendor_id: "8086",
    product_id: "2021",
    vendor: "Intel Corporation",
    product: "Sky Lake-E CBDMA Registers",
    driver: "ioatdma",
  },
  {
    vendor_id: "1000",
    product_id: "0097",
    vendor: "Broadcom / LSI",
    product: "SAS3008 PCI-Express Fusion-MPT SAS-3",
    driver: "mpt3sas",
  },
  {
    vendor_id: "8086",
    product_id: "2030",
    vendor: "Intel Corporation",
    product: "Sky Lake-E PCI Express Root Port A",
    driver: "pcieport",
  },
  {
    vendor_id: "102b",
    product_id: "0536",
    vendor: "Matrox Electronics Systems Ltd.",
    product: "Integrated Matrox G200eW3 Graphics Controller",
    driver: "mgag200",
  },
];

const USB_KINDS = [
  {
    vendor_id: "1d6b",
    product_id: "0002",
    vendor: "Linux Foundation",
    product: "2.0 root hub",
    cls: "Hub",
    class_id: 9,
    driver: "hub",
    speed: 480,
  },
  {
    vendor_id: "413c",
    product_id: "a001",
    vendor: "Dell Computer Corp.",
    product: "Hub",
    cls: "Hub",
    class_id: 9,
    driver: "hub",
    speed: 480,
  },
  {
    vendor_id: "0781",
    product_id: "5567",
    vendor: "SanDisk Corp.",
    product: "Cruzer Blade",
    cls: "Mass Storage",
    class_id: 8,
    driver: "usb-storage",
    speed: 480,
  },
  {
    vendor_id: "046d",
    product_id: "c31c",
    vendor: "Logitech, Inc.",
    product: "Keyboard K120",
    cls: "Human Interface Device",
    class_id: 3,
    driver: "usbhid",
    speed: 1.5,
  },
];

export interface MachineShape {
  disks: number;
  nics: number;
  vfs: number;
  pci: number;
  usb: number;
}

/** The machine-resources document of simulated machine `index` in state `variant` (0 or 1). */
function machinePayload(index: number, variant: 0 | 1 = 0): HardwarePayloadInput & { shape: MachineShape } {
  const rand = random(index * 7919 + 17);
  const pick = (low: number, high: number) => low + Math.floor(rand() * (high - low + 1));
  const doc: Json = fixture("machine-resources-x86.json");
  const shape: MachineShape = {
    disks: pick(4, 24),
    nics: pick(2, 8),
    vfs: 0,
    pci: pick(20, 60),
    usb: pick(2, 10),
  };
  doc.environment.server_name = `sim-${index}`;
  doc.resources.system.uuid = `00000000-0000-4000-8000-${hex(index, 12)}`;
  doc.resources.system.serial = `SIM${hex(index, 8).toUpperCase()}`;

  const pci: Array<Record<string, unknown>> = [];
  let slot = 0;
  const nextAddress = () => {
    slot++;
    return `0000:${hex(slot >> 3, 2)}:00.${slot & 7}`;
  };

  const cards: Array<Record<string, unknown>> = [];
  const networks: Record<string, unknown> = { lo: doc.networks.lo };
  let nicCounter = 0;
  const port = (name: string, address: string, speed: number | undefined) => ({
    id: name,
    address,
    port: 0,
    protocol: "ethernet",
    auto_negotiation: true,
    link_detected: speed !== undefined,
    ...(speed !== undefined ? { link_speed: speed } : {}),
  });
  for (let n = 0; n < shape.nics; n++) {
    const address = nextAddress();
    const name = `enp${slot}s0f${n % 2}`;
    const hw = mac(index, nicCounter++);
    const withVfs = n < 2 && rand() < 0.5;
    const vfCards: Array<Record<string, unknown>> = [];
    if (withVfs) {
      const count = pick(2, 4);
      for (let v = 0; v < count; v++) {
        const vfAddress = nextAddress();
        const vfName = `${name}v${v}`;
        const vfMac = mac(index, nicCounter++);
        vfCards.push({
          driver: "iavf",
          driver_version: "4.9.5",
          ports: [port(vfName, vfMac, 25000)],
          numa_node: 0,
          pci_address: vfAddress,
          vendor: "Intel Corporation",
          vendor_id: "8086",
          product: "Ethernet Adaptive Virtual Function",
          product_id: "1889",
        });
        pci.push({
          driver: "iavf",
          driver_version: "4.9.5",
          numa_node: 0,
          pci_address: vfAddress,
          vendor: "Intel Corporation",
          vendor_id: "8086",
          product: "Ethernet Adaptive Virtual Function",
          product_id: "1889",
          iommu_group: 100 + pci.length,
          vpd: { entries: {} },
        });
        networks[vfName] = {
          addresses: [],
          hwaddr: vfMac,
          state: "up",
          type: "broadcast",
          bond: null,
          bridge: null,
          vlan: null,
        };
        shape.vfs++;
      }
    }
    const speed = n === 0 ? 25000 : rand() < 0.6 ? 10000 : undefined;
    cards.push({
      driver: "ice",
      driver_version: "1.12.7",
      ports: [port(name, hw, speed)],
      numa_node: n % 2,
      pci_address: address,
      vendor: "Intel Corporation",
      vendor_id: "8086",
      product: "Ethernet Controller E810-XXV for SFP",
      product_id: "159b",
      firmware_version: "4.20 0x8001778b 1.3346.0",
      sriov: { current_vfs: vfCards.length, maximum_vfs: 128, vfs: vfCards },
    });
    pci.push({
      driver: "ice",
      driver_version: "1.12.7",
      numa_node: n % 2,
      pci_address: address,
      vendor: "Intel Corporation",
      vendor_id: "8086",
      product: "Ethernet Controller E810-XXV for SFP",
      product_id: "159b",
      iommu_group: 10 + n,
      vpd: { entries: { PN: "K91258-010", SN: `E810${hex(index, 6)}${n}` } },
    });
    networks[name] = {
      addresses:
        n === 0
          ? [
              {
                family: "inet",
                address: `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`,
                netmask: "16",
                scope: "global",
              },
            ]
          : [],
      hwaddr: hw,
      state: speed !== undefined ? "up" : "down",
      type: "broadcast",
      bond: null,
      bridge: null,
      vlan: null,
    };
  }
  while (pci.length < shape.pci) {
    const kind = PCI_KINDS[pci.length % PCI_KINDS.length]!;
    pci.push({
      ...kind,
      driver_version: "",
      numa_node: pci.length % 2,
      pci_address: nextAddress(),
      iommu_group: pci.length,
      vpd: { entries: {} },
    });
  }
  shape.pci = pci.length;

  const disks: Array<Record<string, unknown>> = [];
  for (let d = 0; d < shape.disks; d++) {
    const kind = DISK_MODELS[(index + d) % DISK_MODELS.length]!;
    const nvme = kind.type === "nvme";
    const name = nvme ? `nvme${d}n1` : `sd${String.fromCharCode(97 + (d % 26))}${d >= 26 ? d : ""}`;
    const serial = `S${hex(index, 6)}D${hex(d, 2)}`.toUpperCase();
    const partitions = d === 0 ? [1, 2, 3] : d % 3 === 0 ? [1] : [];
    disks.push({
      id: name,
      device: `${nvme ? 259 : 8}:${d * 16}`,
      model: kind.model,
      type: kind.type,
      read_only: false,
      size: kind.size,
      removable: false,
      numa_node: d % 2,
      device_path: nvme ? `pci-0000:${hex(0x40 + d, 2)}:00.0-nvme-1` : `pci-0000:18:00.0-sas-phy${d}-lun-0`,
      device_id: nvme
        ? `nvme-eui.${hex(index, 8)}${hex(d, 8)}`
        : `wwn-0x5000c500${hex(index, 6)}${hex(d, 2)}`,
      block_size: 4096,
      rpm: kind.rpm,
      firmware_version: variant === 1 && d === 0 ? "FW0200" : "FW0100",
      serial,
      partitions: partitions.map((number) => ({
        id: nvme ? `${name}p${number}` : `${name}${number}`,
        device: `${nvme ? 259 : 8}:${d * 16 + number}`,
        read_only: false,
        size: Math.floor(kind.size / (partitions.length + 1)),
        partition: number,
      })),
    });
  }

  const usb: Array<Record<string, unknown>> = [];
  const usbCount = variant === 1 ? shape.usb - 1 : shape.usb;
  for (let u = 0; u < usbCount; u++) {
    const kind = USB_KINDS[u < 2 ? u : 2 + (u % 2)]!;
    usb.push({
      bus_address: 1 + (u >> 3),
      device_address: 1 + u,
      interfaces: [
        {
          class: kind.cls,
          class_id: kind.class_id,
          driver: kind.driver,
          driver_version: "6.8.0-45-generic",
          number: 0,
          subclass: "",
          subclass_id: 0,
        },
      ],
      product: kind.product,
      product_id: kind.product_id,
      speed: kind.speed,
      vendor: kind.vendor,
      vendor_id: kind.vendor_id,
    });
  }

  doc.resources.storage = { disks, total: disks.length };
  doc.resources.network = { cards, total: cards.length };
  doc.resources.pci = { devices: pci, total: pci.length };
  doc.resources.usb = { devices: usb, total: usb.length };
  doc.networks = networks;
  return Object.assign(doc as HardwarePayloadInput, { shape });
}

/** The document without the bench's bookkeeping, checked against shared's schema. */
export function wireDocument(index: number, variant: 0 | 1): HardwarePayloadInput {
  const { shape: _shape, ...doc } = machinePayload(index, variant);
  return doc;
}
