// `maas __complete WORDS…`, which the scripts of `maas completion SHELL` call on every TAB: the
// builtins and profiles, then the profile's resources, actions and their flags or parameters.
import { SHELLS } from "./commands/completion.ts";
import type { CommandContext } from "./context.ts";
import { describeResources } from "./describe.ts";
import {
  BUILTINS,
  createCommand,
  findBuiltin,
  findResourceVerb,
  RESOURCE_SUMMARIES,
  resourceVerbsOf,
} from "./registry.ts";

const GLOBAL_FLAGS = ["--format", "--no-color", "--debug", "--help"];

/** Drops global options so positions count only real words. */
function withoutGlobals(words: string[]): string[] {
  const out: string[] = [];
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    if (word === "--format") {
      index++;
      continue;
    }
    if (word.startsWith("--format=") || word === "--debug" || word === "--no-color") continue;
    out.push(word);
  }
  return out;
}

/** Candidates for the last word of `words` (which starts with the program name). */
async function completeWords(ctx: CommandContext, words: string[]): Promise<string[]> {
  const typed = words.slice(1);
  const previous = typed.at(-2);
  const partial = typed.at(-1) ?? "";
  if (previous === "--format") return ["json", "table", "yaml"];
  const done = withoutGlobals(typed.slice(0, -1));
  const profiles = async () => (await ctx.profiles.list()).map((profile) => profile.name);

  if (done.length === 0)
    return partial.startsWith("-")
      ? GLOBAL_FLAGS
      : [...BUILTINS.map((verb) => verb.name), ...(await profiles())];
  const [first, resource, action] = done as [string, string?, string?];
  const builtin = findBuiltin(first);
  if (builtin) {
    const values = builtin.completes;
    if (values === undefined || (done.length > 1 && values !== "profiles")) return [];
    return values === "shell" ? [...SHELLS] : profiles();
  }
  const profile = await ctx.profiles.find(first);
  if (!profile) return [];
  const description = await ctx.profiles.description(first);
  const resources = description ? describeResources(description, profile.credentials === null) : [];
  if (resource === undefined) {
    return [...new Set([...resources.map((item) => item.name), ...Object.keys(RESOURCE_SUMMARIES)])].sort();
  }
  const spec = resources.find((item) => item.name === resource);
  if (action === undefined) {
    const own = resourceVerbsOf(resource).map((verb) => verb.name);
    return [...new Set([...(spec?.actions.map((item) => item.name) ?? []), ...own])].sort();
  }
  const verb = findResourceVerb(resource, action);
  if (partial.startsWith("-") && verb) {
    const command = await createCommand(verb, ctx);
    return command.options.map((option) => option.long).filter((flag): flag is string => Boolean(flag));
  }
  const params = spec?.actions.find((item) => item.name === action)?.params ?? [];
  return params.map((param) => `${param}=`);
}

/** `maas __complete WORDS…`: candidates starting with the word being completed, one per line. */
export async function complete(ctx: CommandContext, words: string[]): Promise<string> {
  const partial = words.length > 1 ? (words.at(-1) ?? "") : "";
  const candidates = (await completeWords(ctx, words.length > 0 ? words : ["maas", ""])).filter((candidate) =>
    candidate.startsWith(partial),
  );
  return candidates.length > 0 ? `${candidates.join("\n")}\n` : "";
}
