import { Command } from "commander";
import packageJson from "../package.json" with { type: "json" };
import type { CommandContext } from "./context.ts";
import { describeResources, type ResourceSpec } from "./describe.ts";
import {
  BUILTINS,
  createCommand,
  findBuiltin,
  findResourceVerb,
  RESOURCE_SUMMARIES,
  resourceVerbsOf,
  type Verb,
} from "./registry.ts";

const VERSION: string = packageJson.version;

const ROOT_HELP_AFTER = `
Run an API action with a stored profile:
  maas PROFILE RESOURCE ACTION [ARGS...] [name=value...]
  maas PROFILE --help            lists the profile's resources

Global options (anywhere on the line):
  --format <json|table|yaml>     output format (default: table on a terminal, JSON otherwise)
  --no-color                     no colour (NO_COLOR is honoured too)
  --debug                        print stack traces with errors

Examples:
  $ maas login admin http://region:5240/MAAS/ - < admin.key
  $ maas admin machine deploy abc123 --enable-hw-sync --sync-interval 15m
  $ maas admin machines list --sync-unhealthy`;

/** Commander settings every command of the tree needs: our streams, no process.exit, exit 2 hints. */
function configureTree(command: Command, ctx: CommandContext): void {
  const { stdout, stderr } = ctx.output;
  command
    .exitOverride()
    .configureOutput({
      writeOut: (text) => stdout.write(text),
      writeErr: (text) => stderr.write(text),
      getOutHelpWidth: () => stdout.columns ?? 80,
      getErrHelpWidth: () => stderr.columns ?? 80,
    })
    .showHelpAfterError("(add --help for usage)");
  for (const child of command.commands) configureTree(child, ctx);
}

// Resource and action lists show names only: generic actions' argument lists would push the
// summaries off the screen, and `ACTION --help` shows them.
const NAMES_ONLY = { subcommandTerm: (command: Command) => command.name() };

/** Stands in for a verb in help listings, so listing never loads the verb's module. */
function placeholder(verb: Verb): Command {
  return new Command(verb.name).summary(verb.summary).usage(verb.usage);
}

// commander lists a command by the arguments it declares, which a placeholder has none of; the
// registry's usage says what they are.
const NAME_AND_USAGE = {
  subcommandTerm: (command: Command) => [command.name(), command.usage()].filter(Boolean).join(" "),
};

async function rootCommand(ctx: CommandContext, active: Verb | undefined): Promise<Command> {
  const root = new Command("maas")
    .summary("MAAS command-line client with hardware sync")
    .usage("[--format json|table|yaml] COMMAND | PROFILE RESOURCE ACTION [ARGS...]")
    .version(VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .helpCommand(false)
    .configureHelp(NAME_AND_USAGE)
    .addHelpText("after", ROOT_HELP_AFTER);
  for (const verb of BUILTINS) {
    root.addCommand(verb === active ? await createCommand(verb, ctx) : placeholder(verb));
  }
  return root;
}

/** The resources command tree of one profile: only as much of it as this command line needs. */
async function profileCommand(ctx: CommandContext, name: string, argv: string[]): Promise<Command> {
  const profile = await ctx.profiles.get(name);
  const [resourceArg, actionArg] = argv;
  const wantsTree = resourceArg === undefined || resourceArg.startsWith("-");
  const target = !wantsTree && actionArg !== undefined && !actionArg.startsWith("-") ? actionArg : undefined;
  const ownTarget = findResourceVerb(resourceArg, target);

  // Our own verbs never need the stored description: a simple read stays fast.
  let resources: ResourceSpec[] = [];
  if (!ownTarget) {
    const description = await ctx.profiles.description(name);
    if (description) resources = describeResources(description, profile.credentials === null);
  }
  const command = new Command(name)
    .summary(`resources of profile '${name}'`)
    .description(
      `Resources of profile '${name}' (${profile.url}); each has actions: maas ${name} RESOURCE --help`,
    )
    .usage("RESOURCE ACTION [ARGS...] [name=value...]")
    .helpCommand(false)
    .configureHelp(NAMES_ONLY);
  const resourceNames = new Set([...resources.map((item) => item.name), ...Object.keys(RESOURCE_SUMMARIES)]);
  for (const resourceName of [...resourceNames].sort()) {
    if (ownTarget && resourceName !== resourceArg) continue;
    const spec = resources.find((item) => item.name === resourceName);
    const resource = new Command(resourceName)
      .summary(spec?.summary || RESOURCE_SUMMARIES[resourceName] || "")
      .usage("ACTION [ARGS...] [name=value...]")
      .helpCommand(false)
      .configureHelp(NAMES_ONLY);
    if (wantsTree || resourceName === resourceArg) {
      await addActions(ctx, resource, spec, resourceName, target);
    }
    command.addCommand(resource);
  }
  return command;
}

async function addActions(
  ctx: CommandContext,
  resource: Command,
  spec: ResourceSpec | undefined,
  resourceName: string,
  target: string | undefined,
): Promise<void> {
  const ownVerbs = resourceVerbsOf(resourceName);
  const names = new Set([
    ...(spec?.actions.map((action) => action.name) ?? []),
    ...ownVerbs.map((verb) => verb.name),
  ]);
  const { genericCommand } = await import("./commands/generic.ts");
  for (const actionName of [...names].sort()) {
    const own = ownVerbs.find((verb) => verb.name === actionName);
    if (own) {
      resource.addCommand(actionName === target ? await createCommand(own, ctx) : placeholder(own));
      continue;
    }
    const action = spec!.actions.find((item) => item.name === actionName)!;
    resource.addCommand(genericCommand(ctx, spec!, action));
  }
}

/** Turns argv (global options already removed) into one command run. Throws; never exits. */
export async function runProgram(argv: string[], ctx: CommandContext): Promise<void> {
  const [first, ...rest] = argv;
  if (first === "__complete") {
    const { complete } = await import("./complete.ts");
    ctx.output.stdout.write(await complete(ctx, rest));
    return;
  }
  if (first === "help") return runProgram(rest.length > 0 ? [...rest, "--help"] : ["--help"], ctx);
  const builtin = findBuiltin(first);
  const root = await rootCommand(ctx, builtin);
  if (first !== undefined && !builtin && !first.startsWith("-")) {
    root.addCommand(await profileCommand(ctx, first, rest));
  }
  configureTree(root, ctx);
  if (first === undefined) {
    // Like git and MAAS's CLI: no command is a usage error, with the help on stderr.
    root.help({ error: true });
  }
  await root.parseAsync(argv, { from: "user" });
}
