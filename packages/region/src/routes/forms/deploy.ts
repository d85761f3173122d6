import { parseIntervalSeconds } from "@hwsync/shared";
import { type FormBody, firstValue, parseBoolean } from "../../body.ts";
import { regionError } from "../../errors.ts";
import type { DeployOptions } from "../../services/deploy.ts";

// The deploy form, as the REST op=deploy and the WebSocket's machine.action both send it.

const SLUG = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Deploy form → options. Throws the 400s MAAS gives for each bad field. */
export function parseDeployForm(form: FormBody): DeployOptions {
  const rawEnable = firstValue(form, "enable_hw_sync");
  let enableHwSync = false;
  if (rawEnable !== undefined) {
    const parsed = parseBoolean(rawEnable);
    if (parsed === undefined)
      throw regionError("HWS_BAD_REQUEST", {
        message: "Invalid enable_hw_sync: Value should be 'true' or 'false'",
      });
    enableHwSync = parsed;
  }
  const fields: Record<string, string[]> = {};
  let syncInterval: number | null = null;
  const rawInterval = firstValue(form, "sync_interval");
  if (rawInterval !== undefined && rawInterval !== "") {
    if (!enableHwSync) {
      fields.sync_interval = ["sync_interval only applies with enable_hw_sync=true."];
    } else {
      try {
        syncInterval = parseIntervalSeconds(rawInterval);
      } catch (error) {
        fields.sync_interval = [(error as Error).message];
      }
    }
  }
  const osystem = firstValue(form, "osystem") || undefined;
  const distroSeries = firstValue(form, "distro_series") || undefined;
  if (osystem !== undefined && !SLUG.test(osystem)) {
    fields.osystem = [`'${osystem}' is not a valid operating system: use a name such as ubuntu.`];
  }
  if (distroSeries !== undefined && !SLUG.test(distroSeries)) {
    fields.distro_series = [`'${distroSeries}' is not a valid distro series: use a name such as noble.`];
  }
  let userData: string | null | undefined;
  const rawUserData = firstValue(form, "user_data");
  if (rawUserData !== undefined && rawUserData !== "") {
    const compact = rawUserData.replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
      fields.user_data = [
        "user_data must be base64-encoded (e.g. user_data=$(base64 -w0 cloud-config.yaml)).",
      ];
    } else {
      userData = Buffer.from(compact, "base64").toString("utf8");
    }
  }
  if (Object.keys(fields).length > 0) throw regionError("HWS_VALIDATION_FAILED", { fields });
  return {
    enableHwSync,
    syncInterval,
    osystem,
    distroSeries,
    userData,
    comment: firstValue(form, "comment"),
    agentName: firstValue(form, "agent_name"),
  };
}
