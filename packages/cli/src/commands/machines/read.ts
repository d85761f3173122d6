import { Command } from "commander";
import { parseDataArgs } from "../../args.ts";
import type { CommandContext } from "../../context.ts";
import { supportsParam } from "../../describe.ts";
import { syncHealth } from "../../health.ts";
import { MACHINES_PATH } from "../../paths.ts";
import { type MachineLike, renderMachines } from "../../render/machine.ts";

export interface ListOptions {
  syncUnhealthy?: boolean;
}

/** Fleet view: machines with hardware sync on whose last sync is overdue (or never came). */
function filterSyncUnhealthy(machines: MachineLike[], now: Date): MachineLike[] {
  return machines.filter((machine) => syncHealth(machine, now) === "unhealthy");
}

/**
 * `GET machines/` with the classic filters (`hostname=a hostname=b status=deployed`). For
 * `--sync-unhealthy` the region filters when its description documents `sync_unhealthy` (ours
 * does); otherwise we filter here with the same health rule.
 */
export async function listMachines(
  ctx: CommandContext,
  filters: string[],
  options: ListOptions,
): Promise<MachineLike[]> {
  const query: Array<[string, string]> = [];
  for (const arg of parseDataArgs(filters)) query.push([arg.key, arg.value]);
  let filterLocally = false;
  if (options.syncUnhealthy) {
    const description = await ctx.profiles.description(ctx.profileName!);
    if (supportsParam(description, "machines", "read", "sync_unhealthy"))
      query.push(["sync_unhealthy", "true"]);
    else filterLocally = true;
  }
  const api = await ctx.api();
  const machines = (await api.get<MachineLike[]>(MACHINES_PATH, undefined, query)).body;
  return filterLocally ? filterSyncUnhealthy(machines, ctx.now()) : machines;
}

export function machinesReadCommand(ctx: CommandContext): Command {
  return listCommand(ctx, "read");
}

/** `machines list`: the fleet view's name for the same command. */
export function machinesListCommand(ctx: CommandContext): Command {
  return listCommand(ctx, "list");
}

function listCommand(ctx: CommandContext, name: "read" | "list"): Command {
  return new Command(name)
    .argument("[filters...]", "name=value filters sent to the region, e.g. hostname=web-07 status=deployed")
    .option("--sync-unhealthy", "only machines whose hardware sync is on but overdue")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ maas admin machines read",
        "  $ maas admin machines list --sync-unhealthy",
        "  $ maas admin machines read hostname=web-07 hostname=web-08 --format json",
      ].join("\n"),
    )
    .action(async (filters: string[], options: ListOptions) => {
      await ctx.output.data(await listMachines(ctx, filters, options), renderMachines);
    });
}
