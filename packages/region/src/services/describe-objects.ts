import { API, crud, op, type ResourceSpec } from "./describe-spec.ts";

// The describe/ entries of the objects a machine refers to: zones, resource pools, domains,
// tags, and a node's interfaces and block devices. Handler names are MAAS's, so MAAS's CLI names
// the commands as it does (`zones read`, `resource-pool read ID`, `interfaces read SYSTEM_ID`)
// and python-libmaas binds `client.zones`, `client.resource_pools`, `client.tags` to them.

const nameAndDescription = (what: string) => [
  { name: "name", doc: `The ${what}'s name.` },
  { name: "description", doc: `A description of the ${what}.` },
];

const collection = (
  name: string,
  doc: string,
  path: string,
  create?: ReturnType<typeof crud>,
): ResourceSpec => ({
  anon: null,
  auth: {
    name,
    doc,
    path: `${API}/${path}`,
    params: [],
    actions: [
      crud("GET", `List ${doc.toLowerCase()}`, `Lists ${doc.toLowerCase()}.`),
      ...(create ? [create] : []),
    ],
  },
});

export const OBJECT_RESOURCES: ResourceSpec[] = [
  {
    anon: null,
    auth: {
      name: "NodesHandler",
      doc: "Manage the collection of all the nodes in the MAAS.",
      path: `${API}/nodes/`,
      params: [],
      actions: [
        crud(
          "GET",
          "List Nodes visible to the user",
          "Lists nodes (every node here is a machine); the filters of machines read.",
          [
            { name: "id", doc: "Only nodes with this system_id (repeatable)." },
            { name: "hostname", doc: "Only nodes with this hostname (repeatable)." },
            { name: "zone", doc: "Only nodes in this zone." },
            { name: "pool", doc: "Only nodes in this resource pool." },
            { name: "tags", doc: "Only nodes carrying every one of these tags." },
            { name: "status", doc: "Only nodes in this status." },
          ],
        ),
      ],
    },
  },
  {
    anon: null,
    auth: {
      name: "NodeHandler",
      doc: "Manage an individual Node.",
      path: `${API}/nodes/{system_id}/`,
      params: ["system_id"],
      actions: [
        crud("GET", "Read a node", "Reads a node with the given system_id."),
        op(
          "GET",
          "details",
          "Get system details",
          "Returns the node's lshw and LLDP outputs as BSON {lldp, lshw}.",
        ),
        op(
          "GET",
          "power_parameters",
          "Get power parameters",
          "Returns the node's power parameters (admin only).",
        ),
      ],
    },
  },
  collection(
    "ZonesHandler",
    "Zones",
    "zones/",
    crud("POST", "Create a new zone", "Creates a zone (admin only).", [
      { name: "name", required: true, doc: "The new zone's name." },
      { name: "description", doc: "A description of the zone." },
    ]),
  ),
  {
    anon: null,
    auth: {
      name: "ZoneHandler",
      doc: "Manage a physical zone.",
      path: `${API}/zones/{name}/`,
      params: ["name"],
      actions: [
        crud("GET", "Read a zone", "Reads the zone with the given name."),
        crud("PUT", "Update a zone", "Renames or describes a zone (admin only).", nameAndDescription("zone")),
        crud(
          "DELETE",
          "Delete a zone",
          "Deletes a zone; its machines move to the default zone (admin only).",
        ),
      ],
    },
  },
  collection(
    "ResourcePoolsHandler",
    "Resource pools",
    "resourcepools/",
    crud("POST", "Create a resource pool", "Creates a resource pool (admin only).", [
      { name: "name", required: true, doc: "The new pool's name." },
      { name: "description", doc: "A description of the pool." },
    ]),
  ),
  {
    anon: null,
    auth: {
      name: "ResourcePoolHandler",
      doc: "Manage a resource pool.",
      path: `${API}/resourcepool/{id}/`,
      params: ["id"],
      actions: [
        crud("GET", "Read a resource pool", "Reads the resource pool with the given id."),
        crud(
          "PUT",
          "Update a resource pool",
          "Renames or describes a pool (admin only).",
          nameAndDescription("pool"),
        ),
        crud("DELETE", "Delete a resource pool", "Deletes an empty pool (admin only)."),
      ],
    },
  },
  collection("DomainsHandler", "Domains", "domains/"),
  {
    anon: null,
    auth: {
      name: "DomainHandler",
      doc: "Manage a domain.",
      path: `${API}/domains/{id}/`,
      params: ["id"],
      actions: [crud("GET", "Read a domain", "Reads the domain with the given id.")],
    },
  },
  collection(
    "TagsHandler",
    "Tags",
    "tags/",
    crud(
      "POST",
      "Create a new tag",
      "Creates a tag (admin only); one with a definition is attached automatically.",
      [
        { name: "name", required: true, doc: "The new tag's name (letters, digits, '-', '_')." },
        { name: "comment", doc: "What the tag is for." },
        {
          name: "definition",
          doc: "Attach the tag to every machine whose hardware matches, e.g. pci_devices[vendor_id=10de] (this region's tag language, not XPath).",
        },
        { name: "kernel_opts", doc: "Kernel options for machines with this tag (stored only)." },
      ],
    ),
  ),
  {
    anon: null,
    auth: {
      name: "TagHandler",
      doc: "Tags are properties that can be associated with a machine.",
      path: `${API}/tags/{name}/`,
      params: ["name"],
      actions: [
        crud("GET", "Read a specific tag", "Reads the tag with the given name."),
        crud(
          "PUT",
          "Update a tag",
          "Changes a tag's name, comment, definition or kernel options (admin only).",
          [
            { name: "name", doc: "The new name." },
            { name: "comment", doc: "What the tag is for." },
            { name: "definition", doc: "The new definition; machines are evaluated again." },
            { name: "kernel_opts", doc: "Kernel options (stored only)." },
          ],
        ),
        crud("DELETE", "Delete a tag", "Deletes a tag (admin only)."),
        op("GET", "machines", "List machines by tag", "Lists the machines carrying the tag."),
        op(
          "GET",
          "nodes",
          "List nodes by tag",
          "Lists the nodes carrying the tag (every node here is a machine).",
        ),
        op(
          "POST",
          "update_nodes",
          "Update nodes associated with this tag",
          "Attaches or detaches the tag (admin only).",
          [
            { name: "add", doc: "The system_id of a machine to tag (repeatable)." },
            { name: "remove", doc: "The system_id of a machine to untag (repeatable)." },
            { name: "definition", doc: "If given, must be the tag's current definition (else 409)." },
          ],
        ),
        op(
          "POST",
          "rebuild",
          "Trigger a tag-node mapping rebuild",
          "Evaluates the definition against every machine again.",
        ),
      ],
    },
  },
  {
    anon: null,
    auth: {
      name: "InterfacesHandler",
      doc: "Manage interfaces on a node.",
      path: `${API}/nodes/{system_id}/interfaces/`,
      params: ["system_id"],
      actions: [crud("GET", "List interfaces", "Lists the node's interfaces as hardware sync stored them.")],
    },
  },
  {
    anon: null,
    auth: {
      name: "InterfaceHandler",
      doc: "Manage a node's or device's interface.",
      path: `${API}/nodes/{system_id}/interfaces/{id}/`,
      params: ["system_id", "id"],
      actions: [crud("GET", "Read an interface", "Reads one interface of the node.")],
    },
  },
  {
    anon: null,
    auth: {
      name: "BlockDevicesHandler",
      doc: "Manage block devices on a machine.",
      path: `${API}/nodes/{system_id}/blockdevices/`,
      params: ["system_id"],
      actions: [
        crud("GET", "List block devices", "Lists the machine's block devices as hardware sync stored them."),
      ],
    },
  },
  {
    anon: null,
    auth: {
      name: "BlockDeviceHandler",
      doc: "Manage a block device on a machine.",
      path: `${API}/nodes/{system_id}/blockdevices/{id}/`,
      params: ["system_id", "id"],
      actions: [crud("GET", "Read a block device", "Reads one block device of the machine.")],
    },
  },
];
