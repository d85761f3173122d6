import type { HardwareHistoryEntry } from "@hwsync/shared/wire/machine";
import { Command } from "commander";
import type { CommandContext } from "../../context.ts";
import { machinePath } from "../../paths.ts";
import { renderHardwareHistory } from "../../render/history.ts";

/** What each hardware sync changed, newest first (`op=hardware_history`, our region only). */
async function readHardwareHistory(ctx: CommandContext, systemId: string): Promise<HardwareHistoryEntry[]> {
  const api = await ctx.api();
  return (await api.get<HardwareHistoryEntry[]>(machinePath(systemId), "hardware_history")).body;
}

export function hardwareHistoryCommand(ctx: CommandContext): Command {
  return new Command("hardware-history")
    .argument("<system_id>")
    .addHelpText("after", "\nExamples:\n  $ maas admin machine hardware-history abc123")
    .action(async (systemId: string) =>
      ctx.output.data(await readHardwareHistory(ctx, systemId), renderHardwareHistory),
    );
}
