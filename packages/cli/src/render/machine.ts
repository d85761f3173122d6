import type { MachineJson } from "@hwsync/shared/wire/machine";
import { isHwSyncEnabled, type SyncHealth, syncHealth } from "../health.ts";
import { cell, detail, formatInterval, formatRelative } from "./format.ts";
import type { RenderKit, Style } from "./kit.ts";

/** Machine JSON as the CLI reads it: any MAAS version, so every field may be missing. */
export type MachineLike = Partial<MachineJson> & Record<string, unknown>;

function styleStatus(status: string | undefined, style: Style): string {
  const text = status ?? "-";
  if (/^(failed|broken|releasing failed)/i.test(text)) return style.red(text);
  if (text === "Deployed") return style.green(text);
  if (/ing$/.test(text)) return style.yellow(text);
  return text;
}

function styleHealth(health: SyncHealth, style: Style): string {
  if (health === "healthy") return style.green("healthy");
  if (health === "unhealthy") return style.red("unhealthy");
  return style.dim("-");
}

function when(value: string | null | undefined, kit: RenderKit): string {
  if (!value) return "never";
  return `${formatRelative(value, kit.now)} ${kit.style.dim(`(${value})`)}`;
}

/** The detail view of `machine read` / `deploy` / `release`. */
export function renderMachine(machine: MachineLike, kit: RenderKit): string {
  const enabled = isHwSyncEnabled(machine);
  const os = [machine.osystem, machine.distro_series].filter(Boolean).join("/");
  const rows: Array<[string, string]> = [
    ["hostname", cell(machine.hostname)],
    ["system_id", cell(machine.system_id)],
    ["status", styleStatus(machine.status_name, kit.style)],
    ["owner", cell(machine.owner)],
    ["architecture", cell(machine.architecture)],
    ["os", os || "-"],
    ["cpus", cell(machine.cpu_count)],
    ["memory", machine.memory ? `${machine.memory} MiB` : "-"],
    ["power", cell(machine.power_type)],
    ["hw sync", enabled ? kit.style.green("on") : "off"],
  ];
  if (enabled) {
    rows.push(
      ["sync interval", formatInterval(machine.sync_interval)],
      ["last sync", when(machine.last_sync, kit)],
      ["next sync", when(machine.next_sync, kit)],
      ["sync health", styleHealth(syncHealth(machine, kit.now), kit.style)],
    );
  }
  return detail(rows, kit);
}

/** One row per machine for `machines read` / `machines list`. */
export function renderMachines(machines: MachineLike[], kit: RenderKit): string {
  if (machines.length === 0) return kit.style.dim("(no machines)");
  const rows = machines.map((machine) => {
    const enabled = isHwSyncEnabled(machine);
    return [
      cell(machine.hostname),
      cell(machine.system_id),
      styleStatus(machine.status_name, kit.style),
      enabled ? kit.style.green("on") : "off",
      enabled ? formatInterval(machine.sync_interval) : "-",
      enabled ? formatRelative(machine.last_sync, kit.now) : "-",
      styleHealth(syncHealth(machine, kit.now), kit.style),
    ];
  });
  return kit.table(["HOSTNAME", "SYSTEM_ID", "STATUS", "HW SYNC", "INTERVAL", "LAST SYNC", "HEALTH"], rows);
}
