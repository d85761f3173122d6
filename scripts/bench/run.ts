// `npm run bench`: the benchmarks of issue #12, one harness. Prints Markdown tables (the shape
// docs/benchmarks.md keeps) and writes every figure to bench/results/<time>-<mode>.json.
//
//   node scripts/bench/run.ts [--only agent,ingest,cli,scale] [--smoke] [--no-build] [--cpu-prof]
//                             [--engine postgres|pglite] [--sizes 10000,100000]
//
// --engine: ingest on one engine only; --sizes: the scale section's fleet sizes.
//
// --smoke: tiny counts, checks that every benchmark still runs (CI); its figures mean nothing.
// --cpu-prof: the region processes of the ingest section write V8 CPU profiles next to the JSON.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";

const SOURCE_CONDITION = "--conditions=@hwsync/source";
const ROOT = join(import.meta.dirname, "../..");

// Workspace packages resolve to their TypeScript sources only under this condition (as in
// vitest); the npm script runs plain `node`, so start again with it.
if (!process.execArgv.includes(SOURCE_CONDITION)) {
  const child = spawnSync(
    process.execPath,
    [SOURCE_CONDITION, ...process.execArgv, import.meta.filename, ...process.argv.slice(2)],
    {
      stdio: "inherit",
    },
  );
  process.exit(child.status ?? 1);
}

const SECTIONS = ["agent", "ingest", "cli", "scale"] as const;
type SectionName = (typeof SECTIONS)[number];

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    smoke: { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
    "cpu-prof": { type: "boolean", default: false },
    engine: { type: "string" },
    sizes: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help) {
  process.stdout.write(
    "Usage: node scripts/bench/run.ts [--only agent,ingest,cli,scale] [--smoke] [--no-build] [--cpu-prof] [--engine postgres|pglite]\n",
  );
  process.exit(0);
}

const only = (values.only
  ?.split(",")
  .map((name) => name.trim())
  .filter(Boolean) ?? [...SECTIONS]) as SectionName[];
for (const name of only) {
  if (!SECTIONS.includes(name)) {
    process.stderr.write(`bench: unknown section '${name}' in --only; use any of ${SECTIONS.join(",")}\n`);
    process.exit(2);
  }
}

const major = Number(process.versions.node.split(".")[0]);
if (major < 24) {
  process.stderr.write(
    `bench: Node ${process.version} cannot run .ts files; run it through npm (npm run bench)\n`,
  );
  process.exit(2);
}

const { renderSection, writeResults } = await import("./lib/report.ts");
type SectionResult = import("./lib/report.ts").SectionResult;
const { describeMachine } = await import("./lib/machine.ts");
const { loadAverage } = await import("./lib/proc.ts");

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

if (!values["no-build"]) {
  // The build skips every step whose outputs are newer than its sources.
  const steps = new Set<string>();
  if (only.includes("agent")) steps.add("agent").add("region");
  if (only.includes("ingest") || only.includes("scale")) steps.add("region");
  if (only.includes("cli")) steps.add("cli").add("region");
  const build = spawnSync(process.execPath, [join(ROOT, "scripts/build.ts"), "--quiet", ...steps], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (build.status !== 0) {
    log("the build failed: fix it or pass --no-build to measure what is already built");
    process.exit(1);
  }
}

const started = performance.now();
const machine = await describeMachine(loadAverage());
log(
  `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}, PostgreSQL ${machine.postgres}, load ${machine.loadAverageAtStart}`,
);

const mode = values.smoke ? "smoke" : "full";
const profileDir = values["cpu-prof"] ? join(ROOT, "bench/results/profiles") : undefined;
const results = [];
let failed = false;
for (const name of only) {
  const sectionStarted = performance.now();
  log(`${name}: started`);
  try {
    let result: SectionResult;
    if (name === "ingest") {
      const { ingestSection } = await import("./ingest.ts");
      result = await ingestSection({
        smoke: values.smoke,
        profileDir,
        log,
        engines: values.engine ? [values.engine as "postgres" | "pglite"] : undefined,
      });
    } else if (name === "agent") {
      const { agentSection } = await import("./agent.ts");
      result = await agentSection({ smoke: values.smoke, log });
    } else if (name === "cli") {
      const { cliSection } = await import("./cli.ts");
      result = await cliSection({ smoke: values.smoke, log });
    } else {
      const { scaleSection } = await import("./scale.ts");
      result = await scaleSection({
        smoke: values.smoke,
        log,
        sizes: values.sizes ? values.sizes.split(",").map(Number) : undefined,
      });
    }
    result.data.seconds = (performance.now() - sectionStarted) / 1000;
    result.data.loadAverageAtEnd = loadAverage();
    results.push(result);
    process.stdout.write(`\n${renderSection(result)}`);
  } catch (error) {
    failed = true;
    log(`${name}: FAILED: ${(error as Error).stack ?? error}`);
    results.push({ section: name, error: String((error as Error).message ?? error) });
  }
}

const file = writeResults(ROOT, mode, {
  mode,
  startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
  seconds: (performance.now() - started) / 1000,
  machine,
  loadAverageAtEnd: loadAverage(),
  sections: results,
});
log(
  `done in ${((performance.now() - started) / 1000).toFixed(0)} s (load ${loadAverage()}); figures in ${file}`,
);
process.exit(failed ? 1 : 0);
