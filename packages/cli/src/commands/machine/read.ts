import { Command } from "commander";
import type { CommandContext } from "../../context.ts";
import { machinePath } from "../../paths.ts";
import { type MachineLike, renderMachine } from "../../render/machine.ts";

export async function readMachine(ctx: CommandContext, systemId: string): Promise<MachineLike> {
  const api = await ctx.api();
  return (await api.get<MachineLike>(machinePath(systemId))).body;
}

export function readCommand(ctx: CommandContext): Command {
  return new Command("read")
    .argument("<system_id>")
    .addHelpText(
      "after",
      "\nExamples:\n  $ maas admin machine read abc123\n  $ maas admin machine read abc123 --format json",
    )
    .action(async (systemId: string) => ctx.output.data(await readMachine(ctx, systemId), renderMachine));
}
