import { addBlock, addNetdev, addPci, addUsb, type FakeRoot, linkVf } from "./fake-root.ts";
import { addRootHub, baseTree } from "./server-tree.ts";

// A big server as sysfs shows it, for `collect --root DIR` in the benchmarks: 64 disks (with
// partitions), 32 NICs of which 8 are SR-IOV PFs with 3 VFs each, 200 PCI functions and 50 USB
// devices. Built like the agent tests' server tree (the same helpers and base), so the layout
// (links, attributes) is the one the collectors are tested against.

export interface TreeShape {
  disks: number;
  nics: number;
  vfsPerPf: number;
  pfs: number;
  pci: number;
  usb: number;
}

const BIG_SERVER: TreeShape = { disks: 64, nics: 32, pfs: 8, vfsPerPf: 3, pci: 200, usb: 50 };

const hex = (value: number, width: number) => value.toString(16).padStart(width, "0");

export function buildBigServer(shape: TreeShape = BIG_SERVER): FakeRoot {
  const fake = baseTree();

  let functions = 0;
  const pciAddress = () => {
    const n = functions++;
    return `0000:${hex(1 + (n >> 5), 2)}:${hex((n >> 3) & 3, 2)}.${n & 7}`;
  };

  // NICs: the first `pfs` are SR-IOV physical functions with VFs (each VF is a NIC too).
  let nicCount = 0;
  for (let n = 0; nicCount < shape.nics; n++) {
    const isPf = n < shape.pfs;
    const dev = addPci(fake, {
      address: pciAddress(),
      vendor: "8086",
      device: "1521",
      pciClass: 0x020000,
      driver: "igb",
      numa: n % 2,
      iommuGroup: functions,
      ...(isPf ? { sriov: { total: 7, enabled: shape.vfsPerPf } } : {}),
    });
    addNetdev(fake, {
      name: `enp${n}s0`,
      device: dev,
      mac: `3c:ec:ef:00:${hex(n, 2)}:00`,
      carrier: true,
      speed: 10000,
    });
    nicCount++;
    if (!isPf) continue;
    for (let v = 0; v < shape.vfsPerPf && nicCount < shape.nics; v++) {
      const vf = addPci(fake, {
        address: pciAddress(),
        vendor: "8086",
        device: "1520",
        pciClass: 0x020000,
        driver: "igbvf",
        numa: n % 2,
        iommuGroup: functions,
      });
      linkVf(fake, dev, vf, v);
      addNetdev(fake, {
        name: `enp${n}s0v${v}`,
        device: vf,
        mac: `02:00:00:${hex(n, 2)}:${hex(v, 2)}:00`,
        flags: 0x1002,
      });
      nicCount++;
    }
  }

  // Disks: SAS LUNs behind one HBA, NVMe namespaces on controllers of their own.
  const hba = addPci(fake, {
    address: pciAddress(),
    vendor: "1000",
    device: "0097",
    pciClass: 0x010700,
    driver: "mpt3sas",
    numa: 0,
    iommuGroup: functions,
  });
  for (let d = 0; d < shape.disks; d++) {
    if (d % 4 === 3) {
      const controller = addPci(fake, {
        address: pciAddress(),
        vendor: "144d",
        device: "a809",
        pciClass: 0x010802,
        driver: "nvme",
        numa: d % 2,
        iommuGroup: functions,
      });
      const ctrl = `${controller}/nvme/nvme${d}`;
      fake.files(ctrl, {
        model: "Samsung SSD 980 1TB",
        serial: `S64D${hex(d, 6)}`,
        firmware_rev: "3B4QFXO7",
      });
      addBlock(fake, {
        name: `nvme${d}n1`,
        device: ctrl,
        blockDir: `${ctrl}/nvme${d}n1`,
        subsystem: "nvme",
        sectors: 1953525168,
        dev: `259:${d}`,
      });
      fake.file(`${ctrl}/nvme${d}n1/wwid`, `eui.0025388b${hex(d, 8)}`);
      continue;
    }
    const lun = `${hba}/host0/target0:0:${d}/0:0:${d}:0`;
    fake.files(lun, { model: "HUS726T6TAL5204", rev: "C9J0", wwid: `naa.5000cca0${hex(d, 8)}`, type: 0 });
    fake.file(
      `${lun}/vpd_pg80`,
      Buffer.concat([Buffer.from([0, 0x80, 0, 12]), Buffer.from(`V8G${hex(d, 9)}`)]),
    );
    const letters = d < 26 ? String.fromCharCode(97 + d) : `a${String.fromCharCode(97 + (d - 26))}`;
    addBlock(fake, {
      name: `sd${letters}`,
      device: lun,
      subsystem: "scsi",
      sectors: 11721045168,
      rotational: true,
      physicalBlockSize: 4096,
      dev: `8:${d * 16}`,
      partitions:
        d === 0
          ? [
              { name: "sda1", number: 1, sectors: 1048576, dev: "8:1" },
              { name: "sda2", number: 2, sectors: 11720000000, dev: "8:2" },
            ]
          : [],
    });
  }

  // USB: a root hub on an xHCI controller with devices on its ports.
  const xhci = addPci(fake, {
    address: pciAddress(),
    vendor: "8086",
    device: "8c31",
    pciClass: 0x0c0330,
    driver: "xhci_hcd",
    numa: 0,
    iommuGroup: functions,
  });
  const hub = addRootHub(fake, xhci);
  for (let u = 1; u < shape.usb; u++) {
    addUsb(fake, {
      name: `1-${u}`,
      parent: hub,
      bus: 1,
      address: u + 1,
      vendor: u % 2 ? "046d" : "0781",
      product: u % 2 ? "c31c" : "5567",
      speed: u % 2 ? "1.5" : "480",
      interfaces: [
        {
          number: 0,
          cls: u % 2 ? "03" : "08",
          subclass: u % 2 ? "01" : "06",
          driver: u % 2 ? "usbhid" : "usb-storage",
        },
      ],
    });
  }

  // The rest of the 200 functions: bridges, chipset devices, accelerators.
  while (functions < shape.pci) {
    addPci(fake, {
      address: pciAddress(),
      vendor: "8086",
      device: "2020",
      pciClass: 0x060400,
      driver: "pcieport",
      numa: functions % 2,
      iommuGroup: functions,
    });
  }
  return fake;
}
