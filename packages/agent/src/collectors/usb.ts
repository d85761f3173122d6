import { hexId, moduleVersion } from "../sysfs.ts";
import { type CollectContext, compact } from "./context.ts";

export interface UsbInterface {
  number: number;
  class_id: number;
  subclass_id: number;
  class?: string;
  subclass?: string;
  driver?: string;
  driver_version?: string;
}
export interface UsbDeviceEntry {
  bus_address: number;
  device_address: number;
  vendor_id: string;
  product_id: string;
  vendor?: string;
  product?: string;
  speed?: number;
  interfaces: UsbInterface[];
}
export interface UsbSection {
  devices: UsbDeviceEntry[];
  total: number;
}

const USB_DIR = "/sys/bus/usb/devices";

/**
 * Every USB device, root hubs included (lsusb lists them too). Entries with a colon
 * (`1-1:1.0`) are interfaces and are attached to their device.
 */
export async function collectUsb(ctx: CollectContext): Promise<UsbSection> {
  const { sys, ids } = ctx;
  const entries = sys.list(USB_DIR);
  const devices: UsbDeviceEntry[] = [];
  for (const name of entries) {
    if (name.includes(":")) continue;
    const dir = `${USB_DIR}/${name}`;
    const bus = sys.readInt(`${dir}/busnum`);
    const address = sys.readInt(`${dir}/devnum`);
    const vendorId = hexId(sys.readText(`${dir}/idVendor`));
    const productId = hexId(sys.readText(`${dir}/idProduct`));
    if (bus === null || address === null || !vendorId || !productId) {
      ctx.log.debug(`usb: ${name} lacks busnum/devnum/idVendor/idProduct, skipped`);
      continue;
    }
    const speed = Number(sys.readText(`${dir}/speed`));
    const interfaces: UsbInterface[] = [];
    // A root hub `usbN` names its interfaces after port 0 of its bus: `N-0:1.0`.
    const prefix = /^usb\d+$/.test(name) ? `${bus}-0:` : `${name}:`;
    for (const entry of entries.filter((item) => item.startsWith(prefix))) {
      const iface = `${USB_DIR}/${entry}`;
      const classHex = hexByte(sys.readText(`${iface}/bInterfaceClass`));
      const subclassHex = hexByte(sys.readText(`${iface}/bInterfaceSubClass`));
      const driver = sys.linkName(`${iface}/driver`);
      interfaces.push({
        number: Number.parseInt(sys.readText(`${iface}/bInterfaceNumber`) ?? "0", 16) || 0,
        class_id: classHex ? Number.parseInt(classHex, 16) : 0,
        subclass_id: subclassHex ? Number.parseInt(subclassHex, 16) : 0,
        ...compact({
          class: classHex ? ids.usbClass(classHex) : null,
          subclass: classHex && subclassHex ? ids.usbSubclass(classHex, subclassHex) : null,
          driver,
          driver_version: moduleVersion(sys, driver),
        }),
      });
    }
    devices.push({
      bus_address: bus,
      device_address: address,
      vendor_id: vendorId,
      product_id: productId,
      ...compact({
        // The database name first (what lsusb shows), the device's own string as a fallback.
        vendor: ids.usbVendor(vendorId) ?? sys.readText(`${dir}/manufacturer`),
        product: ids.usbProduct(vendorId, productId) ?? sys.readText(`${dir}/product`),
        speed: Number.isFinite(speed) && speed > 0 ? speed : null,
      }),
      interfaces: interfaces.sort((a, b) => a.number - b.number),
    });
  }
  devices.sort((a, b) => a.bus_address - b.bus_address || a.device_address - b.device_address);
  return { devices, total: devices.length };
}

function hexByte(value: string | null): string | null {
  return value && /^[0-9a-f]{1,2}$/i.test(value) ? value.toLowerCase().padStart(2, "0") : null;
}
