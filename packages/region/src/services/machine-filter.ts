import { NodeStatus } from "@hwsync/shared";
import type { PrincipalUser } from "../auth.ts";
import type { Db } from "../db/db.ts";
import type { MachineFilter } from "../db/machines.ts";
import { existingNames } from "../db/named-objects.ts";
import { RESOURCE_POOLS } from "../db/resource-pools.ts";
import { existingTagNames } from "../db/tags.ts";
import { existingUsernames } from "../db/users.ts";
import { ZONES } from "../db/zones.ts";
import { regionError } from "../errors.ts";
import { ARCHITECTURES } from "./machines.ts";

// The machines list's filters, as MAAS's ReadNodesForm reads them
// (docs/maas-compatibility.md#machine-object): every parameter MAAS knows is honoured or refused,
// an unknown one is a 400 "No such constraint.", and a zone, pool, tag or owner that does not
// exist is a 400 naming it. Never a silent "every machine": a script that releases "the machines
// in zone lab" must not get the whole fleet because the filter was ignored.

/**
 * Parameter name → its values, in request order (query string or WebSocket filter). A Map, so
 * that a parameter named `__proto__` or `constructor` is a parameter like any other.
 */
export type FilterParams = Map<string, string[]>;

// Parameters that are not filters: MAAS drops these before validating, and OAuth may travel in
// the query string.
const IGNORED = new Set([
  "comment",
  "bridge_all",
  "bridge_type",
  "bridge_stp",
  "bridge_fd",
  "dry_run",
  "verbose",
  "op",
]);

/** MAAS's NODE_STATUS names, lower-cased: what `status=` takes. */
const STATUS_CHOICES: Record<string, number> = {
  new: 0,
  commissioning: 1,
  failed_commissioning: 2,
  missing: 3,
  ready: 4,
  reserved: 5,
  deployed: 6,
  retired: 7,
  broken: 8,
  deploying: 9,
  allocated: 10,
  failed_deployment: 11,
  releasing: 12,
  failed_releasing: 13,
  disk_erasing: 14,
  failed_disk_erasing: 15,
  rescue_mode: 16,
  entering_rescue_mode: 17,
  failed_entering_rescue_mode: 18,
  exiting_rescue_mode: 19,
  failed_exiting_rescue_mode: 20,
  testing: 21,
  failed_testing: 22,
};
const STATUS_LABELS: Record<number, string> = {
  ...Object.fromEntries(Object.entries(STATUS_CHOICES).map(([name, number]) => [number, name])),
};

/** MAAS's simplified statuses and the statuses each covers; "other" is everything else. */
const SIMPLE_STATUSES: Record<string, number[]> = {
  allocated: [NodeStatus.ALLOCATED],
  broken: [NodeStatus.BROKEN],
  commissioning: [NodeStatus.COMMISSIONING],
  deployed: [NodeStatus.DEPLOYED],
  deploying: [NodeStatus.DEPLOYING],
  failed: [2, NodeStatus.FAILED_DEPLOYMENT, 15, 18, 20, NodeStatus.FAILED_RELEASING, 22],
  new: [NodeStatus.NEW],
  ready: [NodeStatus.READY],
  releasing: [14, NodeStatus.RELEASING],
  rescue_mode: [16, 17, 19],
  testing: [21],
};

const POWER_STATES = ["on", "off", "unknown", "error"];
/** Every machine here has no power driver, so its power state is always unknown. */
const OUR_POWER_STATE = "unknown";

const MAC = /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i;

function invalidChoice(value: string): string {
  return `Select a valid choice. ${value} is not one of the available choices.`;
}

/**
 * `status=deployed` as MAAS takes it; we also take a number (`6`) and the display name in any
 * case (`Deployed`, `Failed deployment`), and MAAS's `=` prefix.
 */
function parseStatus(raw: string): number | undefined {
  const value = (raw.startsWith("=") ? raw.slice(1) : raw).trim();
  if (/^\d+$/.test(value)) return STATUS_LABELS[Number(value)] === undefined ? undefined : Number(value);
  const wanted = value.toLowerCase().replace(/[\s-]+/g, "_");
  if (Object.hasOwn(STATUS_CHOICES, wanted)) return STATUS_CHOICES[wanted];
  if (wanted === "releasing_failed") return STATUS_CHOICES.failed_releasing;
  if (wanted === "failed_to_enter_rescue_mode") return STATUS_CHOICES.failed_entering_rescue_mode;
  if (wanted === "failed_to_exit_rescue_mode") return STATUS_CHOICES.failed_exiting_rescue_mode;
  return undefined;
}

/** MAAS splits tags on commas and whitespace (its "legacy" list syntax). */
function splitTags(values: string[]): string[] {
  return [...new Set(values.flatMap((value) => value.match(/[^\s,]+/g) ?? []))];
}

/** `arch=amd64` means every amd64 subarchitecture; `arm` means armhf, as in MAAS. */
function expandArchitecture(value: string): string[] | undefined {
  if (ARCHITECTURES.includes(value)) return [value];
  const primary = value === "arm" ? "armhf" : value;
  const matches = ARCHITECTURES.filter((arch) => arch.split("/")[0] === primary);
  return matches.length > 0 ? matches : undefined;
}

