import { Command } from "commander";
import type { CommandContext } from "../context.ts";
import { profileNotFound } from "../profiles.ts";

export async function logout(ctx: CommandContext, name: string): Promise<void> {
  // MAAS's CLI exits 0 for an unknown profile; we say so, since it is usually a typo.
  if (!(await ctx.profiles.remove(name))) throw profileNotFound(name);
}

export function logoutCommand(ctx: CommandContext): Command {
  return new Command("logout")
    .argument("<profile>")
    .addHelpText("after", "\nExamples:\n  $ maas logout admin")
    .action(async (name: string) => {
      await logout(ctx, name);
      ctx.output.note(`Logged out of '${name}'.`);
    });
}
