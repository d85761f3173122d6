import { Command } from "commander";
import type { CommandContext } from "../context.ts";

/**
 * Fetches `describe/` again for the named profiles (all when none are named). Every profile is
 * tried; the first failure is rethrown at the end so the exit code still says something failed.
 */
export async function refresh(ctx: CommandContext, names: string[]): Promise<string[]> {
  const profiles =
    names.length > 0
      ? await Promise.all(names.map((name) => ctx.profiles.get(name)))
      : await ctx.profiles.list();
  const refreshed: string[] = [];
  let firstError: unknown;
  for (const profile of profiles) {
    try {
      const api = await ctx.connect(profile);
      const description = await api.describe();
      await ctx.profiles.save(
        { ...profile, descriptionHash: description.hash ?? null, updated: ctx.now().toISOString() },
        description,
      );
      refreshed.push(profile.name);
      ctx.output.note(`Refreshed '${profile.name}' (${description.resources.length} resources).`);
    } catch (error) {
      firstError ??= error;
      await ctx.output.warn(`could not refresh '${profile.name}': ${(error as Error).message}`);
    }
  }
  if (firstError !== undefined) throw firstError;
  return refreshed;
}

export function refreshCommand(ctx: CommandContext): Command {
  return new Command("refresh")
    .argument("[profiles...]", "only these profiles")
    .addHelpText("after", "\nExamples:\n  $ maas refresh\n  $ maas refresh admin")
    .action(async (names: string[]) => {
      await refresh(ctx, names);
    });
}
