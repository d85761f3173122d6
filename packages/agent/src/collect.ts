import { statSync } from "node:fs";
import os from "node:os";
import { ErrorCode, HwsError, isHwsError } from "@hwsync/shared/errors";
import {
  type CollectorError,
  type CollectorName,
  type HardwarePayload,
  hardwarePayloadSchema,
  REQUIRED_API_EXTENSIONS,
} from "@hwsync/shared/wire/hardware";
import { formatJsonPath, ValidationError } from "@hwsync/shared/wire/validate";
import type { CollectContext, CpuDescription, Uname } from "./collectors/context.ts";
import { collectCpu } from "./collectors/cpu.ts";
import { collectDisks } from "./collectors/disks.ts";
import { collectEnvironment } from "./collectors/environment.ts";
import { collectMemory } from "./collectors/memory.ts";
import { collectNetworks } from "./collectors/networks.ts";
import { collectNics } from "./collectors/nics.ts";
import { collectPci } from "./collectors/pci.ts";
import { collectSystem } from "./collectors/system.ts";
import { collectUsb } from "./collectors/usb.ts";
import { openIds } from "./ids.ts";
import { createLogger, type Logger } from "./log.ts";
import { createSysfs } from "./sysfs.ts";
import { loadSystemInformation } from "./systeminformation.ts";

/**
 * The LXD extensions whose data we actually produce. MAAS requires the first five; the others tell
 * a reader which optional fields to expect.
 */
export const API_EXTENSIONS = [
  ...REQUIRED_API_EXTENSIONS,
  "resources_cpu_socket",
  "resources_gpu",
  "resources_numa",
  "resources_disk_sata",
  "resources_disk_id",
  "resources_cpu_threads_numa",
  "resources_pci_iommu",
  "resources_network_usb",
  "resources_disk_address",
];

export interface CollectOptions {
  /** Directory standing for `/` (sysfs, procfs, /dev, /etc); tests pass a fixture tree. */
  root?: string;
  log?: Logger;
  uname?: Uname;
  interfaces?: CollectContext["interfaces"];
  describeCpu?: CollectContext["describeCpu"];
}

export interface Inventory {
  payload: HardwarePayload;
  errors: CollectorError[];
}

type Resources = Record<string, unknown>;
interface Collector {
  /** Shared with the region (COLLECTOR_SECTIONS): it reads a failed collector's sections as not reported. */
  name: CollectorName;
  run: (ctx: CollectContext) => Promise<unknown>;
  place: (value: unknown, resources: Resources, top: Record<string, unknown>) => void;
}

const section = (key: string) => (value: unknown, resources: Resources) => {
  resources[key] = value;
};

const COLLECTORS: Collector[] = [
  { name: "cpu", run: collectCpu, place: section("cpu") },
  { name: "memory", run: collectMemory, place: section("memory") },
  { name: "disks", run: collectDisks, place: section("storage") },
  { name: "nics", run: collectNics, place: section("network") },
  {
    name: "pci",
    run: collectPci,
    place: (value, resources) => {
      const { pci, gpu } = value as { pci: unknown; gpu: unknown };
      resources.pci = pci;
      resources.gpu = gpu;
    },
  },
  { name: "usb", run: collectUsb, place: section("usb") },
  { name: "system", run: collectSystem, place: section("system") },
  { name: "networks", run: collectNetworks, place: (value, _r, top) => (top.networks = value) },
  { name: "environment", run: collectEnvironment, place: (value, _r, top) => (top.environment = value) },
];

/**
 * Runs every collector concurrently and assembles one machine-resources document. A collector
 * that fails is reported in `collector_errors` and the log; the others still report. The result
 * is validated with the shared schema before anyone sends or prints it.
 */
