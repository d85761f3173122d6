import type { Command } from "commander";
import type { CommandContext } from "./context.ts";

/**
 * Every hand-written verb of `maas`, declared once: root help, dispatch and shell completion read
 * this list, and a verb's module is loaded only when its command line runs (or completes its
 * flags), so `maas --help` loads none of them. A module builds its command's arguments, options
 * and action; its summary comes from here (`createCommand`).
 */
export interface Verb {
  name: string;
  /** One line for help listings. */
  summary: string;
  /** What follows the name in a listing, as commander writes it: `[options] <system_id>`. */
  usage: string;
  load(): Promise<(ctx: CommandContext) => Command>;
}

/** A builtin's arguments, for shell completion: one profile, any number of them, or a shell. */
export type CompletedArguments = "profile" | "profiles" | "shell";

export interface Builtin extends Verb {
  completes?: CompletedArguments;
}

/** A verb under a resource (`machine deploy`), replacing or adding to the description's action. */
export interface ResourceVerb extends Verb {
  resource: string;
}

/** Words `maas` owns in first position; anything else there is a profile name. */
export const BUILTINS: readonly Builtin[] = [
  {
    name: "login",
    summary: "Log in to a MAAS region and store the profile",
    usage: "<profile> <url> [key]",
    load: async () => (await import("./commands/login.ts")).loginCommand,
  },
  {
    name: "logout",
    summary: "Forget a profile and its stored key",
    usage: "<profile>",
    completes: "profile",
    load: async () => (await import("./commands/logout.ts")).logoutCommand,
  },
  {
    name: "list",
    summary: "List the stored profiles",
    usage: "[options]",
    load: async () => (await import("./commands/list.ts")).listCommand,
  },
  {
    name: "refresh",
    summary: "Fetch the API description of every profile again",
    usage: "[profiles...]",
    completes: "profiles",
    load: async () => (await import("./commands/refresh.ts")).refreshCommand,
  },
  {
    name: "completion",
    summary: "Print a shell completion script (bash, zsh or fish)",
    usage: "<shell>",
    completes: "shell",
    load: async () => (await import("./commands/completion.ts")).completionCommand,
  },
];

export const RESOURCE_VERBS: readonly ResourceVerb[] = [
  {
    resource: "machine",
    name: "deploy",
    summary: "Deploy a machine, optionally keeping its hardware in sync",
    usage: "[options] <system_id> [data...]",
    load: async () => (await import("./commands/machine/deploy.ts")).deployCommand,
  },
  {
    resource: "machine",
    name: "read",
    summary: "Show one machine, with its hardware-sync state and health",
    usage: "<system_id>",
    load: async () => (await import("./commands/machine/read.ts")).readCommand,
  },
  {
    resource: "machine",
    name: "release",
    summary: "Release a machine (turns hardware sync off and revokes the machine's token)",
    usage: "[options] <system_id> [data...]",
    load: async () => (await import("./commands/machine/release.ts")).releaseCommand,
  },
  {
    resource: "machine",
    name: "get-token",
    summary: "Show the machine's own OAuth token (admin only)",
    usage: "<system_id>",
    load: async () => (await import("./commands/machine/get-token.ts")).getTokenCommand,
  },
  {
    resource: "machine",
    name: "hardware",
    summary: "Show a machine's disks, NICs, PCI and USB devices as last synced",
    usage: "<system_id>",
    load: async () => (await import("./commands/machine/hardware.ts")).hardwareCommand,
  },
  {
    resource: "machine",
    name: "hardware-history",
    summary: "Show what each hardware sync of a machine changed, and when",
    usage: "<system_id>",
    load: async () => (await import("./commands/machine/hardware-history.ts")).hardwareHistoryCommand,
  },
  {
    resource: "machine",
    name: "details",
    summary: "Show the lshw and LLDP output a machine reported (MAAS's BSON, decoded)",
    usage: "<system_id>",
    load: async () => (await import("./commands/machine/details.ts")).detailsCommand,
  },
  {
    resource: "machines",
    name: "read",
    summary: "List machines with hardware-sync state and health",
    usage: "[options] [filters...]",
    load: async () => (await import("./commands/machines/read.ts")).machinesReadCommand,
  },
  {
    resource: "machines",
    name: "list",
    summary: "Same as 'machines read' (fleet view)",
    usage: "[options] [filters...]",
    load: async () => (await import("./commands/machines/read.ts")).machinesListCommand,
  },
  {
    resource: "machines",
    name: "register",
    summary: "Register a machine that is already running, and print what to run on it",
    usage: "[options] <hostname>",
    load: async () => (await import("./commands/machines/register.ts")).registerCommand,
  },
  {
    resource: "maas",
    name: "get-config",
    summary: "Show a region setting, e.g. hardware_sync_interval",
    usage: "<name=NAME...>",
    load: async () => (await import("./commands/maas/get-config.ts")).getConfigCommand,
  },
  {
    resource: "maas",
    name: "set-config",
    summary: "Change a region setting (admin), e.g. hardware_sync_interval",
    usage: "<name=NAME value=VALUE...>",
    load: async () => (await import("./commands/maas/set-config.ts")).setConfigCommand,
  },
];

/** Summaries of the resources that have verbs here, for profiles without a stored description. */
export const RESOURCE_SUMMARIES: Readonly<Record<string, string>> = {
  machine: "Manage an individual machine.",
  machines: "Manage the collection of all the machines in the MAAS.",
  maas: "Manage the MAAS server.",
};

export function findBuiltin(name: string | undefined): Builtin | undefined {
  return BUILTINS.find((verb) => verb.name === name);
}

export function findResourceVerb(
  resource: string | undefined,
  action: string | undefined,
): ResourceVerb | undefined {
  return RESOURCE_VERBS.find((verb) => verb.resource === resource && verb.name === action);
}

export function resourceVerbsOf(resource: string): ResourceVerb[] {
  return RESOURCE_VERBS.filter((verb) => verb.resource === resource);
}

/** Loads the verb's module and builds its command, summary included. */
export async function createCommand(verb: Verb, ctx: CommandContext): Promise<Command> {
  return (await verb.load())(ctx).summary(verb.summary);
}
