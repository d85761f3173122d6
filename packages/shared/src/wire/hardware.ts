import { z } from "zod";

// The machine-resources / LXD resources document (docs/maas-compatibility.md#payload). Objects are loose:
// the real producer sends more keys than MAAS reads, and we keep them. Fields MAAS requires
// (marked R there) are required here; everything else is optional and may be null.

const hexId = z.string().regex(/^[0-9a-f]{4}$/, "expected 4 lower-case hex digits, e.g. 8086");
const macAddress = z
  .string()
  .regex(
    /^([0-9a-f]{2}:){5}[0-9a-f]{2}$|^$|^([0-9a-f]{2}:){6,}[0-9a-f]{2}$/,
    "expected a lower-case MAC, e.g. 00:16:3e:12:34:56",
  );
const pciAddress = z
  .string()
  .regex(
    /^[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/,
    "expected a PCI address with domain, e.g. 0000:00:19.0",
  );
const optionalText = z.string().nullish();
const optionalInt = z.number().int().nullish();
const nonNegative = z.number().int().nonnegative();

const KERNEL_ARCHITECTURES = ["x86_64", "aarch64", "i686", "ppc64le", "s390x", "mips", "mips64"] as const;

export const REQUIRED_API_EXTENSIONS = [
  "resources",
  "resources_v2",
  "api_os",
  "resources_system",
  "resources_usb_pci",
];

const cpuThreadSchema = z.looseObject({ id: z.number().int(), numa_node: z.number().int() });
const cpuSocketSchema = z.looseObject({
  name: optionalText,
  socket: optionalInt,
  vendor: optionalText,
  frequency: z.number().nullish(),
  frequency_turbo: z.number().nullish(),
  cores: z.array(z.looseObject({ core: optionalInt, threads: z.array(cpuThreadSchema).nullish() })).nullish(),
});
const cpuSchema = z.looseObject({
  architecture: optionalText,
  total: nonNegative.optional().default(0),
  sockets: z.array(cpuSocketSchema).nullish(),
});

const memorySchema = z.looseObject({
  total: nonNegative,
  used: z.number().nullish(),
  hugepages_size: z.number().nullish(),
  nodes: z
    .array(
      z.looseObject({
        numa_node: z.number().int(),
        total: z.number().nullish(),
        hugepages_total: z.number().nullish(),
      }),
    )
    .nullish(),
});

const diskSchema = z.looseObject({
  id: z.string().min(1),
  device: optionalText,
  model: optionalText,
  type: z.string(),
  read_only: z.boolean(),
  size: nonNegative.optional().default(0),
  removable: z.boolean(),
  numa_node: optionalInt,
  device_path: optionalText,
  device_id: optionalText,
  block_size: z.number().int().nonnegative().nullish(),
  rpm: z.number().int().nonnegative(),
  firmware_version: optionalText,
  serial: optionalText,
  wwn: optionalText,
  pci_address: optionalText,
  usb_address: optionalText,
  partitions: z.array(z.looseObject({ id: z.string(), size: z.number().nullish() })).nullish(),
});

const networkPortSchema = z.looseObject({
  id: z.string().min(1),
  address: macAddress.nullish(),
  port: optionalInt,
  protocol: optionalText,
  supported_modes: z.array(z.string()).nullish(),
  link_detected: z.boolean().nullish(),
  link_speed: z.number().nullish(),
});

const networkCardSchema = z.looseObject({
  driver: optionalText,
  driver_version: optionalText,
  ports: z.array(networkPortSchema).nullish(),
  numa_node: optionalInt,
  pci_address: pciAddress.nullish(),
  usb_address: optionalText,
  vendor: optionalText,
  vendor_id: hexId.nullish(),
  product: optionalText,
  product_id: hexId.nullish(),
  firmware_version: optionalText,
  get sriov() {
    return z
      .looseObject({
        current_vfs: optionalInt,
        maximum_vfs: optionalInt,
        vfs: z.array(networkCardSchema).nullish(),
      })
      .nullish();
  },
});

const pciDeviceSchema = z.looseObject({
  vendor_id: hexId,
  product_id: hexId,
  pci_address: pciAddress,
  vendor: optionalText,
  product: optionalText,
  driver: optionalText,
  driver_version: optionalText,
  numa_node: optionalInt,
  iommu_group: optionalInt,
  vpd: z.looseObject({ entries: z.record(z.string(), z.string()).nullish() }).nullish(),
});

const usbDeviceSchema = z.looseObject({
  bus_address: z.number().int().nonnegative(),
  device_address: z.number().int().nonnegative(),
  vendor_id: hexId,
  product_id: hexId,
  vendor: optionalText,
  product: optionalText,
  speed: z.number().nullish(),
  interfaces: z
    .array(
      z.looseObject({
        class: optionalText,
        class_id: optionalInt,
        subclass: optionalText,
        subclass_id: optionalInt,
        driver: optionalText,
        driver_version: optionalText,
        number: optionalInt,
      }),
    )
    .nullish(),
});

const systemPart = z
  .looseObject({ vendor: optionalText, product: optionalText, serial: optionalText, version: optionalText })
  .nullish();

const systemSchema = z.looseObject({
  uuid: optionalText,
  vendor: optionalText,
  product: optionalText,
  family: optionalText,
  version: optionalText,
  sku: optionalText,
  serial: optionalText,
  type: optionalText,
  firmware: z.looseObject({ vendor: optionalText, date: optionalText, version: optionalText }).nullish(),
  chassis: z
    .looseObject({ vendor: optionalText, type: optionalText, serial: optionalText, version: optionalText })
    .nullish(),
  motherboard: systemPart,
});

const networkAddressSchema = z.looseObject({
  family: z.string(),
  address: z.string(),
  netmask: z.string(),
  scope: z.string(),
});

const networkStateSchema = z.looseObject({
  type: z.string(),
  hwaddr: z.string(),
  state: z.string(),
  addresses: z.array(networkAddressSchema).nullish(),
  bond: z.looseObject({ lower_devices: z.array(z.string()).nullish() }).nullable(),
  bridge: z.looseObject({ upper_devices: z.array(z.string()).nullish() }).nullable(),
  vlan: z.looseObject({ lower_device: z.string(), vid: z.number().int() }).nullable(),
});

const environmentSchema = z.looseObject({
  kernel: optionalText,
  kernel_architecture: z.enum(KERNEL_ARCHITECTURES),
  kernel_version: optionalText,
  os_name: optionalText,
  os_version: optionalText,
  server: optionalText,
  server_name: optionalText,
  server_version: optionalText,
});

/**
 * The agent's collectors and the payload sections each one fills. When a collector fails the agent
 * leaves its sections out and names the collector in `collector_errors`; the region then treats
 * those sections as not reported and keeps what it stored for them
 * (docs/maas-compatibility.md#payload). The agent and the region both read this table, so the
 * names cannot drift apart.
 */
export const COLLECTOR_SECTIONS = {
  cpu: ["resources.cpu"],
  memory: ["resources.memory"],
  disks: ["resources.storage"],
  nics: ["resources.network"],
  pci: ["resources.pci", "resources.gpu"],
  usb: ["resources.usb"],
  system: ["resources.system"],
  networks: ["networks"],
  environment: ["environment"],
} as const satisfies Record<string, readonly string[]>;
export type CollectorName = keyof typeof COLLECTOR_SECTIONS;
export type PayloadSection = (typeof COLLECTOR_SECTIONS)[CollectorName][number];

/** The sections a collector fills; none for a name this version does not know. */
export function collectorSections(collector: string): readonly PayloadSection[] {
  return Object.hasOwn(COLLECTOR_SECTIONS, collector) ? COLLECTOR_SECTIONS[collector as CollectorName] : [];
}

/**
 * A collector that failed; the agent reports it instead of stopping (our extension, ignored by
 * MAAS). `collector` is a COLLECTOR_SECTIONS name (a name a newer agent invents is kept, and
 * protects nothing); `code` is the HWS_ code of the failure.
 */
const collectorErrorSchema = z.looseObject({
  collector: z.string(),
  code: z.string(),
  message: z.string(),
});

export const hardwarePayloadSchema = z.looseObject({
  api_version: z.literal("1.0"),
  api_extensions: z
    .array(z.string())
    .refine((list) => REQUIRED_API_EXTENSIONS.every((name) => list.includes(name)), {
      message: `must include ${REQUIRED_API_EXTENSIONS.join(", ")}`,
    }),
  environment: environmentSchema,
  resources: z.looseObject({
    cpu: cpuSchema.nullish(),
    memory: memorySchema.nullish(),
    gpu: z
      .looseObject({
        cards: z.array(z.looseObject({ pci_address: optionalText, usb_address: optionalText })).nullish(),
      })
      .nullish(),
    network: z.looseObject({ cards: z.array(networkCardSchema) }).nullish(),
    storage: z.looseObject({ disks: z.array(diskSchema).nullish() }).nullish(),
    pci: z.looseObject({ devices: z.array(pciDeviceSchema).nullish() }).nullish(),
    usb: z.looseObject({ devices: z.array(usbDeviceSchema).nullish() }).nullish(),
    system: systemSchema.nullish(),
  }),
  // Absent or null when the agent could not read the netdevs: then nothing is known about them,
  // which is not the same as an empty object (no netdev at all).
  networks: z.record(z.string(), networkStateSchema).nullish(),
  collector_errors: z.array(collectorErrorSchema).optional(),
});

export type HardwarePayload = z.infer<typeof hardwarePayloadSchema>;
export type HardwarePayloadInput = z.input<typeof hardwarePayloadSchema>;
export type Disk = z.infer<typeof diskSchema>;
export type NetworkCard = z.infer<typeof networkCardSchema>;
export type NetworkPort = z.infer<typeof networkPortSchema>;
export type PciDevice = z.infer<typeof pciDeviceSchema>;
export type UsbDevice = z.infer<typeof usbDeviceSchema>;
export type SystemInfo = z.infer<typeof systemSchema>;
export type NetworkState = z.infer<typeof networkStateSchema>;
export type CpuInfo = z.infer<typeof cpuSchema>;
export type MemoryInfo = z.infer<typeof memorySchema>;
export type CollectorError = z.infer<typeof collectorErrorSchema>;
