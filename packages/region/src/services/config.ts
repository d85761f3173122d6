import { hostname } from "node:os";
import { parseTimeSpan, TIME_SPAN_UNITS } from "@hwsync/shared";
import { readConfigValues, writeConfigValue } from "../db/config.ts";
import type { Db } from "../db/db.ts";
import { notifyConfigChanged } from "../db/notify.ts";
import { regionError } from "../errors.ts";

interface ConfigItem {
  defaultValue: () => string;
  /** The problem with a value, or null when it is fine. */
  validate: (value: string) => string | null;
}

/**
 * MAAS's interval message, with our whole-string match
 * (docs/maas-compatibility.md#hardware-sync-interval).
 */
function intervalProblem(value: string): string | null {
  let seconds: number;
  try {
    seconds = parseTimeSpan(value);
  } catch {
    return `'${value}' is not a valid interval. Only '${TIME_SPAN_UNITS}' are valid units`;
  }
  // MAAS accepts 0m and then calls every machine unhealthy forever; refuse it instead.
  if (seconds === 0) return `'${value}' is not a valid interval: it must be longer than 0 seconds (e.g. 15m)`;
  return null;
}

function slugProblem(what: string, example: string) {
  return (value: string) =>
    /^[a-z0-9][a-z0-9._-]{0,63}$/.test(value)
      ? null
      : `'${value}' is not a valid ${what}: use lower-case letters, digits, '.', '_' or '-' (e.g. ${example}).`;
}

const CONFIG_ITEMS: Record<string, ConfigItem> = {
  hardware_sync_interval: { defaultValue: () => "15m", validate: intervalProblem },
  maas_name: {
    defaultValue: () => hostname(),
    validate: (value) =>
      value.trim().length > 0 && value.length <= 255 && !/[\p{Cc}]/u.test(value)
        ? null
        : "The MAAS name must be 1 to 255 printable characters.",
  },
  default_osystem: { defaultValue: () => "ubuntu", validate: slugProblem("operating system", "ubuntu") },
  default_distro_series: { defaultValue: () => "noble", validate: slugProblem("distro series", "noble") },
};

const CONFIG_NAMES = Object.keys(CONFIG_ITEMS);

const DEFAULT_SYNC_INTERVAL_SECONDS = 900;

function itemOrThrow(name: string): ConfigItem {
  // Own keys only: `constructor` or `__proto__` would otherwise find Object.prototype's members (a 500).
  const item = Object.hasOwn(CONFIG_ITEMS, name) ? CONFIG_ITEMS[name] : undefined;
  if (!item) {
    throw regionError("HWS_VALIDATION_FAILED", {
      fields: {
        [name]: [`${name} is not a valid config setting (valid settings are: ${CONFIG_NAMES.join(", ")}).`],
      },
    });
  }
  return item;
}

export async function getConfig(db: Db, name: string): Promise<string> {
  const item = itemOrThrow(name);
  const stored = await readConfigValues(db, [name]);
  return stored.get(name) ?? item.defaultValue();
}

export async function listConfig(db: Db): Promise<Array<{ name: string; value: string }>> {
  const stored = await readConfigValues(db);
  return CONFIG_NAMES.map((name) => ({
    name,
    value: stored.get(name) ?? CONFIG_ITEMS[name]!.defaultValue(),
  }));
}

/**
 * Validates and stores a value. Errors are 400 JSON keyed by `field` (REST uses the setting's
 * name, the WebSocket `value`, as MAAS does). Live clients hear about the change.
 */
export async function setConfig(db: Db, name: string, value: string, field: string = name): Promise<void> {
  const problem = itemOrThrow(name).validate(value);
  if (problem) throw regionError("HWS_VALIDATION_FAILED", { fields: { [field]: [problem] } });
  await db.transaction(async (tx) => {
    await writeConfigValue(tx, name, value);
    await notifyConfigChanged(tx, name);
  });
}

/** The global interval in seconds, what a hw-sync deploy snapshots into `sync_interval`. */
export async function hardwareSyncIntervalSeconds(db: Db): Promise<number> {
  const value = await getConfig(db, "hardware_sync_interval");
  try {
    const seconds = parseTimeSpan(value);
    return seconds > 0 ? seconds : DEFAULT_SYNC_INTERVAL_SECONDS;
  } catch {
    // A value stored by an older, laxer region: fall back rather than fail every deploy.
    return DEFAULT_SYNC_INTERVAL_SECONDS;
  }
}
