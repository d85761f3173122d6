import { contentHash, isHwsError } from "@hwsync/shared";
import type { Db } from "../../db/db.ts";
import { upsertScriptResult } from "../../db/script-results.ts";
import { hasCode, summarizeFields } from "../../errors.ts";
import type { HardwareState } from "../../model/hardware.ts";
import type { RecordEventInput } from "../events.ts";
import { COMMISSIONING_SCRIPT } from "../scripts-tar.ts";
import type { BmcReport } from "./bmc.ts";
import { normalizeForStorage, parsePayload } from "./payload.ts";
import { syncMachine } from "./sync.ts";

// `POST /MAAS/metadata/<version>/` with `op=signal`: the real MAAS client's upload
// (docs/maas-compatibility.md#signal). Decisions where MAAS's behaviour would hurt a deployed
// machine:
// - OK and TESTING are accepted (200 OK) but change no state: MAAS would silently move the
//   machine to Ready/Testing and delete its token without the release steps.
// - FAILED is answered 200 OK with an error event; MAAS answers 409 and the client retries it
//   for a minute before failing the whole run.
// - last_sync moves only when hardware was processed, not on every signal of a run.
// - A machine without hardware sync is refused (409), as on our push path: the region's record
//   changes only for machines that opted in.

export const SIGNAL_STATUSES = [
  "OK",
  "FAILED",
  "WORKING",
  "COMMISSIONING",
  "TESTING",
  "TIMEDOUT",
  "INSTALLING",
  "APPLYING_NETCONF",
  "RELEASING",
  "DEPLOYING",
] as const;
export type SignalStatus = (typeof SIGNAL_STATUSES)[number];

export interface SignalFile {
  field: string;
  data: Buffer;
}

/** What one op=signal reports about a script run: its form fields, typed. */
export interface SignalReport {
  status: SignalStatus;
  error: string | null;
  scriptResultId: number | null;
  exitStatus: number | null;
  runtime: number | null;
  name: string | null;
  scriptVersionId: number | null;
  bmc: BmcReport | null;
}

type OutputKind = "stdout" | "stderr" | "result" | "output";

/** `x.out` → stdout, `x.err` → stderr, `x.yaml` → result, anything else → combined output. */
function splitFileField(field: string): { script: string; kind: OutputKind } {
  for (const [suffix, kind] of [
    [".out", "stdout"],
    [".err", "stderr"],
    [".yaml", "result"],
  ] as const) {
    if (field.endsWith(suffix)) return { script: field.slice(0, -suffix.length), kind };
  }
  return { script: field, kind: "output" };
}

function resultStatus(signal: SignalReport, exitStatus: number): string {
  if (signal.status === "TIMEDOUT") return "TIMEDOUT";
  return signal.status === "FAILED" || exitStatus !== 0 ? "FAILED" : "PASSED";
}

type Outputs = Partial<Record<OutputKind, Buffer>>;

export interface SignalInput {
  machineId: number;
  /** The token that authenticated the signal (see SyncRequest.tokenKey). */
  tokenKey?: string;
  signal: SignalReport;
  files: SignalFile[];
  now: Date;
}

/** Outcome of the hardware part of a signal, decided before the row lock is taken. */
type Hardware =
  | { kind: "none" }
  | { kind: "report"; state: HardwareState; contentHash: string }
  | { kind: "invalid"; message: string };

function readHardware(signal: SignalReport, files: SignalFile[]): Hardware {
  const out = files.find((file) => file.field === `${COMMISSIONING_SCRIPT}.out`);
  // Only a passing run's stdout is hardware; a failed script printed who knows what.
  if (!out || (signal.exitStatus ?? 0) !== 0 || signal.status === "FAILED" || signal.status === "TIMEDOUT") {
    return { kind: "none" };
  }
  try {
    return {
      kind: "report",
      state: normalizeForStorage(parsePayload(out.data)),
      contentHash: contentHash(out.data),
    };
  } catch (error) {
    // MAAS's own wording for output that is not JSON; schema problems are listed by path.
    if (hasCode(error, "HWS_PAYLOAD_NOT_JSON")) return { kind: "invalid", message: "invalid JSON data" };
    if (hasCode(error, "HWS_INVENTORY_INVALID")) {
      return { kind: "invalid", message: summarizeFields(error.fields ?? {}) };
    }
    if (isHwsError(error)) return { kind: "invalid", message: error.message };
    throw error;
  }
}

/** Stores the upload, applies the hardware when there is some, and records failures as events. */
export async function handleSignal(db: Db, input: SignalInput): Promise<void> {
  const { signal, files, now } = input;
  const hardware = readHardware(signal, files);
  const byScript = new Map<string, Outputs>();
  for (const file of files) {
    const { script, kind } = splitFileField(file.field);
    const outputs = byScript.get(script) ?? {};
    outputs[kind] = file.data;
    byScript.set(script, outputs);
  }
  if (byScript.size === 0 && signal.name) byScript.set(signal.name, {});
  await syncMachine(db, {
    machineId: input.machineId,
    tokenKey: input.tokenKey,
    now,
    wire: "signal",
    bmc: signal.bmc ?? undefined,
    report:
      hardware.kind === "report" ? { state: hardware.state, contentHash: hardware.contentHash } : undefined,
    within: async (tx, machine) => {
      const events: RecordEventInput[] = [];
      const who = `${machine.hostname}(${machine.systemId})`;
      for (const [script, outputs] of byScript) {
        let status = resultStatus(signal, signal.exitStatus ?? 0);
        if (script === COMMISSIONING_SCRIPT && hardware.kind === "invalid") {
          status = "FAILED";
          events.push(
            {
              machine,
              type: "SCRIPT_RESULT_ERROR",
              description: `Failed processing commissioning data: ${hardware.message}`,
              at: now,
            },
            {
              machine,
              type: "SCRIPT_RESULT_ERROR",
              description: `${who}: commissioning script '${script}' failed during post-processing.`,
              at: now,
            },
          );
        }
        await upsertScriptResult(tx, {
          machineId: machine.id,
          name: script,
          status,
          exitStatus: signal.exitStatus ?? 0,
          runtime: signal.runtime,
          scriptVersionId: signal.scriptVersionId,
          ...outputs,
          updated: now,
        });
      }
      if (signal.status === "FAILED" || signal.status === "TIMEDOUT") {
        const script = signal.name ?? [...byScript.keys()][0] ?? "unknown script";
        const reason =
          signal.error ??
          (signal.status === "TIMEDOUT" ? "timed out" : `exit status ${signal.exitStatus ?? "unknown"}`);
        events.push({
          machine,
          type: "NODE_HARDWARE_SYNC_FAILED",
          level: signal.status === "TIMEDOUT" ? "WARNING" : "ERROR",
          description: `${who}: hardware sync script '${script}' ${signal.status === "TIMEDOUT" ? "timed out" : "failed"}: ${reason}`,
          at: now,
        });
      }
      return events;
    },
  });
}
