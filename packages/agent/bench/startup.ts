// Start-up time and peak RSS of the single binary, next to `lshw -json` (the yardstick the
// agent must beat) and an empty Node SEA's floor.
//
//   node_modules/.bin/node packages/agent/bench/startup.ts [BINARY] [--runs N]
//
// Peak RSS comes from GNU time (%M). File-backed pages dominate an executable this size, so
// a freshly written binary (all pages in the page cache) shows ~20 MB more than one that has
// been read back from disk; the binary is evicted from the page cache once before measuring,
// as it would be on a machine that runs it every 15 minutes.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({ options: { runs: { type: "string" } }, allowPositionals: true });
const runs = Number(values.runs ?? 21);
const binary = resolve(positionals[0] ?? "dist/agent/maas-hw-sync-linux-x64");
if (!existsSync(binary)) throw new Error(`${binary} is missing: run \`npm run build:agent\` first`);

function evict(path: string): void {
  // posix_fadvise(DONTNEED) through python, which every Debian has; best effort.
  spawnSync("python3", [
    "-c",
    `import os;f=os.open(${JSON.stringify(path)},os.O_RDONLY);os.posix_fadvise(f,0,0,os.POSIX_FADV_DONTNEED)`,
  ]);
}

function measure(label: string, command: string, args: string[]): void {
  const times: number[] = [];
  const rss: number[] = [];
  spawnSync(command, args, { stdio: "ignore" });
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync("/usr/bin/time", ["-f", "%M", command, ...args], {
      encoding: "utf8",
      stdio: ["ignore", "ignore", "pipe"],
    });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    rss.push(Number(result.stderr.trim().split("\n").pop()) / 1024);
  }
  times.sort((a, b) => a - b);
  rss.sort((a, b) => a - b);
  const median = (list: number[]) => list[Math.floor(list.length / 2)]!;
  console.log(
    `${label.padEnd(24)} min ${times[0]!.toFixed(0).padStart(4)} ms  median ${median(times).toFixed(0).padStart(4)} ms  peak RSS ${median(rss).toFixed(1).padStart(5)} MiB`,
  );
}

/** A region stand-in in its own process (spawnSync blocks ours): 200 to every push. */
async function startRegion(): Promise<{ url: string; stop: () => void }> {
  const answer = JSON.stringify({
    changed: false,
    changes: 0,
    content_hash: "",
    last_sync: null,
    next_sync: null,
    sync_interval: 900,
    status_name: "Deployed",
  });
  const script = `require("node:http").createServer((q, s) => { q.resume(); q.on("end", () => { s.setHeader("content-type", "application/json"); s.end(${JSON.stringify(answer)}); }); }).listen(0, "127.0.0.1", function () { console.log(this.address().port); });`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((done) =>
    child.stdout.once("data", (chunk: Buffer) => done(chunk.toString().trim())),
  );
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

closeSync(openSync(binary, "r"));
evict(binary);
console.log(
  `${binary}, ${runs} runs each, load average ${execFileSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).split(" ").slice(0, 3).join(" ")}`,
);
measure("maas-hw-sync --version", binary, ["--version"]);
measure("maas-hw-sync collect", binary, ["collect"]);
measure("maas-hw-sync status", binary, ["status", "--state-dir", "/nonexistent"]);
const region = await startRegion();
const work = mkdtempSync(join(tmpdir(), "hwsync-bench-"));
const credentials = [
  "reporting:",
  "  maas:",
  "    consumer_key: BenchConsumerKey01",
  `    endpoint: ${region.url}/MAAS/metadata/status/bench`,
  "    token_key: BenchTokenKey01234",
  "    token_secret: BenchTokenSecret0123456789abcdef",
  "",
].join("\n");
writeFileSync(join(work, "creds.yml"), credentials);
try {
  measure("maas-hw-sync run", binary, [
    "run",
    "--config",
    join(work, "creds.yml"),
    "--state-dir",
    join(work, "state"),
  ]);
} finally {
  region.stop();
  rmSync(work, { recursive: true, force: true });
}
if (spawnSync("lshw", ["-version"]).status !== null) measure("lshw -json", "lshw", ["-json"]);
