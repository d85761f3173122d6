import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedFleet } from "./lib/fleet.ts";
import { type CommandSpec, interleave, loadAverage, measure } from "./lib/proc.ts";
import { benchDatabase, type RegionProcess, ROOT, startRegionProcess } from "./lib/region.ts";
import { ms, newSection, type SectionResult } from "./lib/report.ts";
import { median } from "./lib/stats.ts";

// Section 3: the `maas` CLI's wall time against the built region holding 1,000 synced machines,
// with `node -e 0` in the same rounds as the floor every Node program pays.

const CLI = join(ROOT, "packages/cli/bin/maas.js");
/** MAAS's Python CLI on the same kind of machine (issue #12). */
const PYTHON_MAAS = { help: 439, machineRead: 830 };

export interface CliOptions {
  smoke: boolean;
  log: (line: string) => void;
}

export async function cliSection(options: CliOptions): Promise<SectionResult> {
  const result = newSection("CLI");
  const count = options.smoke ? 50 : 1000;
  const rounds = options.smoke ? 2 : 21;
  const database = benchDatabase("postgres");
  const configDir = mkdtempSync(join(tmpdir(), "hwsync-bench-cli-"));
  let region: RegionProcess | undefined;
  try {
    const fleet = await seedFleet(database, count);
    region = await startRegionProcess(database);
    const env = { ...process.env, MAAS_HWSYNC_CONFIG_DIR: configDir, NO_COLOR: "1" };
    const cli = (...args: string[]): CommandSpec => ({
      command: process.execPath,
      args: [CLI, ...args],
      env,
    });
    const login = await measure(cli("login", "bench", region.url, fleet.admin.apiKey));
    if (login.code !== 0) throw new Error(`maas login failed: ${login.stderr}`);
    const target = fleet.machines[Math.floor(count / 2)]!.systemId;
    const cases: Record<string, CommandSpec> = {
      "node -e 0": { command: process.execPath, args: ["-e", "0"], env },
      "maas --help": cli("--help"),
      "maas bench machine read ID": cli("bench", "machine", "read", target),
      [`maas bench machines read (${count} machines)`]: cli("bench", "machines", "read"),
      "maas bench machines list --sync-unhealthy": cli("bench", "machines", "list", "--sync-unhealthy"),
    };
    options.log(`cli: ${rounds} interleaved rounds (load ${loadAverage()})`);
    const samples = await interleave(cases, rounds, { warmup: 2 });
    const wall = (name: string) => median(samples[name]!.map((sample) => sample.wallMs));
    const floor = wall("node -e 0");
    result.tables.push({
      title: `Wall time, median of ${rounds} interleaved rounds, region on PostgreSQL with ${count} synced machines`,
      columns: ["command", "median", "min", "minus node -e 0", "CPU", "peak RSS"],
      rows: Object.keys(cases).map((name) => [
        name,
        ms(wall(name)),
        ms(Math.min(...samples[name]!.map((sample) => sample.wallMs))),
        name === "node -e 0" ? "—" : ms(wall(name) - floor),
        ms(median(samples[name]!.map((sample) => sample.cpuMs))),
        `${median(samples[name]!.map((sample) => sample.peakRssMiB)).toFixed(1)} MiB`,
      ]),
    });
    result.data.samples = Object.fromEntries(
      Object.entries(samples).map(([name, list]) => [
        name,
        list.map(({ wallMs, cpuMs, peakRssMiB }) => ({ wallMs, cpuMs, peakRssMiB })),
      ]),
    );
    const help = wall("maas --help");
    const read = wall("maas bench machine read ID");
    result.targets.push(
      {
        name: "maas --help ≤ 130 ms",
        measured: ms(help),
        met: help <= 130,
        note: `Python MAAS CLI: ${PYTHON_MAAS.help} ms; node -e 0: ${ms(floor)}`,
      },
      {
        name: "maas PROFILE machine read ID ≤ 250 ms",
        measured: ms(read),
        met: read <= 250,
        note: `Python MAAS CLI: ${PYTHON_MAAS.machineRead} ms`,
      },
    );
  } finally {
    await region?.stop();
    await database.drop();
    rmSync(configDir, { recursive: true, force: true });
  }
  return result;
}
