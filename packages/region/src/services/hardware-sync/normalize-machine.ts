import type { HardwarePayload } from "@hwsync/shared";
import type { MachineHardware } from "../../model/hardware.ts";

// uname machine → MAAS architecture (docs/maas-compatibility.md#applying-a-payload).
const ARCHITECTURES: Record<string, string> = {
  x86_64: "amd64/generic",
  aarch64: "arm64/generic",
  i686: "i386/generic",
  ppc64le: "ppc64el/generic",
  s390x: "s390x/generic",
  mips: "mips/generic",
  mips64: "mips64el/generic",
};

// MAAS shows Ubuntu by codename (distro_series "jammy"), other distros by version.
const UBUNTU_CODENAMES: Record<string, string> = {
  "14.04": "trusty",
  "16.04": "xenial",
  "18.04": "bionic",
  "20.04": "focal",
  "22.04": "jammy",
  "24.04": "noble",
  "24.10": "oracular",
  "25.04": "plucky",
  "25.10": "questing",
  "26.04": "resolute",
};

// Firmware placeholders vendors leave in DMI; MAAS drops the key rather than store them.
const PLACEHOLDERS = new Set([
  "0123456789",
  "none",
  "to be filled by o.e.m.",
  "default string",
  "not specified",
]);
// MAAS takes a DMI UUID with or without its dashes, in either case; we store the one canonical
// form, so the same board always compares equal (docs/maas-compatibility.md#applying-a-payload).
const UUID = /^[\da-f]{8}-?(?:[\da-f]{4}-?){3}[\da-f]{12}$/i;
const MIB = 1024 * 1024;

export function mapArchitecture(kernelArchitecture: string): string {
  return ARCHITECTURES[kernelArchitecture] ?? `${kernelArchitecture}/generic`;
}

/** Keeps a stored sub-architecture (`arm64/xgene`) when the payload only knows the generic one. */
export function mergeArchitecture(stored: string, reported: string): string {
  const [storedBase] = stored.split("/");
  const [reportedBase, reportedSub] = reported.split("/");
  return storedBase === reportedBase && reportedSub === "generic" ? stored : reported;
}

export function normalizeMachine(payload: HardwarePayload): MachineHardware {
  const { cpu, memory, system } = payload.resources;
  const sockets = cpu?.sockets ?? [];
  const names = sockets.map((socket) => (socket.name ?? "").split(" @")[0]!.trim());
  const cpuModel = names.length > 0 && names[0] && names.every((n) => n === names[0]) ? names[0] : null;
  const os = normalizeOs(payload.environment.os_name, payload.environment.os_version);
  return {
    architecture: mapArchitecture(payload.environment.kernel_architecture),
    osystem: os?.osystem ?? null,
    distroSeries: os?.distroSeries ?? null,
    cpuCount: cpu?.total ?? 0,
    cpuModel,
    cpuSpeed: cpuSpeed(sockets),
    memory: Math.floor((memory?.total ?? 0) / MIB),
    hardwareUuid: normalizeUuid(system?.uuid),
    systemInfo: systemInfo(system),
  };
}

/** `4C4C4544004235108051B4C04F4E4C31` → `4c4c4544-0042-3510-8051-b4c04f4e4c31`; null unless UUID-shaped. */
export function normalizeUuid(raw: string | null | undefined): string | null {
  const value = raw?.trim();
  if (!value || !UUID.test(value)) return null;
  const hex = value.replaceAll("-", "").toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function normalizeOs(
  name: string | null | undefined,
  version: string | null | undefined,
): { osystem: string; distroSeries: string } | null {
  if (!name || !version) return null;
  const osystem = name.toLowerCase();
  const series = version.toLowerCase();
  // Own keys only: os_version "constructor" once stored "function Object() { [native code] }".
  const codename = Object.hasOwn(UBUNTU_CODENAMES, series) ? UBUNTU_CODENAMES[series] : undefined;
  return { osystem, distroSeries: osystem === "ubuntu" ? (codename ?? series) : series };
}

type Socket = NonNullable<NonNullable<HardwarePayload["resources"]["cpu"]>["sockets"]>[number];

/** MHz: the `@ 2.40GHz` of the model name, else the highest turbo, else the mean base clock. */
function cpuSpeed(sockets: Socket[]): number {
  for (const socket of sockets) {
    const match = /@\s*([\d.]+)\s*GHz/i.exec(socket.name ?? "");
    if (match) return Math.round(Number(match[1]) * 1000);
  }
  const turbo = Math.max(0, ...sockets.map((socket) => socket.frequency_turbo ?? 0));
  if (turbo > 0) return Math.round(turbo);
  const base = sockets.map((socket) => socket.frequency ?? 0).filter((f) => f > 0);
  if (base.length === 0) return 0;
  return Math.round(base.reduce((a, b) => a + b, 0) / base.length / 100) * 100;
}

type System = HardwarePayload["resources"]["system"];

function systemInfo(system: System): Record<string, string> {
  if (!system) return {};
  const pairs: Array<[string, string | null | undefined]> = [
    ["system_vendor", system.vendor],
    ["system_product", system.product],
    ["system_family", system.family],
    ["system_version", system.version],
    ["system_sku", system.sku],
    ["system_serial", system.serial],
    ["system_type", system.type],
    ["mainboard_vendor", system.motherboard?.vendor],
    ["mainboard_product", system.motherboard?.product],
    ["mainboard_serial", system.motherboard?.serial],
    ["mainboard_version", system.motherboard?.version],
    ["mainboard_firmware_vendor", system.firmware?.vendor],
    ["mainboard_firmware_date", system.firmware?.date],
    ["mainboard_firmware_version", system.firmware?.version],
    ["chassis_vendor", system.chassis?.vendor],
    ["chassis_type", system.chassis?.type],
    ["chassis_serial", system.chassis?.serial],
    ["chassis_version", system.chassis?.version],
  ];
  const info: Record<string, string> = {};
  for (const [key, raw] of pairs) {
    const value = raw?.trim();
    if (value && !PLACEHOLDERS.has(value.toLowerCase())) info[key] = value;
  }
  return info;
}
