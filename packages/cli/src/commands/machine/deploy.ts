import { Buffer } from "node:buffer";
import { ErrorCode, HwsError } from "@hwsync/shared/errors";
import { parseIntervalSeconds } from "@hwsync/shared/time-span";
import { Command } from "commander";
import { type DataArg, parseDataArgs, parseMaasBoolean, readArgFile } from "../../args.ts";
import type { CommandContext } from "../../context.ts";
import { machinePath } from "../../paths.ts";
import { type MachineLike, renderMachine } from "../../render/machine.ts";
import { waitForDeployed } from "./wait.ts";

export interface DeployOptions {
  /** `--enable-hw-sync` (true) / `--no-enable-hw-sync` (false). */
  enableHwSync?: boolean;
  syncInterval?: string;
  osystem?: string;
  distroSeries?: string;
  /** Path of a cloud-init user-data file. */
  userData?: string;
  comment?: string;
  wait?: boolean;
  timeout?: string;
}

/** File contents the command read before calling `toDeployParams` (which stays pure). */
export interface DeployFiles {
  /** `--user-data FILE` or `user_data@=FILE`. */
  userData?: Uint8Array;
}

function usage(message: string, hint?: string): HwsError {
  return new HwsError(ErrorCode.USAGE, message, { hint });
}

function intervalSeconds(label: string, value: string): number {
  try {
    return parseIntervalSeconds(value);
  } catch (error) {
    throw new HwsError(ErrorCode.TIME_SPAN_INVALID, `${label}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Flags and classic `key=value` arguments → the deploy form, validated before any request:
 * `enable_hw_sync` as true/false, `sync_interval` in seconds (spans converted), `user_data`
 * base64. A key given both ways must agree. Real MAAS ignores `sync_interval`; our region uses it.
 */
export function toDeployParams(
  options: DeployOptions,
  data: DataArg[],
  files: DeployFiles = {},
): Array<[string, string]> {
  const params = new Map<string, { value: string; from: string }>();
  const set = (key: string, value: string, from: string) => {
    const previous = params.get(key);
    if (previous && previous.value !== value) {
      throw usage(`${key} is given twice with different values (${previous.from} and ${from}); keep one`);
    }
    params.set(key, { value, from });
  };
  const extra: Array<[string, string]> = [];

  if (options.enableHwSync !== undefined) {
    set(
      "enable_hw_sync",
      String(options.enableHwSync),
      options.enableHwSync ? "--enable-hw-sync" : "--no-enable-hw-sync",
    );
  }
  if (options.syncInterval !== undefined) {
    set("sync_interval", String(intervalSeconds("--sync-interval", options.syncInterval)), "--sync-interval");
  }
  if (options.osystem !== undefined) set("osystem", options.osystem, "--osystem");
  if (options.distroSeries !== undefined) set("distro_series", options.distroSeries, "--distro-series");
  if (options.comment !== undefined) set("comment", options.comment, "--comment");

  for (const arg of data) {
    const from = `${arg.key}${arg.isFile ? "@=" : "="}${arg.value}`;
    if (arg.isFile) {
      if (arg.key !== "user_data") {
        throw usage(`deploy reads only user_data from a file: use ${arg.key}=VALUE instead of ${from}`);
      }
      continue;
    }
    if (arg.key === "enable_hw_sync") {
      const flag = parseMaasBoolean(arg.value);
      if (flag === undefined)
        throw usage(`${from}: enable_hw_sync must be true or false (also yes/no, on/off, 1/0)`);
      set("enable_hw_sync", String(flag), from);
    } else if (arg.key === "sync_interval") {
      set("sync_interval", String(intervalSeconds("sync_interval", arg.value)), from);
    } else if (
      params.has(arg.key) ||
      ["osystem", "distro_series", "comment", "user_data"].includes(arg.key)
    ) {
      set(arg.key, arg.value, from);
    } else {
      extra.push([arg.key, arg.value]);
    }
  }
  if (files.userData !== undefined) {
    // MAAS reads user_data only as base64 text in a form field; a file part would be ignored.
    set(
      "user_data",
      Buffer.from(files.userData).toString("base64"),
      options.userData ? "--user-data" : "user_data@=",
    );
  }
  if (params.has("sync_interval") && params.get("enable_hw_sync")?.value !== "true") {
    throw usage(
      "a sync interval only applies with hardware sync on",
      "add --enable-hw-sync (or enable_hw_sync=true), or drop the interval",
    );
  }
  const order = ["enable_hw_sync", "sync_interval", "osystem", "distro_series", "user_data", "comment"];
  const known = order
    .filter((key) => params.has(key))
    .map((key): [string, string] => [key, params.get(key)!.value]);
  const others = [...params.keys()]
    .filter((key) => !order.includes(key))
    .map((key): [string, string] => [key, params.get(key)!.value]);
  return [...known, ...others, ...extra];
}

/** Reads the user-data file named by `--user-data` or `user_data@=`, if any. */
async function readDeployFiles(options: DeployOptions, data: DataArg[]): Promise<DeployFiles> {
  const fileArg = data.find((arg) => arg.isFile && arg.key === "user_data");
  if (options.userData && fileArg)
    throw usage("user data is given twice (--user-data and user_data@=); keep one");
  if (options.userData) return { userData: await readArgFile("--user-data", options.userData) };
  if (fileArg) return { userData: await readArgFile(`user_data@=${fileArg.value}`, fileArg.value) };
  return {};
}

export async function deploy(
  ctx: CommandContext,
  systemId: string,
  options: DeployOptions,
  rawData: string[],
): Promise<MachineLike> {
  const data = parseDataArgs(rawData);
  if (options.timeout !== undefined && !options.wait) throw usage("--timeout only applies with --wait");
  const timeoutSeconds = options.wait ? intervalSeconds("--timeout", options.timeout ?? "30m") : 0;
  const params = toDeployParams(options, data, await readDeployFiles(options, data));
  const api = await ctx.api();
  const machine = (await api.post<MachineLike>(machinePath(systemId), "deploy", params)).body;
  if (!options.wait) return machine;
  return waitForDeployed(ctx, systemId, machine, timeoutSeconds * 1000);
}

export function deployCommand(ctx: CommandContext): Command {
  return new Command("deploy")
    .argument("<system_id>")
    .argument("[data...]", "classic name=value parameters, e.g. enable_hw_sync=true sync_interval=900")
    .option("--enable-hw-sync", "keep the region's hardware record in sync while deployed")
    .option("--no-enable-hw-sync", "deploy without hardware sync (the default)")
    .option("--sync-interval <span>", "how often the machine reports: a systemd span (15m, 1h30m) or seconds")
    .option("--osystem <name>", "operating system, e.g. ubuntu")
    .option("--distro-series <series>", "release, e.g. noble")
    .option("--user-data <file>", "cloud-init user-data file (sent base64-encoded as user_data)")
    .option("--comment <text>", "why the machine is deployed (kept in its event log)")
    .option("--wait", "wait until the machine is Deployed; exit non-zero if deployment fails")
    .option("--timeout <span>", "with --wait: give up after this long (default 30m)")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ maas admin machine deploy abc123 --enable-hw-sync --sync-interval 15m",
        "  $ maas admin machine deploy abc123 enable_hw_sync=true sync_interval=900",
        "  $ maas admin machine deploy abc123 --distro-series noble --user-data cloud-init.yaml --wait --timeout 40m",
      ].join("\n"),
    )
    .action(async (systemId: string, data: string[], options: DeployOptions) => {
      await ctx.output.data(await deploy(ctx, systemId, options, data), renderMachine);
    });
}
