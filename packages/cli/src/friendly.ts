import type { Command } from "commander";
import type { CommandContext } from "./context.ts";

/**
 * Hand-written commands that replace (or add to) the generic ones from the description. Summaries
 * live here so help can list them without loading their modules.
 */
export interface FriendlyCommand {
  resource: string;
  action: string;
  summary: string;
  load(): Promise<(ctx: CommandContext) => Command>;
}

export const FRIENDLY_COMMANDS: readonly FriendlyCommand[] = [
  {
    resource: "machine",
    action: "deploy",
    summary: "Deploy a machine, optionally keeping its hardware in sync",
    load: async () => (await import("./commands/machine/deploy.ts")).deployCommand,
  },
  {
    resource: "machine",
    action: "read",
    summary: "Show one machine, with its hardware-sync state and health",
    load: async () => (await import("./commands/machine/read.ts")).readCommand,
  },
  {
    resource: "machine",
    action: "release",
    summary: "Release a machine (turns hardware sync off and revokes the machine's token)",
    load: async () => (await import("./commands/machine/release.ts")).releaseCommand,
  },
  {
    resource: "machine",
    action: "get-token",
    summary: "Show the machine's own OAuth token (admin only)",
    load: async () => (await import("./commands/machine/get-token.ts")).getTokenCommand,
  },
  {
    resource: "machine",
    action: "hardware",
    summary: "Show a machine's disks, NICs, PCI and USB devices as last synced",
    load: async () => (await import("./commands/machine/hardware.ts")).hardwareCommand,
  },
  {
    resource: "machine",
    action: "hardware-history",
    summary: "Show what each hardware sync of a machine changed, and when",
    load: async () => (await import("./commands/machine/hardware-history.ts")).hardwareHistoryCommand,
  },
  {
    resource: "machines",
    action: "read",
    summary: "List machines with hardware-sync state and health",
    load: async () => (await import("./commands/machines/read.ts")).machinesReadCommand,
  },
  {
    resource: "machines",
    action: "list",
    summary: "Same as 'machines read' (fleet view)",
    load: async () => {
      const { machinesReadCommand } = await import("./commands/machines/read.ts");
      return (ctx) => machinesReadCommand(ctx, "list");
    },
  },
  {
    resource: "maas",
    action: "get-config",
    summary: "Show a region setting, e.g. hardware_sync_interval",
    load: async () => (await import("./commands/maas/get-config.ts")).getConfigCommand,
  },
  {
    resource: "maas",
    action: "set-config",
    summary: "Change a region setting (admin), e.g. hardware_sync_interval",
    load: async () => (await import("./commands/maas/set-config.ts")).setConfigCommand,
  },
];

export function findFriendly(
  resource: string | undefined,
  action: string | undefined,
): FriendlyCommand | undefined {
  return FRIENDLY_COMMANDS.find((command) => command.resource === resource && command.action === action);
}

/** Resource summaries for resources we have friendly commands for, when no description is stored. */
export const FRIENDLY_RESOURCES: Record<string, string> = {
  machine: "Manage an individual machine.",
  machines: "Manage the collection of all the machines in the MAAS.",
  maas: "Manage the MAAS server.",
};
