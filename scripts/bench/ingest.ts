import { LoadGenerator, type PhaseResult, type SimMachine, simMachine } from "./lib/loadgen.ts";
import { cpuSeconds, loadAverage } from "./lib/proc.ts";
import {
  benchDatabase,
  type Engine,
  postgresBackendPids,
  type RegionProcess,
  seedAdmin,
  seedDeployedMachines,
  startRegionProcess,
} from "./lib/region.ts";
import { ms, newSection, perSecond, type SectionResult } from "./lib/report.ts";
import { median } from "./lib/stats.ts";

// Section 2: region ingest. Simulated machines push over HTTP to the built region (one or two
// processes) on PostgreSQL and PGlite; the generator runs on the same cores, so figures include
// it. Closed loop (each worker pushes again as soon as answered) gives the capacity; open loop
// (pushes on a schedule, as timers send them) gives the latency an agent sees below capacity.

export interface IngestOptions {
  smoke: boolean;
  engines?: Engine[];
  /** Directory for the region processes' --cpu-prof output. */
  profileDir?: string;
  log: (line: string) => void;
}

interface CpuSnapshot {
  region: number;
  postgres: Map<number, number>;
  generator: number;
}

async function cpuSnapshot(engine: Engine, regions: RegionProcess[]): Promise<CpuSnapshot> {
  const postgres = new Map<number, number>();
  if (engine === "postgres") {
    for (const pid of await postgresBackendPids(regions.map((region) => region.appName))) {
      postgres.set(pid, cpuSeconds(pid));
    }
  }
  const usage = process.cpuUsage();
  return {
    region: regions.reduce((sum, region) => sum + cpuSeconds(region.pid), 0),
    postgres,
    generator: (usage.user + usage.system) / 1e6,
  };
}

interface CpuPerSync {
  region: number;
  postgres: number;
  generator: number;
}

/** CPU milliseconds per sync spent by the regions, their PostgreSQL backends and the generator. */
function cpuPerSync(before: CpuSnapshot, after: CpuSnapshot, syncs: number): CpuPerSync {
  let postgres = 0;
  for (const [pid, seconds] of after.postgres) postgres += seconds - (before.postgres.get(pid) ?? 0);
  const per = (seconds: number) => (syncs > 0 ? (seconds * 1000) / syncs : Number.NaN);
  return {
    region: per(after.region - before.region),
    postgres: per(postgres),
    generator: per(after.generator - before.generator),
  };
}

type Mode = "unchanged" | "changed";

