import { createHash } from "node:crypto";

// The API description MAAS serves at describe/
// (docs/maas-compatibility.md#the-api-description-and-maass-cli). MAAS's own Python CLI builds its
// whole command tree from it: handler class names become resource names (MachinesHandler →
// machines), actions with `:param` docs accept key=value arguments (CLI 3.6+).

import { OBJECT_RESOURCES } from "./describe-objects.ts";
import { API, actionDoc, crud, type HandlerSpec, op, type ResourceSpec } from "./describe-spec.ts";

const MACHINE_FILTER_PARAMS = [
  { name: "id", doc: "Only machines with this system_id." },
  { name: "not_id", doc: "Not the machines with this system_id." },
  { name: "hostname", doc: "Only machines with this hostname." },
  { name: "not_hostname", doc: "Not the machines with this hostname." },
  { name: "mac_address", doc: "Only machines with an interface with this MAC address." },
  { name: "domain", doc: "Only machines in this DNS domain." },
  { name: "not_domain", doc: "Not the machines in this DNS domain." },
  { name: "agent_name", doc: "Only machines with this agent name." },
  { name: "not_agent_name", doc: "Not the machines with this agent name." },
  { name: "arch", doc: "Only machines of this architecture (amd64 means every amd64 subarchitecture)." },
  { name: "not_arch", doc: "Not the machines of this architecture." },
  { name: "zone", doc: "Only machines in this zone (400 if there is no such zone)." },
  { name: "not_in_zone", doc: "Not the machines in this zone." },
  { name: "pool", doc: "Only machines in this resource pool (400 if there is no such pool)." },
  { name: "not_in_pool", doc: "Not the machines in this resource pool." },
  { name: "tags", doc: "Only machines carrying every one of these tags (400 if one does not exist)." },
  { name: "not_tags", doc: "Not the machines carrying any of these tags." },
  { name: "owner", doc: "Only machines owned by this user (400 if there is no such user)." },
  { name: "not_owner", doc: "Not the machines owned by this user." },
  {
    name: "status",
    doc: "Only machines in this status: deployed, ready, failed_deployment, … (or a number).",
  },
  { name: "not_status", doc: "Not the machines in this status." },
  {
    name: "simple_status",
    doc: "Only machines in this simplified status: deployed, failed, ready, other, …",
  },
  { name: "not_simple_status", doc: "Not the machines in this simplified status." },
  { name: "power_state", doc: "Only machines in this power state (on, off, unknown, error)." },
  { name: "not_power_state", doc: "Not the machines in this power state." },
  { name: "cpu_count", type: "Int" as const, doc: "Only machines with at least this many CPUs." },
  { name: "cpu_speed", type: "Int" as const, doc: "Only machines with CPUs at least this fast (MHz)." },
  { name: "mem", type: "Int" as const, doc: "Only machines with at least this much memory (MiB)." },
  {
    name: "link_speed",
    type: "Int" as const,
    doc: "Only machines with an interface at least this fast (Mbit/s).",
  },
  { name: "pod", doc: "Only machines in this VM host (this region has none)." },
  { name: "not_pod", doc: "Not the machines in this VM host." },
  {
    name: "sync_unhealthy",
    type: "Boolean" as const,
    doc: "Only machines with hardware sync enabled whose last sync is missing or older than 1.5 x sync_interval.",
  },
];

