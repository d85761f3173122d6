import { z } from "zod";

// Machine JSON as MAAS's REST API returns it (docs/maas-compatibility.md#machine-object). Loose: a real
// region sends many more fields. Hardware-sync fields are optional because MAAS 3.2–3.3 omit
// `enable_hw_sync` and no MAAS version sends `is_sync_healthy` over REST (our region does).

/** MAAS node status numbers (src/maasserver/enum.py NODE_STATUS). */
export const NodeStatus = {
  NEW: 0,
  COMMISSIONING: 1,
  FAILED_COMMISSIONING: 2,
  MISSING: 3,
  READY: 4,
  RESERVED: 5,
  DEPLOYED: 6,
  RETIRED: 7,
  BROKEN: 8,
  DEPLOYING: 9,
  ALLOCATED: 10,
  FAILED_DEPLOYMENT: 11,
  RELEASING: 12,
  FAILED_RELEASING: 13,
} as const;
export type NodeStatus = (typeof NodeStatus)[keyof typeof NodeStatus];

export const NODE_STATUS_NAMES: Record<number, string> = {
  0: "New",
  1: "Commissioning",
  2: "Failed commissioning",
  3: "Missing",
  4: "Ready",
  5: "Reserved",
  6: "Deployed",
  7: "Retired",
  8: "Broken",
  9: "Deploying",
  10: "Allocated",
  11: "Failed deployment",
  12: "Releasing",
  13: "Releasing failed",
};

const timestamp = z.string().nullish();

export const machineSchema = z.looseObject({
  system_id: z.string(),
  hostname: z.string(),
  fqdn: z.string().nullish(),
  status: z.number().int(),
  status_name: z.string(),
  architecture: z.string().nullish(),
  osystem: z.string().nullish(),
  distro_series: z.string().nullish(),
  owner: z.string().nullish(),
  cpu_count: z.number().nullish(),
  memory: z.number().nullish(),
  storage: z.number().nullish(),
  power_type: z.string().nullish(),
  enable_hw_sync: z.boolean().optional(),
  sync_interval: z.number().int().nullish(),
  last_sync: timestamp,
  next_sync: timestamp,
  is_sync_healthy: z.boolean().optional(),
  interface_set: z.array(z.looseObject({})).nullish(),
  physicalblockdevice_set: z.array(z.looseObject({})).nullish(),
  resource_uri: z.string().nullish(),
});
export type MachineJson = z.infer<typeof machineSchema>;

/** `op=get_token` answer: the machine's metadata OAuth token, or null when it has none. */
const machineTokenSchema = z
  .looseObject({ token_key: z.string(), token_secret: z.string(), consumer_key: z.string() })
  .nullable();
export type MachineToken = z.infer<typeof machineTokenSchema>;

/** One event of `GET events/?op=query`. */
const eventSchema = z.looseObject({
  id: z.number().int(),
  node: z.string().nullish(),
  hostname: z.string().nullish(),
  username: z.string().nullish(),
  level: z.string(),
  created: z.string(),
  type: z.string(),
  description: z.string(),
});
const eventsQuerySchema = z.looseObject({
  count: z.number().int(),
  events: z.array(eventSchema),
  next_uri: z.string().nullish(),
  prev_uri: z.string().nullish(),
});
export type EventJson = z.infer<typeof eventSchema>;
export type EventsQueryJson = z.infer<typeof eventsQuerySchema>;

const HARDWARE_KINDS = [
  "block_device",
  "interface",
  "pci_device",
  "usb_device",
  "cpu",
  "memory",
  "system",
  "bmc",
] as const;

/** Our own hardware history entry (`op=hardware_history`): what one sync changed. */
const hardwareChangeSchema = z.looseObject({
  kind: z.enum(HARDWARE_KINDS),
  action: z.enum(["added", "removed", "updated"]),
  name: z.string(),
  details: z.record(z.string(), z.unknown()).nullish(),
});

/**
 * A class of hardware a sync left as it was stored because the payload did not report it: the
 * section was null, absent, or its collector failed (then `collector`, `code` and `message` say
 * how, as the agent reported it).
 */
const notReportedSchema = z.looseObject({
  kind: z.enum(HARDWARE_KINDS),
  section: z.string(),
  reason: z.enum(["null", "absent", "collector_error"]),
  collector: z.string().nullish(),
  code: z.string().nullish(),
  message: z.string().nullish(),
});

const hardwareHistoryEntrySchema = z.looseObject({
  sync_id: z.number().int(),
  created: z.string(),
  content_hash: z.string().nullish(),
  changes: z.array(hardwareChangeSchema),
  /** Classes this sync left as stored because the payload did not report them. */
  not_reported: z.array(notReportedSchema).optional(),
});
export type HardwareKind = (typeof HARDWARE_KINDS)[number];
export type HardwareChange = z.infer<typeof hardwareChangeSchema>;
export type NotReported = z.infer<typeof notReportedSchema>;
export type HardwareHistoryEntry = z.infer<typeof hardwareHistoryEntrySchema>;
