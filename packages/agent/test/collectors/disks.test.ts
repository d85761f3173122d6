import { buildServerTree } from "@hwsync/testkit/sysfs/server-tree";
import { afterAll, describe, expect, test } from "vitest";
import { collectDisks } from "../../src/collectors/disks.ts";
import { contextFor } from "../fixtures/context.ts";

const fake = buildServerTree();
afterAll(() => fake.cleanup());

describe("collectDisks on a fixture server", async () => {
  const storage = await collectDisks(contextFor(fake));
  const byId = Object.fromEntries(storage.disks.map((disk) => [disk.id, disk]));

  test("reports whole disks with a device and skips virtual block devices such as loop0", () => {
    expect(storage.disks.map((disk) => disk.id)).toEqual(["nvme0n1", "sda", "sdb", "sr0"]);
    expect(storage.total).toBe(6); // four disks and sda's two partitions
  });

  test("describes a SATA SSD from sysfs alone: VPD serial, WWN, by-id and by-path names", () => {
    expect(byId.sda).toEqual({
      id: "sda",
      device: "8:0",
      model: "Crucial_CT512M55",
      type: "sata",
      read_only: false,
      size: 1000215216 * 512,
      removable: false,
      numa_node: 0,
      block_size: 4096,
      rpm: 0,
      firmware_version: "MU01",
      serial: "14060968BCD8",
      wwn: "naa.500a07510c0ffee1",
      device_id: "wwn-0x500a07510c0ffee1",
      device_path: "pci-0000:00:1f.2-ata-1",
      pci_address: "0000:00:1f.2",
      partitions: [
        { id: "sda1", device: "8:1", partition: 1, read_only: false, size: 1048576 * 512 },
        { id: "sda2", device: "8:2", partition: 2, read_only: false, size: 999164559 * 512 },
      ],
    });
  });

  test("takes the spindle speed and serial of a rotating disk from the udev database", () => {
    expect(byId.sdb).toMatchObject({
      type: "sata",
      rpm: 5400,
      serial: "WD-WX11D1234567",
      size: 11721045168 * 512,
    });
  });

  test("describes an NVMe namespace with its controller's serial, firmware and NUMA node", () => {
    expect(byId.nvme0n1).toMatchObject({
      type: "nvme",
      model: "Samsung SSD 980 500GB",
      serial: "S64DNX0R123456",
      firmware_version: "3B4QFXO7",
      wwn: "eui.0025388b11223344",
      device_id: "nvme-eui.0025388b11223344",
      device_path: "pci-0000:01:00.0-nvme-1",
      pci_address: "0000:01:00.0",
      numa_node: 1,
      rpm: 0,
      size: 976773168 * 512,
      block_size: 512,
    });
  });

  test("marks a SCSI device of type 5 as a read-only removable cdrom", () => {
    expect(byId.sr0).toMatchObject({ type: "cdrom", read_only: true, removable: true });
  });
});

test("collectDisks reports a spinning disk of unknown speed as rpm 1 so MAAS does not call it an SSD", async () => {
  const fake = buildServerTree();
  try {
    fake.file("/run/udev/data/b8:16", "E:ID_ATA_SATA=1");
    const storage = await collectDisks(contextFor(fake));
    expect(storage.disks.find((disk) => disk.id === "sdb")?.rpm).toBe(1);
  } finally {
    fake.cleanup();
  }
});
