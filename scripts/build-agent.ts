// Builds the agent as one CommonJS bundle and as single-binary Node SEAs.
//
//   node scripts/build-agent.ts            → dist/agent/agent.cjs + maas-hw-sync-linux-x64 (+ .sha256)
//   node scripts/build-agent.ts --all      → also maas-hw-sync-linux-arm64
//   options: --arch x64|arm64 (repeatable), --out DIR, --no-strip, --no-zstd
//
// Into the default dist/agent (what the region serves) it also writes each binary's zstd copy
// (zstd level 22: ~2 min and ~1 GB per binary, in parallel): machines download ≤ 30 MB instead of 39 MiB of gzip.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { SI_ASSET } from "../packages/agent/src/systeminformation.ts";
import { precompressAgent } from "../packages/region/src/services/agent-compression.ts";
import { bundleAgent } from "./lib/agent-bundle.ts";
import {
  type Arch,
  assertSameVersion,
  buildExecutable,
  fail,
  makeBlob,
  resolveBase,
  writeChecksum,
} from "./lib/sea.ts";

const ROOT = resolve(import.meta.dirname, "..");
const NODE_VERSION = "24.21.0";

const { values } = parseArgs({
  options: {
    all: { type: "boolean" },
    arch: { type: "string", multiple: true },
    out: { type: "string" },
    "no-strip": { type: "boolean" },
    "no-zstd": { type: "boolean" },
  },
  strict: true,
});

const arches: Arch[] = values.all ? ["x64", "arm64"] : ((values.arch ?? ["x64"]) as Arch[]);
for (const arch of arches)
  if (arch !== "x64" && arch !== "arm64") fail(`unknown --arch ${arch}: use x64 or arm64`);
const outDir = resolve(values.out ?? join(ROOT, "dist/agent"));
const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function buildAll(): Promise<void> {
  const started = performance.now();
  if (process.versions.node !== NODE_VERSION) {
    fail(`run with the pinned Node ${NODE_VERSION} (npm run build:agent), not ${process.versions.node}`);
  }
  mkdirSync(outDir, { recursive: true });
  const bundle = await bundleAgent(ROOT, outDir);
  console.log(`agent.cjs                   ${mib(bundle.bytes).padStart(9)}  ${seconds(bundle.ms)}`);
  console.log(`systeminformation.cjs       ${mib(bundle.libraryBytes).padStart(9)}  (SEA asset)`);

  const work = mkdtempSync(join(tmpdir(), "hwsync-sea-"));
  const compressions: Array<Promise<void>> = [];
  try {
    for (const arch of arches) {
      const archStarted = performance.now();
      const base = resolveBase(ROOT, arch, NODE_VERSION);
      assertSameVersion(base);
      // The code cache is written by a Node of the target architecture (the arm64 base under
      // qemu); without one here that binary compiles its main script at each start instead.
      const node = blobNode(arch, base.path);
      const blob = makeBlob(work, bundle.file, { [SI_ASSET]: bundle.library }, { node, name: arch });
      if (!node) console.log(`  (${arch}: no code cache: qemu-aarch64-static + libc6-arm64-cross missing)`);
      const name = `maas-hw-sync-linux-${arch}`;
      const output = join(outDir, name);
      rmSync(output, { force: true });
      await buildExecutable(base, blob, output, !values["no-strip"]);
      const digest = writeChecksum(output, name);
      smokeTest(arch, output);
      const size = statSync(output).size;
      console.log(
        `${name.padEnd(27)} ${mib(size).padStart(9)}  ${seconds(performance.now() - archStarted)}  sha256 ${digest.slice(0, 16)}…`,
      );
      if (!values.out && !values["no-zstd"]) {
        const zstdStarted = performance.now();
        compressions.push(
          precompressAgent(output, digest).then((bytes) => {
            console.log(
              `${`${name} (zstd)`.padEnd(27)} ${mib(bytes).padStart(9)}  ${seconds(performance.now() - zstdStarted)}`,
            );
          }),
        );
      }
    }
    await Promise.all(compressions);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`done in ${seconds(performance.now() - started)} → ${outDir}`);
}

/** Debian's libc6-arm64-cross puts the arm64 loader and libc here; qemu needs them as sysroot. */
const ARM64_SYSROOT = "/usr/aarch64-linux-gnu";

/** A binary that cannot print its version is broken (e.g. a blob/base version mismatch). */
function smokeTest(arch: Arch, file: string): void {
  const run = (command: string, args: string[]) =>
    execFileSync(command, args, { encoding: "utf8", env: {}, timeout: 120_000, stdio: "pipe" }).trim();
  try {
    if (arch === process.arch) run(file, ["--version"]);
    else if (arch === "arm64" && hasQemu() && existsSync(`${ARM64_SYSROOT}/lib/ld-linux-aarch64.so.1`)) {
      run("qemu-aarch64-static", ["-L", ARM64_SYSROOT, file, "--version"]);
    } else {
      console.log(`  (not started: no ${arch} CPU, or qemu-aarch64-static + libc6-arm64-cross missing)`);
    }
  } catch (error) {
    fail(`${file} does not start: ${(error as Error).message}`);
  }
}

function blobNode(arch: Arch, basePath: string): string[] | undefined {
  if (arch === process.arch) return [process.execPath];
  if (arch === "arm64" && hasQemu() && existsSync(`${ARM64_SYSROOT}/lib/ld-linux-aarch64.so.1`)) {
    return ["qemu-aarch64-static", "-L", ARM64_SYSROOT, basePath];
  }
  return undefined;
}

function hasQemu(): boolean {
  try {
    execFileSync("qemu-aarch64-static", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

buildAll().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exitCode = 1;
});
