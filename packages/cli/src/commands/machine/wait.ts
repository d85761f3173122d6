import { ErrorCode, HwsError } from "@hwsync/shared/errors";
import { formatTimeSpan } from "@hwsync/shared/time-span";
import type { CommandContext } from "../../context.ts";
import { machinePath } from "../../paths.ts";
import type { MachineLike } from "../../render/machine.ts";

const DEFAULT_POLL_MS = 3000;
// MAAS NODE_STATUS numbers (shared's NodeStatus), repeated here because importing them would pull
// shared's zod schemas into the CLI's start-up path.
const DEPLOYED = 6;
const DEPLOYING = 9;
const ALLOCATED = 10;

/** `MAAS_HWSYNC_POLL_MS`: how often `--wait` reads the machine (default 3 s). */
function pollInterval(env: Record<string, string | undefined>): number {
  const raw = env.MAAS_HWSYNC_POLL_MS;
  if (raw === undefined || raw === "") return DEFAULT_POLL_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 10) {
    throw new HwsError(
      ErrorCode.USAGE,
      `MAAS_HWSYNC_POLL_MS '${raw}' is not a whole number of milliseconds (10 or more).`,
    );
  }
  return ms;
}

/** Where a deploy stands: still going, done, or failed for good. */
type DeployState = "deploying" | "deployed" | "failed";

function deployState(machine: MachineLike): DeployState {
  if (machine.status === DEPLOYED) return "deployed";
  // Allocated shows briefly on some regions between the deploy call and power-on.
  if (machine.status === DEPLOYING || machine.status === ALLOCATED) return "deploying";
  return "failed";
}

function label(machine: MachineLike, systemId: string): string {
  return machine.hostname ? `${machine.hostname} (${systemId})` : systemId;
}

/**
 * Polls the machine until Deployed. Failed deployment (or any state a deploy can't pass through)
 * is an error; so is running out of time. A spinner shows on a terminal's stderr only.
 */
export async function waitForDeployed(
  ctx: CommandContext,
  systemId: string,
  first: MachineLike,
  timeoutMs: number,
): Promise<MachineLike> {
  const pollMs = pollInterval(ctx.env);
  const started = ctx.now().getTime();
  const spinner = ctx.output.stderr.isTTY
    ? await startSpinner(ctx, `Deploying ${label(first, systemId)}`)
    : undefined;
  const api = await ctx.api();
  let machine = first;
  try {
    for (;;) {
      const state = deployState(machine);
      if (state === "deployed") {
        spinner?.succeed(`${label(machine, systemId)} is Deployed`);
        return machine;
      }
      if (state === "failed") {
        throw new HwsError(
          ErrorCode.API_STATUS,
          `deployment of ${label(machine, systemId)} did not finish: its status is '${machine.status_name ?? machine.status}'`,
          { hint: `see what happened with: maas ${ctx.profileName} events query id=${systemId}` },
        );
      }
      const elapsed = ctx.now().getTime() - started;
      if (elapsed >= timeoutMs) {
        throw new HwsError(
          ErrorCode.TIMEOUT,
          `${label(machine, systemId)} is still '${machine.status_name ?? "Deploying"}' after ${formatTimeSpan(Math.round(timeoutMs / 1000))}`,
          {
            hint: `wait longer with --timeout, or check it with: maas ${ctx.profileName} machine read ${systemId}`,
          },
        );
      }
      if (spinner)
        spinner.text = `Deploying ${label(machine, systemId)}: ${machine.status_name ?? "Deploying"}, ${formatTimeSpan(Math.floor(elapsed / 1000))}`;
      await ctx.sleep(Math.min(pollMs, Math.max(10, timeoutMs - elapsed)));
      machine = (await api.get<MachineLike>(machinePath(systemId))).body;
    }
  } catch (error) {
    spinner?.fail();
    throw error;
  }
}

async function startSpinner(ctx: CommandContext, text: string) {
  const { default: ora } = await import("ora");
  return ora({
    text,
    stream: ctx.output.stderr as NodeJS.WritableStream,
    isEnabled: true,
    discardStdin: false,
    color: ctx.output.stderrColor > 0 ? "cyan" : false,
  }).start();
}
