import { ErrorCode, HwsError } from "@hwsync/shared/errors";
import { formatTimeSpan, parseTimeSpan } from "@hwsync/shared/time-span";
import { Command } from "commander";
import { lastValue, parseDataArgs } from "../../args.ts";
import type { CommandContext } from "../../context.ts";
import { MAAS_PATH } from "../../paths.ts";

/**
 * `name=… value=…` → the form, checked locally where we know the rule: `hardware_sync_interval`
 * must be a whole h/m/s span (real MAAS accepts any valid prefix, so `1 month` would become 60 s).
 * A bare number of seconds is sent as the equivalent span, because MAAS refuses plain numbers.
 */
function toSetConfigParams(args: string[]): { name: string; value: string; converted: boolean } {
  const data = parseDataArgs(args);
  const name = lastValue(data, "name");
  const value = lastValue(data, "value");
  if (!name || value === undefined) {
    throw new HwsError(
      ErrorCode.USAGE,
      "set-config needs name=NAME value=VALUE, e.g. name=hardware_sync_interval value=30m",
    );
  }
  if (name !== "hardware_sync_interval") return { name, value, converted: false };
  const trimmed = value.trim();
  let seconds: number;
  try {
    seconds = /^\d+$/.test(trimmed) ? Number(trimmed) : parseTimeSpan(trimmed);
  } catch (error) {
    throw new HwsError(ErrorCode.TIME_SPAN_INVALID, `value: ${(error as Error).message}`, { cause: error });
  }
  if (seconds <= 0) {
    throw new HwsError(
      ErrorCode.TIME_SPAN_INVALID,
      `value: '${value}' would make every machine's sync unhealthy; give a positive span such as 15m`,
    );
  }
  const isSeconds = /^\d+$/.test(trimmed);
  return { name, value: isSeconds ? formatTimeSpan(seconds) : trimmed, converted: isSeconds };
}

export async function setConfig(ctx: CommandContext, name: string, value: string): Promise<unknown> {
  const api = await ctx.api();
  return (
    await api.post(MAAS_PATH, "set_config", [
      ["name", name],
      ["value", value],
    ])
  ).body;
}

export function setConfigCommand(ctx: CommandContext): Command {
  return new Command("set-config")
    .argument("<name=NAME value=VALUE...>", "the setting and its new value")
    .addHelpText(
      "after",
      "\nExamples:\n  $ maas admin maas set-config name=hardware_sync_interval value=30m\n  $ maas admin maas set-config name=maas_name value=lab",
    )
    .action(async (args: string[]) => {
      const { name, value, converted } = toSetConfigParams(args);
      if (converted) ctx.output.note(`sending ${name}=${value} (MAAS takes a span, not seconds)`);
      await ctx.output.data(await setConfig(ctx, name, value));
    });
}
