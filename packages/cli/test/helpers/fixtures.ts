// Fixture data of the fake region: machines, an API description, hardware and its history.
// Timestamps are written `@N` (N minutes before the request) so relative times stay stable.
import type { ApiDescription, DescribedAction } from "../../src/describe.ts";

export const DESCRIPTION_HASH = "68ed13febb9867668ba6012ddb15647199fb2a68";

export type FakeMachine = Record<string, unknown> & {
  system_id: string;
  hostname: string;
  status: number;
  status_name: string;
};

export function minutesAgo(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Three machines: synced a minute ago, overdue, and never enabled; plus one Ready to deploy. */
export function fixtureMachines(): FakeMachine[] {
  return [
    {
      system_id: "abc123",
      hostname: "web-07",
      status: 6,
      status_name: "Deployed",
      owner: "admin",
      architecture: "amd64/generic",
      osystem: "ubuntu",
      distro_series: "noble",
      cpu_count: 8,
      memory: 16384,
      power_type: "ipmi",
      enable_hw_sync: true,
      sync_interval: 900,
      last_sync: "@1", // minutes ago, resolved per request so relative times stay stable
      next_sync: "@-14",
    },
    {
      system_id: "def456",
      hostname: "db-01",
      status: 6,
      status_name: "Deployed",
      owner: "admin",
      enable_hw_sync: true,
      sync_interval: 900,
      last_sync: "@180",
      next_sync: "@165",
    },
    {
      system_id: "ghi789",
      hostname: "spare-02",
      status: 4,
      status_name: "Ready",
      enable_hw_sync: false,
      sync_interval: null,
      last_sync: null,
      next_sync: null,
    },
    {
      system_id: "new001",
      hostname: "fresh-01",
      status: 4,
      status_name: "Ready",
      enable_hw_sync: false,
      sync_interval: null,
      last_sync: null,
      next_sync: null,
    },
  ];
}

function action(name: string, method: string, op: string | null, doc: string): DescribedAction {
  return { name, method, op, restful: op === null, doc };
}

export function fixtureDescription(supportsSyncUnhealthy: boolean): ApiDescription {
  const machinesRead = supportsSyncUnhealthy
    ? "List machines\n\n:param hostname: Optional.\n:type hostname: String\n:param sync_unhealthy: Optional. Only machines whose hardware sync is overdue.\n:type sync_unhealthy: Boolean"
    : "List machines\n\n:param hostname: Optional.\n:type hostname: String";
  const handler = (
    name: string,
    path: string,
    params: string[],
    doc: string,
    actions: DescribedAction[],
  ) => ({
    name,
    doc,
    params,
    path,
    uri: `http://127.0.0.1${path}`,
    actions,
  });
  return {
    doc: "MAAS API",
    hash: DESCRIPTION_HASH,
    handlers: [],
    resources: [
      {
        name: "MachineHandler",
        anon: null,
        auth: handler(
          "MachineHandler",
          "/MAAS/api/2.0/machines/{system_id}/",
          ["system_id"],
          "Manage an individual machine.",
          [
            action("read", "GET", null, "Read a node\n\nReads a node with the given system_id."),
            action(
              "deploy",
              "POST",
              "deploy",
              "Deploy a machine\n\n:param enable_hw_sync: Optional.\n:type enable_hw_sync: Boolean",
            ),
            action(
              "release",
              "POST",
              "release",
              "Release a machine\n\n:param comment: Optional.\n:type comment: String",
            ),
            action("get_token", "GET", "get_token", "Get a machine token"),
            action("power_parameters", "GET", "power_parameters", "Get power parameters"),
          ],
        ),
      },
      {
        name: "MachinesHandler",
        anon: handler("AnonMachinesHandler", "/MAAS/api/2.0/machines/", [], "Anonymous machines.", [
          action(
            "is_registered",
            "GET",
            "is_registered",
            "Check if a MAC address is registered\n\n:param mac_address: Required.",
          ),
        ]),
        auth: handler(
          "MachinesHandler",
          "/MAAS/api/2.0/machines/",
          [],
          "Manage the collection of all the machines in the MAAS.",
          [action("read", "GET", null, machinesRead)],
        ),
      },
      {
        name: "MaasHandler",
        anon: null,
        auth: handler("MaasHandler", "/MAAS/api/2.0/maas/", [], "Manage the MAAS server.", [
          action("get_config", "GET", "get_config", "Get a configuration value\n\n:param name: Required."),
          action(
            "set_config",
            "POST",
            "set_config",
            "Set a configuration value\n\n:param name: Required.\n:param value: Required.",
          ),
        ]),
      },
      {
        name: "EventsHandler",
        anon: null,
        auth: handler("EventsHandler", "/MAAS/api/2.0/events/", [], "Retrieve filtered node events.", [
          action(
            "query",
            "GET",
            "query",
            "List node events\n\n:param id: Optional.\n:param level: Optional.",
          ),
        ]),
      },
      {
        name: "UsersHandler",
        anon: null,
        auth: handler("UsersHandler", "/MAAS/api/2.0/users/", [], "Manage the user accounts of this MAAS.", [
          action("whoami", "GET", "whoami", "Retrieve logged-in user"),
        ]),
      },
    ],
  };
}

export const HARDWARE = {
  cpu: { model: "Intel(R) Xeon(R) Silver 4214", count: 24, speed: 2200 },
  memory: { total: 65536 },
  system: { vendor: "Supermicro", product: "SYS-1029P", serial: "S123" },
  block_devices: [
    {
      name: "sda",
      model: "SAMSUNG MZ7LH480",
      serial: "S45PNA0M",
      size: 480103981056,
      type: "sata",
      id_path: "/dev/disk/by-id/wwn-0x5002538e",
    },
    { name: "nvme0n1", model: "INTEL SSDPE2KX010T8", serial: "PHLJ9", size: 1000204886016, type: "nvme" },
  ],
  interfaces: [
    {
      name: "eno1",
      mac_address: "0c:c4:7a:00:00:01",
      vendor: "Intel Corporation",
      product: "I350",
      driver: "igb",
      pci_address: "0000:02:00.0",
      link_speed: 1000,
    },
  ],
  pci_devices: [
    {
      pci_address: "0000:02:00.0",
      vendor_id: "8086",
      product_id: "1521",
      vendor: "Intel Corporation",
      product: "I350 Gigabit",
      driver: "igb",
    },
  ],
  usb_devices: [
    {
      bus_address: "1",
      device_address: "2",
      vendor_id: "046b",
      product_id: "ff10",
      vendor: "American Megatrends",
      product: "Virtual Keyboard",
      driver: "usbhid",
    },
  ],
};

export const HISTORY = [
  {
    sync_id: 12,
    created: "@5",
    content_hash: "sha256:aa",
    changes: [
      { kind: "block_device", action: "added", name: "nvme0n1", details: { size: 1000204886016 } },
      { kind: "memory", action: "updated", name: "memory", details: { from: 32768, to: 65536 } },
    ],
  },
  { sync_id: 11, created: "@20", content_hash: "sha256:bb", changes: [] },
];