interface Cell {
  engine: Engine;
  regions: number;
  concurrency: number;
  mode: Mode;
  /** Open loop: the offered pushes per second; undefined for closed loop. */
  rate?: number;
  runs: PhaseResult[];
  cpu: CpuPerSync;
  syncsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

interface Plan {
  machines: number;
  concurrencies: number[];
  seconds: number;
  repeats: number;
  /** Open-loop runs: agents and offered rate per mode (half the targets' throughput). */
  open: { agents: number; rate: Record<Mode, number> };
}

const FULL: Plan = {
  machines: 1000,
  concurrencies: [1, 50, 200],
  seconds: 5,
  repeats: 3,
  open: { agents: 200, rate: { unchanged: 1000, changed: 150 } },
};
const SMOKE: Plan = {
  machines: 24,
  concurrencies: [1, 8],
  seconds: 0.5,
  repeats: 1,
  open: { agents: 8, rate: { unchanged: 50, changed: 10 } },
};

async function measureCell(
  generator: LoadGenerator,
  machines: SimMachine[],
  base: Omit<Cell, "runs" | "cpu" | "syncsPerSecond" | "p50" | "p99" | "errors">,
  plan: Plan,
  regions: RegionProcess[],
): Promise<Cell> {
  const runs: PhaseResult[] = [];
  const cpus: CpuPerSync[] = [];
  for (let r = 0; r < plan.repeats; r++) {
    const before = await cpuSnapshot(base.engine, regions);
    const run = await generator.phase(machines, {
      mode: base.mode,
      concurrency: base.concurrency,
      seconds: plan.seconds,
      rate: base.rate,
    });
    cpus.push(cpuPerSync(before, await cpuSnapshot(base.engine, regions), run.syncs));
    runs.push(run);
  }
  return {
    ...base,
    runs,
    cpu: {
      region: median(cpus.map((cpu) => cpu.region)),
      postgres: median(cpus.map((cpu) => cpu.postgres)),
      generator: median(cpus.map((cpu) => cpu.generator)),
    },
    syncsPerSecond: median(runs.map((run) => run.syncsPerSecond)),
    p50: median(runs.map((run) => run.p50)),
    p99: median(runs.map((run) => run.p99)),
    errors: runs.reduce((sum, run) => sum + run.errors + run.unexpected, 0),
  };
}

export async function ingestSection(options: IngestOptions): Promise<SectionResult> {
  const result = newSection("Region ingest");
  const plan = options.smoke ? SMOKE : FULL;
  const cells: Cell[] = [];
  for (const engine of options.engines ?? (["postgres", "pglite"] as Engine[])) {
    const database = benchDatabase(engine);
    try {
      const db = await database.open();
      const admin = await seedAdmin(db);
      const seeded = await seedDeployedMachines(db, admin.username, plan.machines);
      await db.close();
      const machines = seeded.map((machine, index) => simMachine(index + 1, machine.creds));
      // PGlite is one process per data directory; PostgreSQL takes several regions.
      for (const regionCount of engine === "postgres" ? [1, 2] : [1]) {
        const regions: RegionProcess[] = [];
        try {
          for (let i = 0; i < regionCount; i++) {
            const name = `region-${engine}-${regionCount}r-${i}.cpuprofile`;
            const nodeArgs = options.profileDir
              ? ["--cpu-prof", "--cpu-prof-dir", options.profileDir, "--cpu-prof-name", name]
              : [];
            regions.push(await startRegionProcess(database, { nodeArgs }));
          }
          const origins = regions.map((region) => region.origin);
          const primer = new LoadGenerator(origins, 50);
          const primed = await primer.prime(machines, 50);
          await primer.close();
          if (primed.errors > 0) throw new Error(`priming pushes failed: ${primed.firstError}`);
          const runs: Array<{ concurrency: number; rate?: Record<Mode, number> }> = [
            ...plan.concurrencies.map((concurrency) => ({ concurrency })),
            { concurrency: plan.open.agents, rate: plan.open.rate },
          ];
          for (const { concurrency, rate } of runs) {
            const generator = new LoadGenerator(origins, concurrency);
            try {
              for (const mode of ["unchanged", "changed"] as const) {
                const base = { engine, regions: regionCount, concurrency, mode, rate: rate?.[mode] };
                const cell = await measureCell(generator, machines, base, plan, regions);
                cells.push(cell);
                options.log(
                  `ingest ${engine} ${regionCount}r c${concurrency}${cell.rate ? ` @${cell.rate}/s` : ""} ${mode}: ${perSecond(cell.syncsPerSecond)}/s p50 ${ms(cell.p50)} p99 ${ms(cell.p99)} errors ${cell.errors}; CPU ms/sync region ${cell.cpu.region.toFixed(2)} pg ${cell.cpu.postgres.toFixed(2)} generator ${cell.cpu.generator.toFixed(2)} (load ${loadAverage()})`,
                );
                const failed = cell.runs.find((run) => run.firstError);
                if (failed) options.log(`  first error: ${failed.firstError}`);
              }
            } finally {
              await generator.close();
            }
          }
          result.data[`${engine}-${regionCount}r-region-memory`] = regions.map((region) => region.memory());
        } finally {
          await Promise.all(regions.map((region) => region.stop()));
        }
      }
    } finally {
      await database.drop();
    }
  }

  result.tables.push({
    title: `Fast-path pushes from ${plan.machines} simulated machines (4–24 disks, 2–8 NICs with VFs, 20–60 PCI, 2–10 USB), ${plan.seconds} s per run, median of ${plan.repeats}`,
    columns: [
      "engine",
      "regions",
      "agents",
      "load",
      "hardware",
      "syncs/s",
      "p50",
      "p99",
      "CPU ms/sync: region",
      "PostgreSQL",
      "generator",
      "errors",
    ],
    rows: cells.map((cell) => [
      cell.engine === "postgres" ? "PostgreSQL" : "PGlite",
      cell.regions,
      cell.concurrency,
      cell.rate ? `open, ${cell.rate}/s` : "closed",
      cell.mode,
      perSecond(cell.syncsPerSecond),
      ms(cell.p50),
      ms(cell.p99),
      cell.cpu.region.toFixed(2),
      cell.engine === "postgres" ? cell.cpu.postgres.toFixed(2) : "(in region)",
      cell.cpu.generator.toFixed(2),
      cell.errors,
    ]),
  });
  result.data.cells = cells.map(({ runs, ...cell }) => ({
    ...cell,
    runs: runs.map(({ firstError, ...run }) => run),
  }));

  const pg = (mode: Mode, open: boolean) =>
    cells
      .filter(
        (cell) => cell.engine === "postgres" && cell.mode === mode && cell.concurrency === plan.open.agents,
      )
      .filter((cell) => (cell.rate !== undefined) === open)
      .sort((a, b) => b.syncsPerSecond - a.syncsPerSecond)[0];
  const regionsNote = (cell: Cell) => `${cell.regions} region${cell.regions > 1 ? "s" : ""}`;
  const unchanged = pg("unchanged", false);
  const changed = pg("changed", false);
  const openUnchanged = pg("unchanged", true);
  const openChanged = pg("changed", true);
  if (unchanged && changed && openUnchanged && openChanged) {
    const closedNote = (cell: Cell) =>
      `closed loop: ${ms(cell.p99)} (${cell.concurrency} in flight ÷ ${perSecond(cell.syncsPerSecond)}/s ≥ ${ms((1000 * cell.concurrency) / cell.syncsPerSecond)} by Little's law)`;
    result.targets.push(
      {
        name: `PostgreSQL, ${plan.open.agents} agents: unchanged ≥ 2,000 syncs/s`,
        measured: `${perSecond(unchanged.syncsPerSecond)}/s`,
        met: unchanged.syncsPerSecond >= 2000,
        note: regionsNote(unchanged),
      },
      {
        name: `PostgreSQL, ${plan.open.agents} agents: changed ≥ 300 syncs/s`,
        measured: `${perSecond(changed.syncsPerSecond)}/s`,
        met: changed.syncsPerSecond >= 300,
        note: regionsNote(changed),
      },
      {
        name: `PostgreSQL, ${plan.open.agents} agents at ${openUnchanged.rate}/s: p99 < 50 ms (unchanged)`,
        measured: ms(openUnchanged.p99),
        met: openUnchanged.p99 < 50,
        note: closedNote(unchanged),
      },
      {
        name: `PostgreSQL, ${plan.open.agents} agents at ${openChanged.rate}/s: p99 < 50 ms (changed)`,
        measured: ms(openChanged.p99),
        met: openChanged.p99 < 50,
        note: closedNote(changed),
      },
    );
  }
  if (cells.some((cell) => cell.errors > 0)) {
    result.notes.push("Some pushes failed or answered unexpectedly: see the errors column and the log.");
  }
  return result;
}
