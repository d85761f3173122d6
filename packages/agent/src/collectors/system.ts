import type { Sysfs } from "../sysfs.ts";
import { type CollectContext, compact } from "./context.ts";

type Part = Record<string, string>;
export interface SystemSection {
  type: string;
  uuid?: string;
  vendor?: string;
  product?: string;
  family?: string;
  version?: string;
  sku?: string;
  serial?: string;
  firmware?: Part;
  chassis?: Part;
  motherboard?: Part;
}

const DMI = "/sys/class/dmi/id";

// SMBIOS 3.x chassis types (DMTF DSP0134, table "System Enclosure or Chassis Types").
const CHASSIS_TYPES = [
  "",
  "Other",
  "Unknown",
  "Desktop",
  "Low Profile Desktop",
  "Pizza Box",
  "Mini Tower",
  "Tower",
  "Portable",
  "Laptop",
  "Notebook",
  "Hand Held",
  "Docking Station",
  "All in One",
  "Sub Notebook",
  "Space-saving",
  "Lunch Box",
  "Main Server Chassis",
  "Expansion Chassis",
  "SubChassis",
  "Bus Expansion Chassis",
  "Peripheral Chassis",
  "RAID Chassis",
  "Rack Mount Chassis",
  "Sealed-case PC",
  "Multi-system chassis",
  "Compact PCI",
  "Advanced TCA",
  "Blade",
  "Blade Enclosure",
  "Tablet",
  "Convertible",
  "Detachable",
  "IoT Gateway",
  "Embedded PC",
  "Mini PC",
  "Stick PC",
];

// DMI vendor/product strings of the common hypervisors, for machines whose CPU does not
// advertise the `hypervisor` flag (non-x86).
const VM_MARKERS =
  /QEMU|KVM|VMware|VirtualBox|innotek|Xen|Bochs|Parallels|Microsoft Corporation Virtual|Google Compute|Amazon EC2|OpenStack|BHYVE|Cloud Hypervisor|Firecracker/i;

/**
 * System, firmware, chassis and board identity from the kernel's DMI attributes (serials and the
 * UUID need root, as the agent runs). Boards without DMI (device-tree ARM boards) report the
 * device-tree model and serial instead.
 */
export async function collectSystem(ctx: CollectContext): Promise<SystemSection> {
  const { sys } = ctx;
  const type = systemType(sys);
  if (!sys.exists(DMI)) {
    const model = deviceTree(sys, "model");
    return {
      type,
      ...compact({ product: model, serial: deviceTree(sys, "serial-number"), vendor: dtVendor(sys) }),
    };
  }
  const read = (name: string) => sys.readText(`${DMI}/${name}`);
  const chassisType = sys.readInt(`${DMI}/chassis_type`);
  return {
    type,
    ...compact({
      uuid: read("product_uuid")?.toLowerCase(),
      vendor: read("sys_vendor"),
      product: read("product_name"),
      family: read("product_family"),
      version: read("product_version"),
      sku: read("product_sku"),
      serial: read("product_serial"),
    }),
    firmware: compact({
      vendor: read("bios_vendor"),
      date: read("bios_date"),
      version: read("bios_version"),
    }),
    chassis: compact({
      vendor: read("chassis_vendor"),
      type: chassisType !== null ? CHASSIS_TYPES[chassisType] : null,
      serial: read("chassis_serial"),
      version: read("chassis_version"),
    }),
    motherboard: compact({
      vendor: read("board_vendor"),
      product: read("board_name"),
      serial: read("board_serial"),
      version: read("board_version"),
    }),
  };
}

/**
 * `physical`, `container` or `virtual-machine`, as LXD names them, without running
 * systemd-detect-virt: the markers it checks are all plain files.
 */
export function systemType(sys: Sysfs): string {
  const containerEnv = sys.readText("/run/systemd/container");
  if (containerEnv || sys.exists("/.dockerenv") || sys.exists("/run/.containerenv")) return "container";
  const cpuinfo = sys.readText("/proc/cpuinfo") ?? "";
  if (/^flags\s*:.*\bhypervisor\b/m.test(cpuinfo)) return "virtual-machine";
  if (sys.exists("/sys/hypervisor/type") || sys.exists("/proc/device-tree/hypervisor"))
    return "virtual-machine";
  const dmi = [
    sys.readText(`${DMI}/sys_vendor`),
    sys.readText(`${DMI}/product_name`),
    sys.readText(`${DMI}/bios_vendor`),
  ].join(" ");
  if (VM_MARKERS.test(dmi)) return "virtual-machine";
  if (/linux,dummy-virt/.test(deviceTree(sys, "compatible") ?? "")) return "virtual-machine";
  return "physical";
}

function deviceTree(sys: Sysfs, name: string): string | null {
  const bytes = sys.readBytes(`/proc/device-tree/${name}`);
  if (!bytes) return null;
  // Device-tree strings are NUL-terminated, string lists NUL-separated.
  const text = bytes.toString("utf8").split("\0").filter(Boolean).join(" ").trim();
  return text || null;
}

/** `raspberrypi,4-model-b brcm,bcm2711` → `raspberrypi`: the board maker's prefix. */
function dtVendor(sys: Sysfs): string | null {
  const compatible = deviceTree(sys, "compatible");
  return compatible?.split(",")[0]?.trim() || null;
}
