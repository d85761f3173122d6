import { ErrorCode, HwsError } from "@hwsync/shared/errors";
import { Command } from "commander";
import { parseDataArgs } from "../../args.ts";
import type { CommandContext } from "../../context.ts";
import { machinePath } from "../../paths.ts";
import { type MachineLike, renderMachine } from "../../render/machine.ts";

export interface ReleaseOptions {
  comment?: string;
}

/** `--comment` plus any classic `key=value` (erase=true, force=true …), in order. */
function toReleaseParams(options: ReleaseOptions, data: string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (options.comment !== undefined) pairs.push(["comment", options.comment]);
  for (const arg of parseDataArgs(data)) {
    if (arg.isFile)
      throw new HwsError(
        ErrorCode.USAGE,
        `release takes no files: use ${arg.key}=VALUE instead of ${arg.key}@=${arg.value}`,
      );
    pairs.push([arg.key, arg.value]);
  }
  return pairs;
}

export async function release(
  ctx: CommandContext,
  systemId: string,
  params: Array<[string, string]>,
): Promise<MachineLike> {
  const api = await ctx.api();
  return (await api.post<MachineLike>(machinePath(systemId), "release", params)).body;
}

export function releaseCommand(ctx: CommandContext): Command {
  return new Command("release")
    .argument("<system_id>")
    .argument("[data...]", "extra name=value parameters, e.g. erase=true")
    .option("--comment <text>", "why the machine is released (kept in its event log)")
    .addHelpText(
      "after",
      "\nExamples:\n  $ maas admin machine release abc123\n  $ maas admin machine release abc123 --comment 'disk swap' erase=true",
    )
    .action(async (systemId: string, data: string[], options: ReleaseOptions) => {
      await ctx.output.data(await release(ctx, systemId, toReleaseParams(options, data)), renderMachine);
    });
}
