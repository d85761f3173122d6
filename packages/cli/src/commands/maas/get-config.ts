import { ErrorCode, HwsError } from "@hwsync/shared/errors";
import { Command } from "commander";
import { lastValue, parseDataArgs } from "../../args.ts";
import type { CommandContext } from "../../context.ts";
import { MAAS_PATH } from "../../paths.ts";

/** `name=X` (classic) or a bare `X`; one name per call, as MAAS's `get_config` takes. */
function configName(args: string[]): string {
  const bare = args.filter((arg) => !arg.includes("="));
  const name = bare.length > 0 ? bare[0] : lastValue(parseDataArgs(args), "name");
  if (!name || bare.length > 1) {
    throw new HwsError(ErrorCode.USAGE, "give exactly one config name, e.g. name=hardware_sync_interval");
  }
  return name;
}

export async function getConfig(ctx: CommandContext, name: string): Promise<unknown> {
  const api = await ctx.api();
  return (await api.get(MAAS_PATH, "get_config", [["name", name]])).body;
}

export function getConfigCommand(ctx: CommandContext): Command {
  return new Command("get-config")
    .argument("<name=NAME...>", "the setting: name=hardware_sync_interval (or just hardware_sync_interval)")
    .addHelpText("after", "\nExamples:\n  $ maas admin maas get-config name=hardware_sync_interval")
    .action(async (args: string[]) => {
      await ctx.output.data(await getConfig(ctx, configName(args)));
    });
}