const RESOURCES: ResourceSpec[] = [
  {
    auth: null,
    anon: {
      name: "VersionHandler",
      doc: "Information about this MAAS instance.",
      path: `${API}/version/`,
      params: [],
      actions: [crud("GET", "MAAS version information", "Read version and capabilities of this region.")],
    },
  },
  {
    anon: null,
    auth: {
      name: "MachinesHandler",
      doc: "Manage the collection of all the machines in the MAAS.",
      path: `${API}/machines/`,
      params: [],
      actions: [
        crud(
          "GET",
          "List machines",
          "List machines visible to the user, optionally filtered. Every filter is repeatable; an unknown one is refused.",
          MACHINE_FILTER_PARAMS,
        ),
        crud(
          "POST",
          "Create a new machine",
          "Adds a machine. This region has no commissioning: the machine goes straight to Ready.",
          [
            { name: "hostname", doc: "A hostname; generated when omitted." },
            { name: "architecture", doc: "e.g. amd64/generic (the default) or arm64/generic." },
            {
              name: "mac_addresses",
              doc: "One or more MAC addresses (repeatable); required unless deployed=true.",
            },
            { name: "power_type", doc: "Power driver; only 'manual' is used by this region." },
            { name: "description", doc: "A description of the machine." },
            { name: "zone", doc: "The zone to put it in (default: default)." },
            { name: "pool", doc: "The resource pool to put it in (default: default)." },
            {
              name: "deployed",
              type: "Boolean",
              doc: "The machine is already running: it is created Deployed, owned by you, without a MAC; fetch its token with get_token (maas-run-scripts register-machine does).",
            },
            {
              name: "enable_hw_sync",
              type: "Boolean",
              doc: "With deployed=true: keep its hardware in sync (default true here).",
            },
          ],
        ),
        op("POST", "set_zone", "Assign nodes to a zone", "Moves machines into a zone (admin only).", [
          { name: "zone", required: true, doc: "The zone's name." },
          { name: "nodes", required: true, doc: "The system_id of a machine to move (repeatable)." },
        ]),
      ],
    },
  },
  {
    anon: null,
    auth: {
      name: "MachineHandler",
      doc: "Manage an individual machine.",
      path: `${API}/machines/{system_id}/`,
      params: ["system_id"],
      actions: [
        crud("GET", "Read a node", "Reads a node with the given system_id."),
        op("POST", "deploy", "Deploy a machine", "Deploys an operating system to a machine.", [
          {
            name: "enable_hw_sync",
            type: "Boolean",
            doc: "If true, machine will be deployed with a small agent periodically pushing hardware data.",
          },
          {
            name: "sync_interval",
            doc: "With enable_hw_sync: seconds or a time span (15m, 1h30m) between pushes; default: the hardware_sync_interval setting.",
          },
          { name: "osystem", doc: "The OS to deploy, e.g. ubuntu." },
          { name: "distro_series", doc: "The OS release to deploy, e.g. noble." },
          { name: "user_data", doc: "Base64-encoded user data for cloud-init." },
          { name: "hwe_kernel", doc: "Kernel to deploy (recorded only)." },
          { name: "comment", doc: "Reason for the deployment, recorded in the event log." },
        ]),
        op("POST", "release", "Release a machine", "Releases a machine; it returns to Ready.", [
          { name: "comment", doc: "Reason for the release, recorded in the event log." },
          { name: "erase", type: "Boolean", doc: "Accepted for compatibility; disks are not erased." },
          { name: "force", type: "Boolean", doc: "Accepted for compatibility." },
        ]),
        op(
          "GET",
          "get_token",
          "Get a machine token",
          "Returns the machine's metadata OAuth token {token_key, token_secret, consumer_key}, or null (admin only).",
        ),
        op(
          "GET",
          "details",
          "Get system details",
          "Returns the machine's lshw and LLDP outputs as BSON {lldp, lshw}, null where it never reported them.",
        ),
        op(
          "GET",
          "power_parameters",
          "Get power parameters",
          "Returns the power parameters the machine's BMC reported (admin only); {} for manual power.",
        ),
        op(
          "GET",
          "hardware",
          "Read stored hardware",
          "Returns the hardware hardware sync stored: cpu, memory, system, block_devices, interfaces, pci_devices, usb_devices.",
        ),
        op(
          "GET",
          "hardware_history",
          "Read hardware history",
          "Lists what each hardware sync changed, newest first.",
          [{ name: "limit", type: "Int", doc: "At most this many entries (default 20, at most 1000)." }],
        ),
        op(
          "GET",
          "vendor_data",
          "Read vendor data",
          "Returns the cloud-config a hardware-sync deploy hands the machine (owner or admin only).",
        ),
      ],
    },
  },
  {
    anon: null,
    auth: {
      name: "MaasHandler",
      doc: "Manage the MAAS server.",
      path: `${API}/maas/`,
      params: [],
      actions: [
        op("GET", "get_config", "Get a configuration value", "Reads one setting.", [
          {
            name: "name",
            required: true,
            doc: "The setting: hardware_sync_interval, maas_name, default_osystem or default_distro_series.",
          },
        ]),
        op("POST", "set_config", "Set a configuration value", "Changes one setting (admin only).", [
          { name: "name", required: true, doc: "The setting, e.g. hardware_sync_interval." },
          {
            name: "value",
            required: true,
            doc: "The new value. hardware_sync_interval takes a span of h/m/s units, e.g. 15m or 1h30m.",
          },
        ]),
      ],
    },
  },
  {
    anon: null,
    auth: {
      name: "UsersHandler",
      doc: "Manage the user accounts of this MAAS.",
      path: `${API}/users/`,
      params: [],
      actions: [
        crud("GET", "List users", "Lists the users (admins see all; others see themselves)."),
        crud("POST", "Create a MAAS user account", "Creates a user (admin only).", [
          { name: "username", required: true, doc: "The new user's name." },
          { name: "email", doc: "The user's email address." },
          { name: "password", doc: "The password (at least 8 characters)." },
          { name: "is_superuser", type: "Boolean", doc: "Whether the user is an admin." },
        ]),
        op("GET", "whoami", "Retrieve logged-in user", "Returns the user the request is signed by."),
      ],
    },
  },
  {
    anon: null,
    auth: {
      name: "AccountHandler",
      doc: "Manage the current logged-in user.",
      path: `${API}/account/`,
      params: [],
      actions: [
        op("POST", "create_authorisation_token", "Create an authorisation token", "Creates an API key.", [
          { name: "name", doc: "A name for the token." },
        ]),
        op("POST", "delete_authorisation_token", "Delete an authorisation token", "Deletes an API key.", [
          { name: "token_key", required: true, doc: "The token_key of the key to delete." },
        ]),
        op("GET", "list_authorisation_tokens", "List authorisation tokens", "Lists the user's API keys."),
        op("POST", "update_token_name", "Modify authorisation token", "Renames an API key.", [
          { name: "token", required: true, doc: "The token_key (or whole key) to rename." },
          { name: "name", required: true, doc: "The new name." },
        ]),
      ],
    },
  },
  {
    anon: null,
    auth: {
      name: "EventsHandler",
      doc: "Retrieve filtered node events.",
      path: `${API}/events/`,
      params: [],
      actions: [
        op("GET", "query", "List node events", "Lists events, newest first, optionally filtered.", [
          { name: "id", doc: "Only events of the machine with this system_id (repeatable)." },
          { name: "hostname", doc: "Only events of the machine with this hostname (repeatable)." },
          { name: "mac_address", doc: "Only events of the machine with this MAC address (repeatable)." },
          { name: "owner", doc: "Only events of machines owned by this user." },
          {
            name: "level",
            doc: "Minimum level: DEBUG, INFO (default), WARNING, ERROR, CRITICAL; AUDIT alone.",
          },
          { name: "limit", type: "Int", doc: "At most this many events (default 100, at most 1000)." },
          { name: "before", type: "Int", doc: "Only events with an id below this one." },
          { name: "after", type: "Int", doc: "Only events with an id above this one." },
        ]),
      ],
    },
  },
];

