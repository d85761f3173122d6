import { Command } from "commander";
import type { CommandContext } from "../context.ts";
import { cell } from "../render/format.ts";
import type { RenderKit } from "../render/kit.ts";

export interface ProfileSummary {
  name: string;
  url: string;
  username: string | null;
  /** The key, its secret part masked unless --show-keys. Null for anonymous profiles. */
  credentials: string | null;
}

/** `ck:tk:secret` → `ck:tk:****`: enough to tell keys apart, not enough to use one. */
function maskKey(key: string | null): string | null {
  if (key === null) return null;
  const parts = key.split(":");
  return parts.length === 3 ? `${parts[0]}:${parts[1]}:****` : "****";
}

async function listProfiles(ctx: CommandContext, showKeys: boolean): Promise<ProfileSummary[]> {
  return (await ctx.profiles.list()).map((profile) => ({
    name: profile.name,
    url: profile.url,
    username: profile.username,
    credentials: showKeys ? profile.credentials : maskKey(profile.credentials),
  }));
}

function renderProfiles(profiles: ProfileSummary[], kit: RenderKit): string {
  if (profiles.length === 0) return kit.style.dim("(no profiles: add one with maas login PROFILE URL KEY)");
  return kit.table(
    ["PROFILE", "URL", "USER", "KEY"],
    profiles.map((profile) => [
      profile.name,
      profile.url,
      cell(profile.username),
      profile.credentials ?? "(anonymous)",
    ]),
  );
}

export function listCommand(ctx: CommandContext): Command {
  return new Command("list")
    .option("--show-keys", "print whole API keys (MAAS's CLI always does; we mask the secret by default)")
    .addHelpText("after", "\nExamples:\n  $ maas list\n  $ maas list --show-keys --format json")
    .action(async (options: { showKeys?: boolean }) => {
      await ctx.output.data(await listProfiles(ctx, options.showKeys === true), renderProfiles);
    });
}
