import type { MachineToken } from "@hwsync/shared/wire/machine";
import { Command } from "commander";
import type { CommandContext } from "../../context.ts";
import { machinePath } from "../../paths.ts";
import { detail } from "../../render/format.ts";
import type { RenderKit } from "../../render/kit.ts";

/** The machine's metadata OAuth token, or null when it has none (e.g. never deployed). */
async function getToken(ctx: CommandContext, systemId: string): Promise<MachineToken> {
  const api = await ctx.api();
  return (await api.get<MachineToken>(machinePath(systemId), "get_token")).body;
}

function renderToken(token: MachineToken, kit: RenderKit): string {
  if (!token) return kit.style.dim("(this machine has no token)");
  return detail(
    [
      ["consumer_key", token.consumer_key],
      ["token_key", token.token_key],
      ["token_secret", token.token_secret],
    ],
    kit,
  );
}

export function getTokenCommand(ctx: CommandContext): Command {
  return new Command("get-token")
    .argument("<system_id>")
    .addHelpText("after", "\nExamples:\n  $ maas admin machine get-token abc123 --format json")
    .action(async (systemId: string) => ctx.output.data(await getToken(ctx, systemId), renderToken));
}
