import { ErrorCode, HwsError, isHwsError } from "@hwsync/shared/errors";
import { METADATA_ROOT } from "@hwsync/shared/wire/push";
import type { Logger } from "./log.ts";
import { type RegionLink, unexpectedAnswer } from "./region-link.ts";
import { readTarEntry } from "./tar.ts";

/** The builtin script whose stdout (`<name>.out`) MAAS processes as the hardware JSON. */
export const COMMISSIONING_SCRIPT = "50-maas-01-commissioning";
/** MAAS's nginx refuses bodies over 10 MiB (`client_max_body_size 10M`). */
export const SIGNAL_SIZE_LIMIT = 10 * 1024 * 1024;
/**
 * The maas-scripts tar holds every deploy-info script and their previous outputs (the hardware
 * JSON twice, lshw's XML, a support dump): a few MiB on a large server. We only need its index,
 * and the ids in it are optional, so a larger archive costs a warning, not the run.
 */
export const SCRIPTS_ARCHIVE_MAX_BYTES = 16 * 1024 * 1024;
/** MAAS answers an accepted signal with the two bytes `OK`. */
export const SIGNAL_ANSWER_MAX_BYTES = 64 * 1024;

export interface ScriptIds {
  scriptResultId: number | null;
  scriptVersionId: number | null;
}

export interface CompatPushOptions {
  body: string;
  /** Our stderr for the run (collector problems); MAAS shows it as the script's stderr. */
  stderr: string;
  runtimeSeconds: number;
  log: Logger;
}

/**
 * The real-MAAS wire (docs/maas-compatibility.md#metadata-push, docs/maas-compatibility.md#signal):
 * read the script result ids from `maas-scripts`, then one multipart `op=signal` for
 * `50-maas-01-commissioning` with status WORKING — the only status that neither fails nor moves a
 * deployed machine. MAAS sets `last_sync` on every accepted signal, so one signal per run is the
 * whole heartbeat.
 */
export async function pushCompat(link: RegionLink, options: CompatPushOptions): Promise<void> {
  const ids = await fetchScriptIds(link, options.log);
  const size = 2 * Buffer.byteLength(options.body) + 2 * Buffer.byteLength(options.stderr);
  if (size > SIGNAL_SIZE_LIMIT) {
    throw new HwsError(
      ErrorCode.INVENTORY_INVALID,
      `the op=signal request would be ${(size / 1048576).toFixed(1)} MiB; MAAS accepts at most 10 MiB (the JSON travels twice)`,
      { hint: "Use the region's fast path (drop --compat), which sends the JSON once and gzipped." },
    );
  }
  // Field order as MAAS's own client sends them; fields without a value are left out.
  const form: Array<[string, string]> = [
    ["op", "signal"],
    ["status", "WORKING"],
  ];
  if (ids.scriptResultId !== null) form.push(["script_result_id", String(ids.scriptResultId)]);
  form.push(
    ["runtime", options.runtimeSeconds.toFixed(3)],
    ["exit_status", "0"],
    ["name", COMMISSIONING_SCRIPT],
  );
  if (ids.scriptVersionId !== null) form.push(["script_version_id", String(ids.scriptVersionId)]);
  const answer = await link.send({
    method: "POST",
    // The trailing slash is required: MAAS routes `…/2012-03-01/` and nothing else.
    path: METADATA_ROOT,
    form,
    files: [
      {
        name: `${COMMISSIONING_SCRIPT}.out`,
        filename: `${COMMISSIONING_SCRIPT}.out`,
        content: options.body,
      },
      {
        name: `${COMMISSIONING_SCRIPT}.err`,
        filename: `${COMMISSIONING_SCRIPT}.err`,
        content: options.stderr,
      },
      {
        name: COMMISSIONING_SCRIPT,
        filename: COMMISSIONING_SCRIPT,
        content: options.body + options.stderr,
      },
    ],
    maxBytes: SIGNAL_ANSWER_MAX_BYTES,
  });
  // MAAS's success is exactly a 200 with the text `OK`; anything else did not store the result.
  const text = Buffer.from(answer.body).toString("utf8").trim();
  if (answer.status !== 200 || text !== "OK") {
    throw unexpectedAnswer(
      `the region answered ${answer.status} '${text.slice(0, 200)}' to op=signal instead of 200 OK`,
    );
  }
}

/**
 * `GET maas-scripts` → the ids of our script in `index.json`. They are optional (MAAS falls
 * back to the script name), so an unreadable index only costs a warning.
 */
export async function fetchScriptIds(link: RegionLink, log: Logger): Promise<ScriptIds> {
  const none: ScriptIds = { scriptResultId: null, scriptVersionId: null };
  let archive: Buffer;
  let status: number;
  try {
    const answer = await link.send({
      method: "GET",
      path: `${METADATA_ROOT}maas-scripts`,
      maxBytes: SCRIPTS_ARCHIVE_MAX_BYTES,
    });
    archive = Buffer.from(answer.body);
    status = answer.status;
  } catch (error) {
    if (!(isHwsError(error) && error.code === ErrorCode.RESPONSE_TOO_LARGE)) throw error;
    log.warn(`maas-scripts: ${error.message}; signalling by script name`);
    return none;
  }
  if (status === 204) {
    log.info("maas-scripts: the region lists no scripts; signalling by script name");
    return none;
  }
  try {
    const index = readTarEntry(archive, "index.json");
    if (!index) throw new Error("no index.json in the archive");
    const document = JSON.parse(index.toString("utf8")) as {
      "1.0"?: { commissioning_scripts?: Array<Record<string, unknown>> };
    };
    const entry = document["1.0"]?.commissioning_scripts?.find(
      (script) => script.name === COMMISSIONING_SCRIPT,
    );
    if (!entry) {
      log.info(`maas-scripts: ${COMMISSIONING_SCRIPT} is not listed; signalling by script name`);
      return none;
    }
    return {
      scriptResultId: typeof entry.script_result_id === "number" ? entry.script_result_id : null,
      scriptVersionId: typeof entry.script_version_id === "number" ? entry.script_version_id : null,
    };
  } catch (error) {
    log.warn(`maas-scripts: cannot read index.json (${(error as Error).message}); signalling by script name`);
    return none;
  }
}
