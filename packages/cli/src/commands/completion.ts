import { ErrorCode, HwsError } from "@hwsync/shared/errors";
import { Command } from "commander";
import type { CommandContext } from "../context.ts";
import { describeResources } from "../describe.ts";
import { FRIENDLY_COMMANDS, FRIENDLY_RESOURCES, findFriendly } from "../friendly.ts";
import { BUILTINS } from "../program.ts";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

// Each script hands the words typed so far (program name first, the word being completed last)
// to `maas __complete`, which answers one candidate per line.
const SCRIPTS: Record<Shell, string> = {
  bash: `# maas completion for bash. Load it with: source <(maas completion bash)
_maas_complete() {
  local IFS=$'\\n'
  COMPREPLY=($(maas __complete "\${COMP_WORDS[@]:0:COMP_CWORD+1}" 2>/dev/null))
  # name= parameters: let the user type the value right after the '='.
  [[ \${COMPREPLY[0]} == *= ]] && compopt -o nospace
}
complete -o default -o nosort -F _maas_complete maas
`,
  zsh: `#compdef maas
# maas completion for zsh. Load it with: source <(maas completion zsh)
_maas() {
  local -a candidates
  candidates=("\${(@f)$(maas __complete "\${(@)words[1,CURRENT]}" 2>/dev/null)}")
  compadd -Q -- \${candidates:#}
}
compdef _maas maas
`,
  fish: `# maas completion for fish. Load it with: maas completion fish | source
complete -c maas -f -a '(maas __complete (commandline -opc) (commandline -ct) 2>/dev/null)'
`,
};

export function completionScript(shell: string): string {
  if (!(SHELLS as readonly string[]).includes(shell)) {
    throw new HwsError(
      ErrorCode.USAGE,
      `no completion for shell '${shell}'. Use one of: ${SHELLS.join(", ")}.`,
    );
  }
  return SCRIPTS[shell as Shell];
}

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
export async function completeWords(ctx: CommandContext, words: string[]): Promise<string[]> {
  const typed = words.slice(1);
  const previous = typed.at(-2);
  const partial = typed.at(-1) ?? "";
  if (previous === "--format") return ["json", "table", "yaml"];
  const done = withoutGlobals(typed.slice(0, -1));
  const profiles = async () => (await ctx.profiles.list()).map((profile) => profile.name);

  if (done.length === 0)
    return partial.startsWith("-") ? GLOBAL_FLAGS : [...Object.keys(BUILTINS), ...(await profiles())];
  const [first, resource, action] = done as [string, string?, string?];
  if (Object.hasOwn(BUILTINS, first)) {
    if (done.length > 1 && first !== "refresh") return [];
    if (first === "logout" || first === "refresh") return profiles();
    if (first === "completion") return [...SHELLS];
    return [];
  }
  const profile = await ctx.profiles.find(first);
  if (!profile) return [];
  const description = await ctx.profiles.description(first);
  const resources = description ? describeResources(description, profile.credentials === null) : [];
  if (resource === undefined) {
    return [...new Set([...resources.map((item) => item.name), ...Object.keys(FRIENDLY_RESOURCES)])].sort();
  }
  const spec = resources.find((item) => item.name === resource);
  if (action === undefined) {
    const friendly = FRIENDLY_COMMANDS.filter((item) => item.resource === resource).map(
      (item) => item.action,
    );
    return [...new Set([...(spec?.actions.map((item) => item.name) ?? []), ...friendly])].sort();
  }
  const friendly = findFriendly(resource, action);
  if (partial.startsWith("-") && friendly) {
    const command = (await friendly.load())(ctx);
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

export function completionCommand(ctx: CommandContext): Command {
  return new Command("completion")
    .summary("Print a shell completion script (bash, zsh or fish)")
    .argument("<shell>", SHELLS.join(", "))
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ source <(maas completion bash)      # add to ~/.bashrc",
        "  $ source <(maas completion zsh)       # add to ~/.zshrc, after compinit",
        "  $ maas completion fish > ~/.config/fish/completions/maas.fish",
      ].join("\n"),
    )
    .action((shell: string) => {
      ctx.output.stdout.write(completionScript(shell));
    });
}
