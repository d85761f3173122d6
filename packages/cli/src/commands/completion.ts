import { ErrorCode, HwsError } from "@hwsync/shared/errors";
import { Command } from "commander";
import type { CommandContext } from "../context.ts";

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

export function completionCommand(ctx: CommandContext): Command {
  return new Command("completion")
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
