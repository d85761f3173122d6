import { ErrorCode, HwsError } from "@hwsync/shared/errors";
import { formatTimeSpan } from "@hwsync/shared/time-span";
import { Command } from "commander";
import type { CommandContext } from "../../context.ts";
import { MACHINES_PATH, machinePath } from "../../paths.ts";
import type { RenderKit } from "../../render/kit.ts";

// `maas PROFILE machines register HOSTNAME`: brings a machine that is already running under the
// region, as MAAS's `maas-run-scripts register-machine` does (POST machines/ deployed=true, then
// op=get_token), and prints what to run on the machine so its hardware stays in sync.

export interface RegisterOptions {
  /** `--no-hw-sync`: register without hardware sync. */
  hwSync: boolean;
  architecture?: string;
  zone?: string;
  pool?: string;
  description?: string;
  /** The URL the machine reaches the region at (default: the profile's). */
  endpoint?: string;
}

export interface Registration {
  system_id: string;
  hostname: string;
  architecture: string;
  enable_hw_sync: boolean;
  sync_interval: number | null;
  /** The machine's credentials file, in MAAS's layout (`maas-hw-sync install --config`). */
  credentials: { reporting: { maas: Record<string, string> } };
  /** Where the machine downloads the agent. */
  agent_url: string;
}

/** `http://h:5240/MAAS/api/2.0/` → `http://h:5240/MAAS`: where MAAS's clients add their paths. */
export function maasRoot(url: string): string {
  return url.replace(/\/+$/, "").replace(/\/api\/[^/]+$/, "");
}

interface CreatedMachine {
  system_id: string;
  hostname: string;
  architecture: string;
  enable_hw_sync?: boolean;
  sync_interval?: number | null;
}

type Token = { consumer_key: string; token_key: string; token_secret: string } | null;

export async function register(
  ctx: CommandContext,
  hostname: string,
  options: RegisterOptions,
): Promise<Registration> {
  const form: Array<[string, string]> = [
    ["hostname", hostname],
    ["deployed", "true"],
  ];
  if (!options.hwSync) form.push(["enable_hw_sync", "false"]);
  if (options.architecture) form.push(["architecture", options.architecture]);
  if (options.zone) form.push(["zone", options.zone]);
  if (options.pool) form.push(["pool", options.pool]);
  if (options.description) form.push(["description", options.description]);
  const api = await ctx.api();
  const machine = (await api.post<CreatedMachine>(MACHINES_PATH, undefined, form)).body;
  const token = (await api.get<Token>(machinePath(machine.system_id), "get_token")).body;
  if (!token) {
    throw new HwsError(ErrorCode.API_STATUS, `the region created ${machine.system_id} but gave it no token`, {
      hint: "The region does not register running machines (deployed=true); use a MAAS 3.2+ or hwsync region.",
    });
  }
  const profile = await ctx.profiles.get(ctx.profileName!);
  const root = maasRoot(options.endpoint ?? profile.url);
  return {
    system_id: machine.system_id,
    hostname: machine.hostname,
    architecture: machine.architecture,
    enable_hw_sync: machine.enable_hw_sync ?? false,
    sync_interval: machine.sync_interval ?? null,
    credentials: {
      reporting: {
        maas: {
          consumer_key: token.consumer_key,
          endpoint: `${root}/metadata/status/${machine.system_id}`,
          token_key: token.token_key,
          token_secret: token.token_secret,
        },
      },
    },
    agent_url: `${root}/hardware-sync/${machine.architecture.split("/")[0]}`,
  };
}

const CREDS = "/etc/maas/maas-machine-creds.yml";

/** The registration and the commands to run on the machine, ready to paste. */
export function renderRegistration(registration: Registration, kit: RenderKit): string {
  const maas = registration.credentials.reporting.maas;
  const interval = registration.sync_interval ? formatTimeSpan(registration.sync_interval) : null;
  const head = `Registered ${kit.style.bold(registration.hostname)} (${registration.system_id}) as Deployed${
    interval ? `, hardware sync every ${interval}` : ", hardware sync off"
  }.`;
  if (!registration.enable_hw_sync) return `${head}\n`;
  const lines = [
    head,
    `On ${registration.hostname}, as root:`,
    "",
    `  curl -fsSL ${registration.agent_url} -o /usr/local/bin/maas-hw-sync && chmod 755 /usr/local/bin/maas-hw-sync`,
    `  mkdir -p /etc/maas && umask 077 && cat > ${CREDS} <<'EOF'`,
    "  reporting:",
    "    maas:",
    ...Object.entries(maas).map(([key, value]) => `      ${key}: ${value}`),
    "  EOF",
    `  maas-hw-sync install --config ${CREDS}${interval ? ` --interval ${interval}` : ""}`,
    "",
    kit.style.dim("The first push fills in its hardware; `machine read` then shows it."),
  ];
  return `${lines.join("\n")}\n`;
}

export function registerCommand(ctx: CommandContext): Command {
  return new Command("register")
    .argument("<hostname>", "the running machine's hostname")
    .option("--no-hw-sync", "register without hardware sync")
    .option("--architecture <arch>", "e.g. amd64/generic (the default) or arm64/generic")
    .option("--zone <name>", "the zone to put it in")
    .option("--pool <name>", "the resource pool to put it in")
    .option("--description <text>", "a description of the machine")
    .option("--endpoint <url>", "the region URL as the machine reaches it, e.g. http://rack:5248/MAAS")
    .addHelpText(
      "after",
      [
        "",
        "Registers a machine that is already running (MAAS's deployed=true, what",
        "maas-run-scripts register-machine does) and prints what to run on it.",
        "",
        "Examples:",
        "  $ maas admin machines register web-07",
        "  $ maas admin machines register db-01 --zone lab --endpoint http://10.0.0.2:5248/MAAS",
        "  $ maas admin machines register web-07 --format json > web-07.json",
      ].join("\n"),
    )
    .action(async (hostname: string, options: RegisterOptions) => {
      await ctx.output.data(await register(ctx, hostname, options), renderRegistration);
    });
}
