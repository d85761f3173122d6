import { allValues, type FormBody, firstValue, parseBoolean } from "../../body.ts";
import { regionError } from "../../errors.ts";
import type { FilterParams } from "../../services/machine-filter.ts";
import type { NewMachineInput } from "../../services/machines.ts";

// The machines collection's forms: the list's query filters and the create form.

/** A MAAS boolean form field; anything else is MAAS's `Invalid <name>: …` 400. */
function optionalBoolean(form: FormBody, name: string): boolean | undefined {
  const raw = firstValue(form, name);
  if (raw === undefined || raw === "") return undefined;
  const value = parseBoolean(raw);
  if (value === undefined) {
    throw regionError("HWS_BAD_REQUEST", { message: `Invalid ${name}: Value should be 'true' or 'false'` });
  }
  return value;
}

export function newMachineInputFromForm(form: FormBody): NewMachineInput {
  return {
    hostname: firstValue(form, "hostname") || undefined,
    architecture: firstValue(form, "architecture") || undefined,
    macAddresses: allValues(form, "mac_addresses").flatMap((value) => value.split(/[\s,]+/).filter(Boolean)),
    powerType: firstValue(form, "power_type") || undefined,
    description: firstValue(form, "description"),
    zone: firstValue(form, "zone") || undefined,
    pool: firstValue(form, "pool") || undefined,
    deployed: optionalBoolean(form, "deployed") ?? false,
    enableHwSync: optionalBoolean(form, "enable_hw_sync"),
  };
}

/** Our extension to the list: `sync_unhealthy=true`. */
export const LIST_EXTENSIONS = ["sync_unhealthy"] as const;

/** The list's query as parameter → values, what resolveMachineFilter checks. */
export function filterParamsFromQuery(query: FormBody): FilterParams {
  // Object.keys: own keys only, `__proto__` included when the query parser made it an own key.
  return new Map(Object.keys(query).map((name) => [name, allValues(query, name)]));
}

/** `sync_unhealthy=true`: only hw-sync machines unhealthy at `now`. */
export function syncUnhealthyFromQuery(query: FormBody, now: Date): Date | undefined {
  const raw = firstValue(query, "sync_unhealthy");
  if (raw === undefined) return undefined;
  const parsed = parseBoolean(raw);
  if (parsed === undefined) {
    throw regionError("HWS_VALIDATION_FAILED", {
      fields: { sync_unhealthy: ["sync_unhealthy must be true or false."] },
    });
  }
  return parsed ? now : undefined;
}
