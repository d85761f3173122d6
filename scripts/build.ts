// Builds everything a user runs: the `maas` CLI bundle, the `maas-region` bundle, the web UI and
// the agent's single binary (linux-x64; `npm run build:agent -- --all` adds linux-arm64).
// Each step is skipped when its outputs are newer than every source it depends on.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const force = process.argv.includes("--force");
const quiet = process.argv.includes("--quiet");

function newestMtime(paths: string[]): number {
  let newest = 0;
  const walk = (path: string) => {
    if (!existsSync(path)) return;
    const info = statSync(path);
    if (info.isDirectory()) {
      for (const name of readdirSync(path))
        if (name !== "node_modules" && name !== "dist") walk(join(path, name));
    } else newest = Math.max(newest, info.mtimeMs);
  };
  for (const path of paths) walk(path);
  return newest;
}

function upToDate(outputs: string[], inputs: string[]): boolean {
  if (force || outputs.some((output) => !existsSync(output))) return false;
  const oldestOutput = Math.min(...outputs.map((output) => statSync(output).mtimeMs));
  return oldestOutput >= newestMtime(inputs);
}

const shared = join(ROOT, "packages/shared/src");
const steps: Array<{ name: string; outputs: string[]; inputs: string[]; run: () => Promise<void> | void }> = [
  {
    name: "cli",
    outputs: [join(ROOT, "packages/cli/dist/maas.js")],
    inputs: [join(ROOT, "packages/cli/src"), join(ROOT, "packages/cli/build.ts"), shared],
    run: async () => {
      const { buildCli } = await import("../packages/cli/build.ts");
      await buildCli();
    },
  },
  {
    name: "region",
    outputs: [join(ROOT, "packages/region/dist/maas-region.js")],
    inputs: [join(ROOT, "packages/region/src"), join(ROOT, "packages/region/build.ts"), shared],
    run: async () => {
      const { buildRegion } = await import("../packages/region/build.ts");
      await buildRegion();
    },
  },
  {
    name: "web",
    outputs: [join(ROOT, "packages/web/dist/index.html")],
    inputs: [
      join(ROOT, "packages/web/src"),
      join(ROOT, "packages/web/index.html"),
      join(ROOT, "packages/web/vite.config.ts"),
      shared,
    ],
    run: () => runNpm(["run", "build", "-w", "@hwsync/web"]),
  },
  {
    name: "agent",
    outputs: [join(ROOT, "dist/agent/maas-hw-sync-linux-x64")],
    inputs: [
      join(ROOT, "packages/agent/src"),
      join(ROOT, "scripts/build-agent.ts"),
      // build-agent.ts's own modules: a change to the bundling or SEA steps must rebuild the binary.
      join(ROOT, "scripts/lib/agent-bundle.ts"),
      join(ROOT, "scripts/lib/sea.ts"),
      join(ROOT, "packages/region/src/services/agent-compression.ts"),
      shared,
    ],
    // No zstd copy here: it costs minutes of CPU, and a region without it compresses in the
    // background on first download (serving gzip meanwhile). `npm run build:agent` makes it.
    run: () => runNode([join(ROOT, "scripts/build-agent.ts"), "--no-zstd"]),
  },
];

function runNpm(args: string[]): void {
  const result = spawnSync("npm", args, { cwd: ROOT, stdio: quiet ? "pipe" : "inherit" });
  if (result.status !== 0)
    throw new Error(`npm ${args.join(" ")} failed:\n${result.stderr?.toString() ?? ""}`);
}

function runNode(args: string[]): void {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: quiet ? "pipe" : "inherit" });
  if (result.status !== 0)
    throw new Error(`node ${args.join(" ")} failed:\n${result.stderr?.toString() ?? ""}`);
}

const only = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
for (const step of steps) {
  if (only.length > 0 && !only.includes(step.name)) continue;
  if (upToDate(step.outputs, step.inputs)) {
    if (!quiet) process.stderr.write(`build: ${step.name} is up to date\n`);
    continue;
  }
  const started = performance.now();
  await step.run();
  process.stderr.write(
    `build: ${step.name} built in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