class FilterErrors {
  private readonly byField = new Map<string, string[]>();
  add(field: string, message: string): void {
    this.byField.set(field, [...(this.byField.get(field) ?? []), message]);
  }
  get empty(): boolean {
    return this.byField.size === 0;
  }
  /** As MAAS's body: `{"field": ["message"]}` (own properties, whatever the field's name). */
  get fields(): Record<string, string[]> {
    return Object.fromEntries(this.byField);
  }
}

type Parser = (values: string[], filter: MachineFilter, errors: FilterErrors, name: string) => void;

const minimum =
  (key: "minCpuCount" | "minCpuSpeed" | "minMemory" | "minLinkSpeed", message: string): Parser =>
  (values, filter, errors, name) => {
    const numbers = values.map((value) => (value.trim() === "" ? Number.NaN : Number(value)));
    if (numbers.some((number) => !Number.isFinite(number))) errors.add(name, message);
    else filter[key] = Math.min(...numbers);
  };

const passThrough =
  (key: keyof MachineFilter): Parser =>
  (values, filter) => {
    (filter[key] as string[]) = values;
  };

const choice =
  (choices: string[], apply: (chosen: string[], filter: MachineFilter) => void): Parser =>
  (values, filter, errors, name) => {
    const chosen = values.map((value) => (value.startsWith("=") ? value.slice(1) : value));
    const bad = chosen.find((value) => !choices.includes(value));
    if (bad !== undefined) errors.add(name, invalidChoice(bad));
    else apply(chosen, filter);
  };

/** A thing this region has none of (pods, fabrics): asking for one matches nothing. */
const nothingHere: Parser = (_values, filter) => {
  filter.matchNothing = true;
};
/** Excluding a thing this region has none of excludes nothing. */
const excludesNothing: Parser = () => {};

const noneOfThese =
  (message: string): Parser =>
  (_values, _filter, errors, name) =>
    errors.add(name, message);

const unsupported =
  (what: string): Parser =>
  (_values, _filter, errors, name) =>
    errors.add(
      name,
      `This region does not model ${what}, so it cannot filter on '${name}'. Filter on tags, zone, pool or hardware fields instead.`,
    );

const statuses =
  (key: "statuses" | "notStatuses"): Parser =>
  (values, filter, errors, name) => {
    const parsed = values.map(parseStatus);
    const bad = values.find((_value, i) => parsed[i] === undefined);
    if (bad !== undefined) errors.add(name, invalidChoice(bad));
    else filter[key] = [...(filter[key] ?? []), ...(parsed as number[])];
  };

const PARSERS: Record<string, Parser> = {
  id: passThrough("systemIds"),
  not_id: passThrough("notSystemIds"),
  hostname: passThrough("hostnames"),
  not_hostname: passThrough("notHostnames"),
  domain: passThrough("domains"),
  not_domain: passThrough("notDomains"),
  agent_name: passThrough("agentNames"),
  not_agent_name: passThrough("notAgentNames"),
  not_arch: passThrough("notArchitectures"),
  not_in_zone: passThrough("notZones"),
  not_in_pool: passThrough("notPools"),
  not_owner: passThrough("notOwners"),
  not_tags: passThrough("noTags"),
  mac_address: (values, filter, errors, name) => {
    const bad = values.filter((value) => !MAC.test(value.trim()));
    if (bad.length > 0) errors.add(name, `Invalid MAC address(es): ${bad.join(", ")}`);
    else filter.macAddresses = values.map((value) => value.trim().toLowerCase().replaceAll("-", ":"));
  },
  status: statuses("statuses"),
  not_status: statuses("notStatuses"),
  simple_status: choice([...Object.keys(SIMPLE_STATUSES), "other"], (chosen, filter) => {
    filter.simpleStatuses = simpleStatuses(chosen);
  }),
  not_simple_status: choice([...Object.keys(SIMPLE_STATUSES), "other"], (chosen, filter) => {
    filter.notStatuses = [...(filter.notStatuses ?? []), ...simpleStatuses(chosen)];
  }),
  arch: (values, filter, errors, name) => {
    const expanded = values.map(expandArchitecture);
    if (expanded.some((arches) => arches === undefined)) errors.add(name, "Architecture not recognised.");
    else filter.architectures = expanded.flat() as string[];
  },
  power_state: choice(POWER_STATES, (chosen, filter) => {
    if (!chosen.includes(OUR_POWER_STATE)) filter.matchNothing = true;
  }),
  not_power_state: choice(POWER_STATES, (chosen, filter) => {
    if (chosen.includes(OUR_POWER_STATE)) filter.matchNothing = true;
  }),
  cpu_count: minimum("minCpuCount", "Invalid CPU count: number required."),
  cpu_speed: minimum("minCpuSpeed", "Invalid CPU speed: number required."),
  mem: minimum("minMemory", "Invalid memory: number of MiB required."),
  link_speed: minimum("minLinkSpeed", "Invalid link speed: number required."),
  // Checked against the database in resolveMachineFilter.
  zone: passThrough("zones"),
  pool: passThrough("pools"),
  tags: (values, filter) => {
    filter.allTags = splitTags(values);
  },
  owner: passThrough("owners"),
  pod: nothingHere,
  pod_type: nothingHere,
  fabrics: nothingHere,
  fabric_classes: nothingHere,
  not_pod: excludesNothing,
  not_pod_type: excludesNothing,
  not_fabrics: excludesNothing,
  not_fabric_classes: excludesNothing,
  vlans: noneOfThese("No matching VLANs found."),
  not_vlans: noneOfThese("No matching VLANs found."),
  subnets: noneOfThese("No matching subnets found."),
  not_subnets: noneOfThese("No matching subnets found."),
  storage: unsupported("storage layouts"),
  interfaces: unsupported("interface links"),
  devices: unsupported("device constraints"),
};

