import { buildServerTree, sampleVpd } from "@hwsync/testkit/sysfs/server-tree";
import { afterAll, describe, expect, test } from "vitest";
import { collectPci, parseVpd } from "../../src/collectors/pci.ts";
import { contextFor } from "../fixtures/context.ts";

const fake = buildServerTree();
afterAll(() => fake.cleanup());

describe("collectPci on a fixture server", async () => {
  const { pci, gpu } = await collectPci(contextFor(fake));
  const byAddress = Object.fromEntries(pci.devices.map((device) => [device.pci_address, device]));

  test("lists every PCI function, virtual functions included, in address order", () => {
    expect(pci.devices.map((device) => device.pci_address)).toEqual([
      "0000:00:00.0",
      "0000:00:14.0",
      "0000:00:1f.2",
      "0000:01:00.0",
      "0000:03:00.0",
      "0000:03:00.1",
      "0000:03:10.0",
      "0000:03:10.4",
      "0000:05:00.0",
      "0000:06:00.0",
    ]);
    expect(pci.total).toBe(10);
  });

  test("reports ids, names, driver, NUMA node and IOMMU group of a function", () => {
    expect(byAddress["0000:01:00.0"]).toEqual({
      pci_address: "0000:01:00.0",
      vendor_id: "144d",
      product_id: "a809",
      vendor: "Samsung Electronics Co Ltd",
      product: "NVMe SSD Controller 980",
      driver: "nvme",
      numa_node: 1,
      iommu_group: 12,
      vpd: { entries: {} },
    });
  });

  test("falls back to ids alone when the database does not know the device", () => {
    expect(byAddress["0000:00:00.0"]).toEqual({
      pci_address: "0000:00:00.0",
      vendor_id: "8086",
      product_id: "2020",
      vendor: "Intel Corporation",
      numa_node: 0,
      vpd: { entries: {} },
    });
  });

  test("reads the product name and keywords of the VPD, without the checksum", () => {
    expect(byAddress["0000:05:00.0"]?.vpd).toEqual({
      product_name: "GeForce GT 710",
      entries: { PN: "900-1G133", SN: "1324120001234" },
    });
  });

  test("lists display-class functions as GPU cards", () => {
    expect(gpu).toEqual({
      cards: [
        {
          pci_address: "0000:05:00.0",
          vendor_id: "10de",
          product_id: "128b",
          vendor: "NVIDIA Corporation",
          product: "GK208B [GeForce GT 710]",
          driver: "nvidia",
          numa_node: 0,
        },
      ],
      total: 1,
    });
  });
});

test.each([
  ["absent", null, { entries: {} }],
  ["truncated mid-resource", sampleVpd().subarray(0, 20), { product_name: "GeForce GT 710", entries: {} }],
  ["garbage", Buffer.from([0xff, 0xff, 0xff, 0x00]), { entries: {} }],
])("parseVpd copes with VPD that is %s", (_name, data, expected) => {
  expect(parseVpd(data)).toEqual(expected);
});
