import { type FormBody, firstValue } from "../../body.ts";
import { regionError } from "../../errors.ts";
import type { BmcReport } from "../../services/hardware-sync/bmc.ts";
import {
  SIGNAL_STATUSES,
  type SignalReport,
  type SignalStatus,
} from "../../services/hardware-sync/signal.ts";

// MAAS's op=signal form fields (docs/maas-compatibility.md#signal), read into the service's typed input.

function integer(form: FormBody, name: string): number | null {
  const raw = firstValue(form, name);
  if (raw === undefined || raw === "") return null;
  if (!/^\s*-?\d+\s*$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw regionError("HWS_BAD_REQUEST", { message: `Invalid ${name}: Enter a whole number.` });
  }
  return Number(raw);
}

/** Validates the fields with MAAS's messages (400 `No provided status!`, `Unknown status: 'X'`, …). */
export function parseSignalForm(form: FormBody): SignalReport {
  const field = (name: string) => firstValue(form, name);
  const status = field("status");
  if (status === undefined || status === "")
    throw regionError("HWS_BAD_REQUEST", { message: "No provided status!" });
  if (!(SIGNAL_STATUSES as readonly string[]).includes(status))
    throw regionError("HWS_BAD_REQUEST", { message: `Unknown status: '${status}'` });
  const runtimeText = field("runtime");
  let runtime: number | null = null;
  if (runtimeText !== undefined && runtimeText !== "") {
    runtime = Number(runtimeText);
    if (!Number.isFinite(runtime))
      throw regionError("HWS_BAD_REQUEST", { message: "Invalid runtime: Enter a number." });
  }
  // `result` and `script_result` are legacy spellings of exit_status.
  const exitStatus =
    integer(form, "exit_status") ?? integer(form, "result") ?? integer(form, "script_result");
  let bmc: BmcReport | null = null;
  const powerType = field("power_type");
  const powerParameters = field("power_parameters");
  if (powerType || powerParameters) {
    let parameters: Record<string, unknown> | null = null;
    if (powerParameters) {
      try {
        parameters = JSON.parse(powerParameters) as Record<string, unknown>;
      } catch {
        parameters = null;
      }
      if (!parameters || typeof parameters !== "object" || Array.isArray(parameters)) {
        throw regionError("HWS_BAD_REQUEST", {
          message: 'Invalid power_parameters: Enter a JSON object, e.g. {"power_address": "10.0.0.9"}.',
        });
      }
    }
    bmc = { powerType: powerType || null, powerParameters: parameters };
  }
  return {
    status: status as SignalStatus,
    error: field("error") ?? null,
    scriptResultId: integer(form, "script_result_id"),
    exitStatus,
    runtime,
    name: field("name") ?? null,
    scriptVersionId: integer(form, "script_version_id"),
    bmc,
  };
}