function simpleStatuses(chosen: string[]): number[] {
  const covered = Object.values(SIMPLE_STATUSES).flat();
  const all = Object.values(STATUS_CHOICES);
  return chosen.flatMap((name) =>
    name === "other" ? all.filter((status) => !covered.includes(status)) : (SIMPLE_STATUSES[name] ?? []),
  );
}

/** Parameters our list reads beyond MAAS's (sync_unhealthy); the caller handles them. */
export interface FilterExtensions {
  names: readonly string[];
}

/**
 * Checks every parameter and builds the database filter, in one pass: all problems come back in
 * one 400 `{"param": ["message"]}`, as MAAS's form does. `extensions` are parameters the caller
 * reads itself (ours, e.g. sync_unhealthy).
 */
export async function resolveMachineFilter(
  db: Db,
  params: FilterParams,
  user: PrincipalUser,
  extensions: readonly string[] = [],
): Promise<MachineFilter> {
  const filter: MachineFilter = { visibleToUserId: user.isSuperuser ? undefined : user.id };
  const errors = new FilterErrors();
  for (const [name, values] of params) {
    if (IGNORED.has(name) || name.startsWith("oauth_") || extensions.includes(name)) continue;
    const parse = Object.hasOwn(PARSERS, name) ? PARSERS[name] : undefined;
    if (!parse) errors.add(name, "No such constraint.");
    else if (values.length > 0) parse(values, filter, errors, name);
  }
  await checkNamesExist(db, filter, errors);
  if (!errors.empty) throw regionError("HWS_VALIDATION_FAILED", { fields: errors.fields });
  return filter;
}

/** MAAS's answers for names that do not exist: zones and pools listed, tags quoted, one owner. */
async function checkNamesExist(db: Db, filter: MachineFilter, errors: FilterErrors): Promise<void> {
  const missing = (wanted: string[] | undefined, existing: Set<string>) =>
    [...new Set(wanted ?? [])].filter((name) => !existing.has(name)).sort();
  const [zones, notZones, pools, notPools, tags, owners] = await Promise.all([
    existingNames(db, ZONES, filter.zones ?? []),
    existingNames(db, ZONES, filter.notZones ?? []),
    existingNames(db, RESOURCE_POOLS, filter.pools ?? []),
    existingNames(db, RESOURCE_POOLS, filter.notPools ?? []),
    existingTagNames(db, filter.allTags ?? []),
    existingUsernames(db, filter.owners ?? []),
  ]);
  const report = (field: string, names: string[], text: (names: string[]) => string) => {
    if (names.length > 0) errors.add(field, text(names));
  };
  report("zone", missing(filter.zones, zones), (names) => `No such zone(s): ${names.join(", ")}.`);
  report(
    "not_in_zone",
    missing(filter.notZones, notZones),
    (names) => `No such zone(s): ${names.join(", ")}.`,
  );
  report("pool", missing(filter.pools, pools), (names) => `No such pool(s): ${names.join(", ")}.`);
  report(
    "not_in_pool",
    missing(filter.notPools, notPools),
    (names) => `No such pool(s): ${names.join(", ")}.`,
  );
  report(
    "tags",
    missing(filter.allTags, tags),
    (names) => `No such tag(s): ${names.map((name) => `'${name}'`).join(", ")}.`,
  );
  report("owner", missing(filter.owners, owners), (names) => `No such owner: '${names[0]}'.`);
}

/**
 * The WebSocket `machine.list` filter, `{"filter": {"zone": ["lab"], "status": "deployed"}}`:
 * each value a list or a single value, read as the REST list's parameters.
 */
export function filterParamsFromWs(filter: unknown): FilterParams {
  const params: FilterParams = new Map();
  if (filter === undefined || filter === null) return params;
  if (typeof filter !== "object" || Array.isArray(filter)) {
    throw regionError("HWS_VALIDATION_FAILED", { fields: { filter: ["The filter must be an object."] } });
  }
  for (const [name, value] of Object.entries(filter)) {
    const values = Array.isArray(value) ? value : [value];
    params.set(
      name,
      values.filter((item) => item !== null && item !== undefined).map((item) => String(item)),
    );
  }
  return params;
}