RESOURCES.push(...OBJECT_RESOURCES);

function handlerJson(handler: HandlerSpec, origin: string | null): Record<string, unknown> {
  return {
    actions: handler.actions.map((action) => ({
      doc: actionDoc(action),
      method: action.method,
      name: action.name,
      op: action.op,
      restful: action.op === null,
    })),
    doc: handler.doc,
    name: handler.name,
    params: handler.params,
    path: handler.path,
    ...(origin === null ? {} : { uri: `${origin}${handler.path}` }),
  };
}

/** The description; `origin` (scheme://host) makes the absolute `uri`s, null leaves them out. */
function buildDescription(origin: string | null): { doc: string; handlers: unknown[]; resources: unknown[] } {
  const resources = RESOURCES.map((resource) => {
    const main = resource.auth ?? resource.anon!;
    return {
      anon: resource.anon ? handlerJson(resource.anon, origin) : null,
      auth: resource.auth ? handlerJson(resource.auth, origin) : null,
      name: main.name,
    };
  });
  const handlers = [
    ...RESOURCES.flatMap((resource) => (resource.anon ? [handlerJson(resource.anon, origin)] : [])),
    ...RESOURCES.flatMap((resource) => (resource.auth ? [handlerJson(resource.auth, origin)] : [])),
  ];
  return { doc: "MAAS API", handlers, resources };
}

/** Deep copy with object keys sorted, as MAAS serves the description. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/**
 * SHA-1 of the description without its host-dependent `uri`s, so every client (and every
 * region process) sees the same `X-MAAS-API-Hash` whatever Host header it used.
 */
export const API_HASH = createHash("sha1")
  .update(JSON.stringify(sortKeys(buildDescription(null))))
  .digest("hex");

// The description only varies with the origin; a handful of origins (localhost, the rack
// proxy, the public name) covers every client, so keep the last few built.
const byOrigin = new Map<string, Record<string, unknown>>();
const MAX_CACHED_ORIGINS = 16;

export function describeApi(origin: string): Record<string, unknown> {
  let description = byOrigin.get(origin);
  if (!description) {
    description = sortKeys({ ...buildDescription(origin), hash: API_HASH }) as Record<string, unknown>;
    if (byOrigin.size >= MAX_CACHED_ORIGINS) byOrigin.delete(byOrigin.keys().next().value!);
    byOrigin.set(origin, description);
  }
  return description;
}
