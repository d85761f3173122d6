import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderMachineCredentials } from "@hwsync/shared";
import { buildBigServer } from "@hwsync/testkit/sysfs/big-server";
import { agentDownloads } from "./agent-download.ts";
import {
  type CommandSpec,
  commandExists,
  evictFromPageCache,
  interleave,
  loadAverage,
  type Sample,
} from "./lib/proc.ts";
import {
  benchDatabase,
  type RegionProcess,
  ROOT,
  seedAdmin,
  seedDeployedMachines,
  startRegionProcess,
} from "./lib/region.ts";
import { mib, ms, newSection, ratio, type SectionResult } from "./lib/report.ts";
import { median, pairedRatio } from "./lib/stats.ts";

// Section 1: the agent. Wall time and peak RSS of the single binary's `collect` and `run` (an
// unchanged push to a local region), of the same bundle under plain node, next to `lshw -json`
// and the four raw tools; the binary's size and what a machine downloads.

export interface AgentOptions {
  smoke: boolean;
  log: (line: string) => void;
}

const BINARY = join(ROOT, "dist/agent/maas-hw-sync-linux-x64");
const BUNDLE = join(ROOT, "dist/agent/agent.cjs");
const RAW_TOOLS = "lsblk -J -b -O; lspci -mm -nn; lsusb; ip -j addr";

export async function agentSection(options: AgentOptions): Promise<SectionResult> {
  const result = newSection("Agent");
  const rounds = options.smoke ? 2 : 21;
  const work = mkdtempSync(join(tmpdir(), "hwsync-bench-agent-"));
  const database = benchDatabase("postgres");
  let region: RegionProcess | undefined;
  const tree = buildBigServer();
  try {
    const db = await database.open();
    const admin = await seedAdmin(db);
    const [machine] = await seedDeployedMachines(db, admin.username, 1);
    await db.close();
    region = await startRegionProcess(database);
    const credentials = join(work, "creds.yml");
    writeFileSync(
      credentials,
      renderMachineCredentials({
        consumerKey: machine!.creds.consumerKey,
        tokenKey: machine!.creds.tokenKey,
        tokenSecret: machine!.creds.tokenSecret,
        endpoint: `${region.url}/metadata/status/${machine!.systemId}`,
      }),
    );
    const node = process.execPath;
    const run = (command: string, args: string[], state: string): CommandSpec => ({
      command,
      args: [...args, "run", "--config", credentials, "--state-dir", join(work, state)],
      env: {},
    });
    const cases: Record<string, CommandSpec> = {
      "lshw -json": { command: "lshw", args: ["-json"] },
      "4 raw tools": { command: "sh", args: ["-c", RAW_TOOLS] },
      "binary --version": { command: BINARY, args: ["--version"], env: {} },
      "binary collect": { command: BINARY, args: ["collect"], env: {} },
      "binary run (unchanged)": run(BINARY, [], "state-binary"),
      "node agent.cjs collect": { command: node, args: [BUNDLE, "collect"], env: {} },
      "node agent.cjs run (unchanged)": run(node, [BUNDLE], "state-node"),
      "binary collect --root (big server)": {
        command: BINARY,
        args: ["collect", "--root", tree.root],
        env: {},
      },
    };
    if (!commandExists("lshw")) throw new Error("lshw is not installed: run scripts/install-system-deps.sh");
    // The first run stores this machine's hardware; every measured run is then unchanged.
    const first = await interleave({ prime: cases["binary run (unchanged)"]! }, 1, { warmup: 0 });
    if (first.prime![0]!.code !== 0) throw new Error("the first agent run failed");
    evictFromPageCache(BINARY);
    options.log(
      `agent: ${rounds} interleaved rounds of ${Object.keys(cases).length} commands (load ${loadAverage()})`,
    );
    const samples = await interleave(cases, rounds);
    const wall = (name: string) => samples[name]!.map((sample) => sample.wallMs);
    const rss = (name: string) => median(samples[name]!.map((sample: Sample) => sample.peakRssMiB));
    const lshw = wall("lshw -json");
    const raw = wall("4 raw tools");
    result.tables.push({
      title: `Wall time and peak RSS, median of ${rounds} interleaved rounds (binary evicted from the page cache first)`,
      columns: ["command", "median", "min", "÷ lshw -json", "÷ 4 raw tools", "CPU", "peak RSS"],
      rows: Object.keys(cases).map((name) => [
        name,
        ms(median(wall(name))),
        ms(Math.min(...wall(name))),
        ratio(pairedRatio(wall(name), lshw)),
        ratio(pairedRatio(wall(name), raw)),
        ms(median(samples[name]!.map((sample) => sample.cpuMs))),
        `${rss(name).toFixed(1)} MiB`,
      ]),
    });
    result.data.samples = Object.fromEntries(
      Object.entries(samples).map(([name, list]) => [
        name,
        list.map((sample) => ({ wallMs: sample.wallMs, cpuMs: sample.cpuMs, peakRssMiB: sample.peakRssMiB })),
      ]),
    );

    const collectVsLshw = pairedRatio(wall("binary collect"), lshw);
    const collectVsRaw = pairedRatio(wall("binary collect"), raw);
    const runVsLshw = pairedRatio(wall("binary run (unchanged)"), lshw);
    const bigVsCollect = pairedRatio(wall("binary collect --root (big server)"), wall("binary collect"));
    const peak = Math.max(rss("binary collect"), rss("binary run (unchanged)"));
    const size = statSync(BINARY).size;
    result.targets.push(
      { name: "collect ≤ 1.0× lshw -json (wall)", measured: ratio(collectVsLshw), met: collectVsLshw <= 1.0 },
      { name: "collect ≤ 2.5× the four raw tools", measured: ratio(collectVsRaw), met: collectVsRaw <= 2.5 },
      { name: "run (unchanged) ≤ 1.5× lshw -json", measured: ratio(runVsLshw), met: runVsLshw <= 1.5 },
      { name: "peak RSS ≤ 72 MiB (collect, run)", measured: `${peak.toFixed(1)} MiB`, met: peak <= 72 },
      { name: "binary ≤ 110 MiB on disk", measured: mib(size), met: size <= 110 * 1048576 },
      {
        name: "big server (64 disks, 32 NICs, 200 PCI, 50 USB): collect ≤ 2× its time here",
        measured: ratio(bigVsCollect),
        met: bigVsCollect <= 2,
      },
    );

    const downloads = await agentDownloads(region, {
      binary: BINARY,
      admin: admin.creds,
      systemId: machine!.systemId,
      work,
      // A build without the zstd copy (npm run build) makes the region compress for ~60 s: the
      // full run waits for it, the smoke run (CI, < 60 s) reports what came first.
      waitForZstdMs: options.smoke ? 0 : 240_000,
    });
    result.tables.push(downloads.table);
    result.targets.push(...downloads.targets);
    result.data.downloads = downloads.data;
  } finally {
    await region?.stop();
    await database.drop();
    tree.cleanup();
    rmSync(work, { recursive: true, force: true });
  }
  return result;
}
