import { collectorSections, type HardwarePayload } from "@hwsync/shared";
import type { HardwareClass, SectionGap } from "../../model/hardware.ts";
import type { SectionPciType } from "./normalize-devices.ts";

// Which classes of hardware a payload reports. A section that is null, absent, or whose collector
// failed says nothing about the devices it would list: the stored ones stay. Only a class reported
// as a list (possibly empty) with no collector error may lose devices
// (docs/maas-compatibility.md#payload).

interface SectionRule {
  /** The payload path, as `collector_errors` names it through COLLECTOR_SECTIONS. */
  section: string;
  /** The path of the value that must be there: the section itself, or its list. */
  path: readonly string[];
  classes: readonly HardwareClass[];
  /** PCI types this section decides (a device is "network" only if the NIC section says so). */
  pciType?: SectionPciType;
}

const RULES: readonly SectionRule[] = [
  { section: "resources.cpu", path: ["resources", "cpu"], classes: ["cpu"] },
  { section: "resources.memory", path: ["resources", "memory"], classes: ["memory"] },
  {
    section: "resources.storage",
    path: ["resources", "storage", "disks"],
    classes: ["block_device"],
    pciType: "storage",
  },
  {
    section: "resources.network",
    path: ["resources", "network", "cards"],
    classes: ["interface"],
    pciType: "network",
  },
  { section: "networks", path: ["networks"], classes: ["interface"] },
  { section: "resources.pci", path: ["resources", "pci", "devices"], classes: ["pci_device"] },
  { section: "resources.gpu", path: ["resources", "gpu", "cards"], classes: [], pciType: "gpu" },
  { section: "resources.usb", path: ["resources", "usb", "devices"], classes: ["usb_device"] },
  { section: "resources.system", path: ["resources", "system"], classes: ["system"] },
];

/** The first missing step of `path`: where the report stops, and whether it was null or absent. */
function missingAt(
  payload: HardwarePayload,
  path: readonly string[],
): { at: string; reason: "null" | "absent" } | null {
  let node: unknown = payload;
  for (const [index, key] of path.entries()) {
    const value = node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
    if (value === null || value === undefined) {
      return { at: path.slice(0, index + 1).join("."), reason: value === null ? "null" : "absent" };
    }
    node = value;
  }
  return null;
}

export interface ReportedSections {
  gaps: SectionGap[];
  /** PCI types whose section is missing: a stored device's type among them stands. */
  undecidedPciTypes: Set<SectionPciType>;
}

/**
 * What the payload leaves unreported, one gap per (class, section). A section whose collector
 * failed is named by the failure (with the agent's code), not by its absence.
 */
export function reportedSections(payload: HardwarePayload): ReportedSections {
  const gaps: SectionGap[] = [];
  const undecidedPciTypes = new Set<SectionPciType>();
  for (const rule of RULES) {
    const failures = (payload.collector_errors ?? []).filter((error) =>
      collectorSections(error.collector).some((section) => section === rule.section),
    );
    const missing = failures.length === 0 ? missingAt(payload, rule.path) : null;
    if (failures.length === 0 && !missing) continue;
    if (rule.pciType) undecidedPciTypes.add(rule.pciType);
    for (const hardwareClass of rule.classes) {
      if (missing) gaps.push({ hardwareClass, section: missing.at, reason: missing.reason });
      for (const failure of failures) {
        gaps.push({
          hardwareClass,
          section: rule.section,
          reason: "collector_error",
          collector: failure.collector,
          code: failure.code,
          message: failure.message,
        });
      }
    }
  }
  return { gaps, undecidedPciTypes };
}
