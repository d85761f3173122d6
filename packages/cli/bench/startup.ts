// Start-up benchmark of the built CLI: median wall time of `--help` and of a `machine read`
// against a MAAS-shaped region on 127.0.0.1. Run: node packages/cli/bench/startup.ts [runs]
// (after `node packages/cli/build.ts`). Targets from the CLI issue: --help ≤ 130 ms, read ≤ 250 ms.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { API_KEY, startFakeRegion } from "../test/helpers/fake-region.ts";

const runs = Number(process.argv[2] ?? 30);
const bin = fileURLToPath(new URL("../bin/maas.js", import.meta.url));
const region = await startFakeRegion();
const configDir = await mkdtemp(join(tmpdir(), "maas-cli-bench-"));
const env = { ...process.env, MAAS_HWSYNC_CONFIG_DIR: configDir, NO_COLOR: "1" };

// Asynchronous on purpose: the region runs in this process and must keep answering.
function time(args: string[], input = ""): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`${args.join(" ")} exited ${code}: ${stderr}`));
      else resolve(Number(process.hrtime.bigint() - started) / 1e6);
    });
    child.stdin.end(input);
  });
}

await time([bin, "login", "admin", region.url, "-"], API_KEY);
const cases: Record<string, string[]> = {
  "node -e 0 (baseline)": ["-e", "0"],
  "maas --help": [bin, "--help"],
  "maas admin machine deploy --help": [bin, "admin", "machine", "deploy", "--help"],
  "maas admin machine read ID (JSON)": [bin, "admin", "machine", "read", "abc123"],
  "maas admin machines read --format table": [bin, "admin", "machines", "read", "--format", "table"],
};
const samples = new Map(Object.keys(cases).map((name) => [name, [] as number[]]));
for (let round = 0; round < runs + 2; round++) {
  // Interleaved so machine load affects every case alike; two warm-up rounds fill the compile cache.
  for (const [name, args] of Object.entries(cases)) {
    const ms = await time(args);
    if (round >= 2) samples.get(name)!.push(ms);
  }
}
for (const [name, values] of samples) {
  values.sort((a, b) => a - b);
  const median = values[Math.floor(values.length / 2)]!;
  const p90 = values[Math.floor(values.length * 0.9)]!;
  console.log(
    `${name.padEnd(42)} median ${median.toFixed(0).padStart(4)} ms   p90 ${p90.toFixed(0).padStart(4)} ms`,
  );
}
await region.close();
await rm(configDir, { recursive: true, force: true });
