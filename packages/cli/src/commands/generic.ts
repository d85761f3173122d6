import type { FilePart, Params } from "@hwsync/shared/client";
import { Command } from "commander";
import { type DataArg, parseDataArgs, readDataFiles } from "../args.ts";
import type { CommandContext } from "../context.ts";
import { type ActionSpec, fillPath, type ResourceSpec } from "../describe.ts";

/**
 * The HTTP request a generic `RESOURCE ACTION` sends, built as MAAS's CLI builds it
 * (docs/maas-compatibility.md#the-api-description-and-maass-cli).
 */
export interface GenericRequest {
  method: ActionSpec["method"];
  path: string;
  op: string | undefined;
  query: Params | undefined;
  form: Params | undefined;
  files: FilePart[] | undefined;
}

/**
 * GET/DELETE put data in the query string (a file's content as the value); POST/PUT put it in
 * the body, files as multipart parts named after the key. `op` always goes first in the query.
 */
export async function toGenericRequest(
  resource: ResourceSpec,
  action: ActionSpec,
  positionals: string[],
  data: DataArg[],
  read?: (path: string) => Promise<Uint8Array>,
): Promise<GenericRequest> {
  const files = await readDataFiles(data, read);
  const path = fillPath(resource.path, resource.positionals, positionals);
  const inQuery = action.method === "GET" || action.method === "DELETE";
  const pairs: Array<[string, string]> = [];
  let fileIndex = 0;
  const parts: FilePart[] = [];
  for (const arg of data) {
    if (!arg.isFile) {
      pairs.push([arg.key, arg.value]);
      continue;
    }
    const file = files[fileIndex++]!;
    if (inQuery) pairs.push([arg.key, Buffer.from(file.content).toString("utf8")]);
    else parts.push({ name: arg.key, filename: arg.key, content: file.content });
  }
  return {
    method: action.method,
    path,
    op: action.op ?? undefined,
    query: inQuery ? pairs : undefined,
    form: inQuery ? undefined : pairs,
    files: parts.length > 0 ? parts : undefined,
  };
}

/** Help text for an action: MAAS's doc without the `:type` lines, which repeat the `:param` ones. */
function helpDoc(doc: string): string {
  return doc
    .split("\n")
    .filter((line) => !/^\s*:type\s/.test(line))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** `maas PROFILE RESOURCE ACTION [POSITIONALS…] [key=value…]` for any action of the description. */
export function genericCommand(ctx: CommandContext, resource: ResourceSpec, action: ActionSpec): Command {
  const command = new Command(action.name).summary(action.summary || `${action.method} ${resource.path}`);
  const doc = helpDoc(action.doc);
  if (doc) command.description(doc);
  for (const name of resource.positionals) command.argument(`<${name}>`);
  command.argument("[data...]", "name=value or name@=file arguments, sent as the action's parameters");
  command.addHelpText(
    "after",
    `\nSends: ${action.method} ${resource.path}${action.op ? `?op=${action.op}` : ""}`,
  );
  command.action(async (...args: unknown[]) => {
    const positionals = args.slice(0, resource.positionals.length) as string[];
    const data = parseDataArgs((args[resource.positionals.length] as string[] | undefined) ?? []);
    const request = await toGenericRequest(resource, action, positionals, data);
    const api = await ctx.api();
    const response = await api.request(request);
    await ctx.output.data(response.body);
  });
  return command;
}
