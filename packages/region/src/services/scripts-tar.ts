import { pack } from "tar-stream";
import { AGENT_DEST, fetchAgentShell } from "./vendor-data.ts";

// What MAAS's own on-machine client fetches (docs/maas-compatibility.md#metadata-push):
// `maas-scripts`, a tar whose index.json lists the scripts to run, and `/MAAS/maas-run-scripts`,
// the client itself.
// We list one commissioning script that runs our agent's `collect`, so even the real
// `maas-run-scripts report-results` reports hardware to this region; and we serve a small
// launcher in place of the Python client that hands `report-results` to our agent's `run`.

export const COMMISSIONING_SCRIPT = "50-maas-01-commissioning";
/** Bump when the script text changes, so stored results say which version produced them. */
const COMMISSIONING_SCRIPT_VERSION = 1;
const SCRIPT_TIMEOUT_SECONDS = 60;

export interface ScriptIndexEntry {
  scriptResultId: number;
  hasStarted: boolean;
  hasFinished: boolean;
}

function commissioningScript(): string {
  return `#!/bin/sh
# --- Start MAAS 1.0 script metadata ---
# name: ${COMMISSIONING_SCRIPT}
# title: Hardware inventory (hwsync agent)
# description: Prints this machine's hardware as machine-resources JSON, read by the hwsync agent.
# script_type: commissioning
# timeout: ${SCRIPT_TIMEOUT_SECONDS}
# tags: deploy-info
# --- End MAAS 1.0 script metadata ---
# Served by the hwsync region. maas-run-scripts runs it and uploads its stdout as
# ${COMMISSIONING_SCRIPT}.out, the part the region turns into hardware.
set -eu
${AGENT_DEST}
if [ ! -x "$dest" ]; then
  # maas-run-scripts exports MAAS_BASE_URL (scheme://host:port) to every script.
  base="\${MAAS_BASE_URL:?MAAS_BASE_URL is not set; run this through maas-run-scripts}/MAAS"
${indent(fetchAgentShell(), "  ")}fi
exec "$dest" collect
`;
}

function indent(text: string, by: string): string {
  return text
    .split("\n")
    .map((line) => (line ? by + line : line))
    .join("\n");
}

/** `index.json` with the exact keys MAAS's client reads (it crashes without commissioning_scripts). */
function scriptsIndex(entry: ScriptIndexEntry | null): Record<string, unknown> {
  const scripts = entry
    ? [
        {
          name: COMMISSIONING_SCRIPT,
          path: `commissioning/${COMMISSIONING_SCRIPT}`,
          script_result_id: entry.scriptResultId,
          script_version_id: COMMISSIONING_SCRIPT_VERSION,
          timeout_seconds: SCRIPT_TIMEOUT_SECONDS,
          parallel: 0,
          hardware_type: 0,
          parameters: {},
          packages: {},
          for_hardware: [],
          apply_configured_networking: false,
          has_started: entry.hasStarted,
          has_finished: entry.hasFinished,
          default: true,
          tags: ["deploy-info"],
        },
      ]
    : [];
  return { "1.0": { commissioning_scripts: scripts, testing_scripts: [] } };
}

export interface TarEntry {
  name: string;
  content: string | Buffer;
  mode: number;
}

function buildTar(entries: TarEntry[], mtime: Date): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const archive = pack();
    const chunks: Buffer[] = [];
    archive.on("data", (chunk: unknown) => {
      chunks.push(chunk as Buffer);
    });
    archive.on("end", () => resolve(Buffer.concat(chunks)));
    archive.on("error", reject);
    for (const entry of entries) archive.entry({ name: entry.name, mode: entry.mode, mtime }, entry.content);
    archive.finalize();
  });
}

/**
 * The `maas-scripts` tar: index.json plus the script, or (anonymous request: MAAS's enlistment
 * set, which we do not have) an index with empty lists.
 */
export function buildScriptsTar(entry: ScriptIndexEntry | null, mtime: Date): Promise<Buffer> {
  const entries: TarEntry[] = [
    { name: "index.json", content: JSON.stringify(scriptsIndex(entry)), mode: 0o644 },
  ];
  if (entry) {
    entries.push({
      name: `commissioning/${COMMISSIONING_SCRIPT}`,
      content: commissioningScript(),
      mode: 0o755,
    });
  }
  return buildTar(entries, mtime);
}

/**
 * Served as `/MAAS/maas-run-scripts`: MAAS's hardware-sync unit runs
 * `/usr/bin/maas-run-scripts report-results --config FILE`; this launcher makes sure our agent
 * is installed and current, then runs `maas-hw-sync run --config FILE` instead.
 */
export function renderRunScriptsLauncher(baseUrl: string): string {
  return `#!/bin/sh
# hwsync stand-in for MAAS's maas-run-scripts: runs the hwsync agent.
#   maas-run-scripts report-results --config FILE  ->  maas-hw-sync run --config FILE
#   maas-run-scripts ARGS...                       ->  maas-hw-sync ARGS...
set -eu
base="\${MAAS_HWSYNC_REGION:-${baseUrl}}"
${AGENT_DEST}
# A region that cannot be reached must not stop an installed agent from running (it spools).
if ! (
${indent(fetchAgentShell(), "  ")}); then
  echo "maas-run-scripts: could not update the agent from $base; running the installed one" >&2
fi
case "\${1:-}" in
  report-results) shift; exec "$dest" run "$@" ;;
  *) exec "$dest" "$@" ;;
esac
`;
}
