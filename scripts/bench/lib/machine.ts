import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import pg from "pg";
import { POSTGRES_URL } from "./region.ts";

// The machine the figures came from, printed at the top of every run and kept in the JSON.

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  os: string;
  node: string;
  postgres: string;
  loadAverageAtStart: string;
}

export async function describeMachine(loadAverage: string): Promise<MachineInfo> {
  const os = /^PRETTY_NAME="?([^"\n]+)/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? "unknown";
  let postgres = "unreachable";
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  try {
    await client.connect();
    postgres = String((await client.query("SHOW server_version")).rows[0].server_version);
  } catch {
    // reported as unreachable; the sections that need it fail with their own message
  } finally {
    await client.end().catch(() => {});
  }
  let lshw = "";
  try {
    lshw = execFileSync("lshw", ["-version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch {
    lshw = "";
  }
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    os: lshw ? `${os} (lshw ${lshw})` : os,
    node: process.version,
    postgres,
    loadAverageAtStart: loadAverage,
  };
}
