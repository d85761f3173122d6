import { createInterface } from "node:readline/promises";
import { normalizeApiUrl } from "@hwsync/shared/client";
import { ErrorCode, HwsError, isHwsError } from "@hwsync/shared/errors";
import { parseApiKey } from "@hwsync/shared/oauth";
import { Command } from "commander";
import type { CommandContext, InStream } from "../context.ts";
import { USERS_PATH } from "../paths.ts";
import { type Profile, validateProfileName } from "../profiles.ts";
import { serverText } from "../report-error.ts";

/** First line of stdin (`maas login admin URL -`), so keys never appear in `ps` or shell history. */
async function readKeyFromStdin(stdin: InStream): Promise<string> {
  let text = "";
  for await (const chunk of stdin) {
    text += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    if (text.includes("\n")) break;
  }
  return text.split(/\r?\n/)[0]!.trim();
}

async function promptForKey(ctx: CommandContext): Promise<string> {
  const prompt = createInterface({
    input: ctx.stdin,
    output: ctx.output.stderr as NodeJS.WritableStream,
    terminal: true,
  });
  try {
    return (await prompt.question("API key (leave empty for anonymous access): ")).trim();
  } finally {
    prompt.close();
  }
}

/** The key as given: an argument, `-` for stdin, or a prompt on a terminal. */
async function resolveKey(ctx: CommandContext, key: string | undefined): Promise<string> {
  if (key === "-") return readKeyFromStdin(ctx.stdin);
  if (key !== undefined) return key.trim();
  if (ctx.stdin.isTTY) return promptForKey(ctx);
  throw new HwsError(
    ErrorCode.USAGE,
    "no API key given: pass it as the third argument, or '-' to read it from stdin",
    {
      hint: "maas login PROFILE URL - < key.txt (an empty key makes an anonymous profile)",
    },
  );
}

/** Rethrows an API error with advice fitting login, where the URL or key is new and often wrong. */
function explainLoginError(error: unknown, url: string): never {
  const status = (error as { status?: unknown }).status;
  if (!isHwsError(error) || typeof status !== "number") throw error;
  const hints: Record<number, string> = {
    401: "the region rejected the API key; copy it again from the MAAS UI (your user > API keys) or `maas-region apikey`",
    403: "the region refused this key (is the user active?)",
    404: `there is no MAAS API at ${url}; give the region's address, e.g. http://region:5240/MAAS/`,
  };
  const hint = hints[status];
  if (!hint) throw error;
  const server = serverText((error as { body?: unknown }).body);
  throw new HwsError(error.code, `${error.message}${server ? `: ${server}` : ""}`, { hint, cause: error });
}

/**
 * Checks the key with a signed `users/?op=whoami`, fetches `describe/` unsigned (as MAAS's CLI
 * does), then stores the profile. Nothing is stored when either call fails.
 */
export async function login(
  ctx: CommandContext,
  name: string,
  url: string,
  key: string | undefined,
): Promise<Profile> {
  validateProfileName(name);
  const apiUrl = normalizeApiUrl(url);
  const secret = await resolveKey(ctx, key);
  if (secret !== "") parseApiKey(secret);
  const profile: Profile = {
    name,
    url: apiUrl,
    credentials: secret === "" ? null : secret,
    username: null,
    descriptionHash: null,
    updated: ctx.now().toISOString(),
  };
  const api = await ctx.connect(profile);
  try {
    if (profile.credentials) {
      const whoami = await api.get<{ username?: string }>(USERS_PATH, "whoami");
      profile.username = typeof whoami.body?.username === "string" ? whoami.body.username : null;
    }
    const description = await api.describe();
    profile.descriptionHash = description.hash ?? null;
    await ctx.profiles.save(profile, description);
  } catch (error) {
    explainLoginError(error, apiUrl);
  }
  return profile;
}

export function loginCommand(ctx: CommandContext): Command {
  return new Command("login")
    .argument("<profile>", "a name for this login, used as the first word of later commands")
    .argument("<url>", "the region, e.g. http://region:5240/MAAS/")
    .argument("[key]", "the API key consumer:token:secret, '-' to read it from stdin, empty for anonymous")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ maas login admin http://region:5240/MAAS/ - < admin.key",
        "  $ maas login admin http://region:5240/MAAS/ 'Jx3…:Bv8…:Qw2…'",
      ].join("\n"),
    )
    .action(async (name: string, url: string, key: string | undefined) => {
      const profile = await login(ctx, name, url, key);
      ctx.output.note(
        `You are now logged in to the MAAS server at ${profile.url} with the profile name '${name}'.`,
      );
      ctx.output.note(`For help with the available commands, try: maas ${name} --help`);
    });
}