export async function collectInventory(options: CollectOptions = {}): Promise<Inventory> {
  const log = options.log ?? createLogger();
  const sys = createSysfs(options.root ?? "/");
  const ctx: CollectContext = {
    sys,
    ids: openIds(sys),
    log,
    uname: options.uname ?? currentUname(),
    interfaces: options.interfaces ?? os.networkInterfaces,
    describeCpu: options.describeCpu ?? describeCpuWithLibrary,
  };

  const resources: Resources = {};
  const top: Record<string, unknown> = {};
  const errors: CollectorError[] = [];
  const settled = await Promise.allSettled(COLLECTORS.map((collector) => collector.run(ctx)));
  settled.forEach((result, index) => {
    const collector = COLLECTORS[index]!;
    if (result.status === "fulfilled") {
      collector.place(result.value, resources, top);
      return;
    }
    const error = result.reason as Error;
    const code = isHwsError(error) ? error.code : ErrorCode.COLLECT_FAILED;
    const message = error?.message ?? String(error);
    errors.push({ collector: collector.name, code, message });
    log.warn(`collector ${collector.name} failed ${code}: ${message} (the other collectors still report)`);
  });

  if (!top.environment) {
    // Without it MAAS cannot even map the architecture: there is nothing worth sending.
    const reason = errors.find((error) => error.collector === "environment")?.message ?? "no data";
    throw new HwsError(ErrorCode.COLLECT_FAILED, `the environment collector failed: ${reason}`);
  }
  const document = {
    api_version: "1.0",
    api_extensions: API_EXTENSIONS,
    environment: top.environment,
    resources,
    // A failed netdev collector leaves `networks` out: an empty object would say "no netdevs".
    ...(top.networks ? { networks: top.networks } : {}),
    ...(errors.length > 0 ? { collector_errors: errors } : {}),
  };
  return { payload: validatePayload(document), errors };
}

/**
 * shared's schema, parsed without zod's eval-compiled fast path: the agent validates one
 * document per process, and compiling the validator first costs more (≈10 ms) than it saves.
 */
function validatePayload(document: unknown): HardwarePayload {
  const result = hardwarePayloadSchema.safeParse(document, { jitless: true });
  if (result.success) return result.data;
  throw new ValidationError(
    "hardware payload",
    result.error.issues.map((issue) => ({ path: formatJsonPath(issue.path), message: issue.message })),
    ErrorCode.INVENTORY_INVALID,
  );
}

/**
 * `--root` must hold a sysfs to read: a missing or empty directory would otherwise "collect"
 * a machine with no hardware at all, with nothing but warnings.
 */
export function assertCollectableRoot(root = "/"): void {
  const isDirectory = (path: string) => statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
  const hint =
    "Pass --root a directory laid out like / (with sys/ and proc/), or leave it out to read this machine.";
  if (!isDirectory(root)) {
    throw new HwsError(ErrorCode.USAGE, `--root ${root} does not exist or is not a directory`, { hint });
  }
  if (!isDirectory(`${root.replace(/\/+$/, "")}/sys/devices`)) {
    throw new HwsError(ErrorCode.USAGE, `--root ${root} has no sysfs (no sys/devices under it)`, { hint });
  }
}

/** True when the document describes no hardware: every hardware collector failed or found nothing. */
export function findsNoHardware(payload: HardwarePayload): boolean {
  const resources = payload.resources as Record<string, { total?: number } | undefined>;
  if (resources.cpu || resources.memory) return false;
  return ["storage", "network", "pci", "usb", "gpu"].every((key) => !resources[key]?.total);
}

function currentUname(): Uname {
  return { sysname: os.type(), release: os.release(), machine: os.machine(), hostname: os.hostname() };
}

/**
 * ARM's /proc/cpuinfo names no model, only implementer/part numbers; systeminformation knows the
 * tables (via lscpu) to turn them into "ARM Cortex-A72". Loaded only then: it costs ~30 ms to load.
 */
async function describeCpuWithLibrary(): Promise<CpuDescription | null> {
  const si = await loadSystemInformation();
  const cpu = await si.cpu();
  const name = [cpu.manufacturer, cpu.brand].filter(Boolean).join(" ").trim();
  return { vendor: cpu.manufacturer || cpu.vendor || null, name: name || null };
}
