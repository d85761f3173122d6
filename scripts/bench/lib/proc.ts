import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";

// Running commands the way a benchmark must: wall time from fork to exit, peak RSS and CPU from
// the kernel's rusage (lib/rusage.py), asynchronously so a region in this process keeps answering.

export interface Sample {
  wallMs: number;
  /** Peak resident set of the process (of the largest one, for a shell pipeline), MiB. */
  peakRssMiB: number;
  /** User + system CPU of the process and its children: steadier than wall time on a busy machine. */
  cpuMs: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CommandSpec {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Exit codes that count as success (default [0]). */
  okCodes?: number[];
}

const RUSAGE = join(import.meta.dirname, "rusage.py");
const timeDir = mkdtempSync(join(tmpdir(), "hwsync-bench-time-"));
process.on("exit", () => rmSync(timeDir, { recursive: true, force: true }));
let timeFileCounter = 0;

/** One run under lib/rusage.py; throws when the command fails, with its stderr. */
export function measure(spec: CommandSpec, options: { keepOutput?: boolean } = {}): Promise<Sample> {
  const rssFile = join(timeDir, `rss-${timeFileCounter++}`);
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn("python3", [RUSAGE, rssFile, spec.command, ...spec.args], {
      env: spec.env ?? process.env,
      stdio: ["ignore", options.keepOutput ? "pipe" : "ignore", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      let wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      let peakRssMiB = Number.NaN;
      let cpuMs = Number.NaN;
      try {
        const [wall, rss, user, system] = readFileSync(rssFile, "utf8").trim().split(" ").map(Number);
        wallMs = wall!;
        peakRssMiB = rss! / 1024;
        cpuMs = user! + system!;
        rmSync(rssFile, { force: true });
      } catch {
        // no rusage line: the command could not even start; reported below through the code
      }
      if (!(spec.okCodes ?? [0]).includes(code ?? -1)) {
        reject(new Error(`${spec.command} ${spec.args.join(" ")} exited ${code}: ${stderr.slice(-2000)}`));
        return;
      }
      resolve({ wallMs, peakRssMiB, cpuMs, code, stdout, stderr });
    });
  });
}

/**
 * Runs every case once per round, rounds interleaved, so a burst of load from elsewhere hits
 * every case alike and per-round ratios stay fair. The first `warmup` rounds are dropped.
 */
export async function interleave(
  cases: Record<string, CommandSpec>,
  rounds: number,
  options: { warmup?: number; beforeEach?: (name: string) => void } = {},
): Promise<Record<string, Sample[]>> {
  const warmup = options.warmup ?? 1;
  const out: Record<string, Sample[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (let round = 0; round < rounds + warmup; round++) {
    for (const [name, spec] of Object.entries(cases)) {
      options.beforeEach?.(name);
      const sample = await measure(spec);
      if (round >= warmup) out[name]!.push(sample);
    }
  }
  return out;
}

/**
 * Drops a file's pages from the page cache (fsync first: dirty pages cannot be dropped). A
 * binary that runs every 15 minutes is mostly read back from disk; a freshly written one would
 * show ~20 MiB more RSS, all of it clean file pages mapped by fault-around.
 */
export function evictFromPageCache(path: string): void {
  spawnSync("python3", [
    "-c",
    `import os;f=os.open(${JSON.stringify(path)},os.O_RDONLY);os.fsync(f);os.posix_fadvise(f,0,0,os.POSIX_FADV_DONTNEED)`,
  ]);
}

export function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
}

/** `VmRSS`/`VmHWM` of a live process, MiB. */
export function processMemory(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? Number.NaN) / 1024;
  return { rssMiB: field("VmRSS"), peakMiB: field("VmHWM") };
}

export function commandExists(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far; 0 for one that is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}
