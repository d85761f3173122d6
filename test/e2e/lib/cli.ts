// The built `maas` CLI and the built agent binary, as a user and systemd run them.

import { describeResult, type ProcessResult, runCli, runProcess } from "@hwsync/testkit/process";
import { BUILT } from "./build.ts";

/** The fields of a machine the story reads (MAAS's snake_case, as the CLI prints it with --format json). */
export interface MachineJson {
  system_id: string;
  hostname: string;
  status_name: string;
  enable_hw_sync: boolean;
  sync_interval: number | null;
  last_sync: string | null;
  next_sync: string | null;
  is_sync_healthy: boolean;
  [key: string]: unknown;
}

/** One profile of the `maas` CLI with its own config directory. */
export class Cli {
  readonly configDir: string;
  readonly profile: string;

  constructor(configDir: string, profile: string) {
    this.configDir = configDir;
    this.profile = profile;
  }

  run(args: string[], input = ""): Promise<ProcessResult> {
    return runCli(args, { configDir: this.configDir, input, timeoutMs: 30_000 });
  }

  async login(url: string, apiKey: string): Promise<void> {
    const result = await this.run(["login", this.profile, `${url}/`, "-"], `${apiKey}\n`);
    if (result.code !== 0) throw new Error(`maas login failed: ${describeResult(result)}`);
  }

  /** `maas PROFILE ARGS --format json`, parsed; any exit but 0 fails with the CLI's own output. */
  async json<T = unknown>(args: string[]): Promise<T> {
    const result = await this.run([this.profile, ...args, "--format", "json"]);
    if (result.code !== 0) throw new Error(`maas ${args.join(" ")} failed: ${describeResult(result)}`);
    return JSON.parse(result.stdout) as T;
  }

  readMachine(systemId: string): Promise<MachineJson> {
    return this.json<MachineJson>(["machine", "read", systemId]);
  }

  async createMachine(hostname: string, mac: string): Promise<string> {
    const created = await this.json<MachineJson>([
      "machines",
      "create",
      `hostname=${hostname}`,
      "architecture=amd64/generic",
      `mac_addresses=${mac}`,
      "power_type=manual",
    ]);
    return created.system_id;
  }

  deploy(systemId: string, interval = "15m"): Promise<MachineJson> {
    return this.json<MachineJson>([
      "machine",
      "deploy",
      systemId,
      "--enable-hw-sync",
      "--sync-interval",
      interval,
    ]);
  }
}

/**
 * Runs the agent's single binary with the environment systemd gives a unit (PATH only), optionally
 * inside a network namespace.
 */
export function agent(
  args: string[],
  options: { netns?: string; timeoutMs?: number } = {},
): Promise<ProcessResult> {
  const env = { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" };
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (options.netns)
    return runProcess("ip", ["netns", "exec", options.netns, BUILT.agent, ...args], { env, timeoutMs });
  return runProcess(BUILT.agent, args, { env, timeoutMs });
}
