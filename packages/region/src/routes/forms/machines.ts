import { NODE_STATUS_NAMES } from "@hwsync/shared";
import type { PrincipalUser } from "../../auth.ts";
import { allValues, type FormBody, firstValue, parseBoolean } from "../../body.ts";
import type { MachineFilter } from "../../db/machines.ts";
import { regionError } from "../../errors.ts";
import type { NewMachineInput } from "../../services/machines.ts";

// The machines collection's forms: the list's query filters and the create form.

export function newMachineInputFromForm(form: FormBody): NewMachineInput {
  return {
    hostname: firstValue(form, "hostname") || undefined,
    architecture: firstValue(form, "architecture") || undefined,
    macAddresses: allValues(form, "mac_addresses").flatMap((value) => value.split(/[\s,]+/).filter(Boolean)),
    powerType: firstValue(form, "power_type") || undefined,
  };
}

/** `status=deployed`, `status=Failed deployment`, `status=6` → 6. */
function parseStatus(value: string): number | undefined {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    const number = Number(trimmed);
    return NODE_STATUS_NAMES[number] === undefined ? undefined : number;
  }
  const wanted = trimmed.toLowerCase().replace(/[\s-]+/g, "_");
  for (const [number, name] of Object.entries(NODE_STATUS_NAMES)) {
    if (name.toLowerCase().replace(/\s+/g, "_") === wanted) return Number(number);
  }
  return undefined;
}

/** The machines list filters MAAS accepts (id, hostname, status) plus our sync_unhealthy. */
export function machineFilterFromQuery(query: FormBody, user: PrincipalUser, now: Date): MachineFilter {
  const fields: Record<string, string[]> = {};
  const statuses: number[] = [];
  for (const value of allValues(query, "status")) {
    const status = parseStatus(value);
    if (status === undefined) {
      fields.status = [
        `'${value}' is not a valid status: use a name (new, ready, deploying, deployed, …) or a number.`,
      ];
    } else statuses.push(status);
  }
  let unhealthy = false;
  const rawUnhealthy = firstValue(query, "sync_unhealthy");
  if (rawUnhealthy !== undefined) {
    const parsed = parseBoolean(rawUnhealthy);
    if (parsed === undefined) fields.sync_unhealthy = ["sync_unhealthy must be true or false."];
    else unhealthy = parsed;
  }
  if (Object.keys(fields).length > 0) throw regionError("HWS_VALIDATION_FAILED", { fields });
  return {
    systemIds: allValues(query, "id"),
    hostnames: allValues(query, "hostname"),
    statuses,
    syncUnhealthyAt: unhealthy ? now : undefined,
    visibleToUserId: user.isSuperuser ? undefined : user.id,
  };
}
