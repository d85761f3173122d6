import { BSON } from "bson";
import { Command } from "commander";
import type { CommandContext } from "../../context.ts";
import { machinePath } from "../../paths.ts";
import { detail } from "../../render/format.ts";
import type { RenderKit } from "../../render/kit.ts";

// `machine details ID`: MAAS answers op=details with BSON `{lldp, lshw}` (binary XML or null),
// which a terminal cannot show and JSON cannot carry as is: we decode it and print the XML text.

export type MachineDetails = Record<string, string | null>;

/** BSON `{name: Binary | null}` → `{name: text | null}`. */
export function decodeDetails(bytes: Uint8Array): MachineDetails {
  const document = BSON.deserialize(bytes, { promoteBuffers: true });
  const out: MachineDetails = {};
  for (const [name, value] of Object.entries(document)) {
    out[name] =
      value === null || value === undefined ? null : Buffer.from(value as Uint8Array).toString("utf8");
  }
  return out;
}

function renderDetails(details: MachineDetails, kit: RenderKit): string {
  return detail(
    Object.entries(details).map(([name, text]): [string, string] => [
      name,
      text === null
        ? kit.style.dim("(never reported)")
        : `${text.length} bytes of XML (--format json shows them)`,
    ]),
    kit,
  );
}

export function detailsCommand(ctx: CommandContext): Command {
  return new Command("details")
    .argument("<system_id>")
    .addHelpText("after", "\nExamples:\n  $ maas admin machine details abc123 --format json | jq -r .lshw")
    .action(async (systemId: string) => {
      const api = await ctx.api();
      const { body } = await api.request<Uint8Array>({
        method: "GET",
        path: machinePath(systemId),
        op: "details",
        responseType: "bytes",
      });
      await ctx.output.data(decodeDetails(body), renderDetails);
    });
}
