import { Command } from "commander";
import type { CommandContext } from "../../context.ts";
import { machinePath } from "../../paths.ts";
import { type HardwareJson, renderHardware } from "../../render/hardware.ts";

/** Our region's stored hardware of a machine (`op=hardware`; real MAAS has no such op). */
export async function readHardware(ctx: CommandContext, systemId: string): Promise<HardwareJson> {
  const api = await ctx.api();
  return (await api.get<HardwareJson>(machinePath(systemId), "hardware")).body;
}

export function hardwareCommand(ctx: CommandContext): Command {
  return new Command("hardware")
    .argument("<system_id>")
    .addHelpText("after", "\nExamples:\n  $ maas admin machine hardware abc123")
    .action(async (systemId: string) => ctx.output.data(await readHardware(ctx, systemId), renderHardware));
}
