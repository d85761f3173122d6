import { isHwsError } from "@hwsync/shared";
import { describe, expect, test } from "vitest";
import { normalizePayload } from "../../src/services/hardware-sync/normalize.ts";
import { tagSubject } from "../../src/services/hardware-sync/tag-subject.ts";
import { evaluateTag, parseTagDefinition } from "../../src/services/tags.ts";
import { fixture, parsed, withVirtualDevices } from "../helpers/fixtures.ts";

const state = normalizePayload(parsed(withVirtualDevices()));
const subject = tagSubject(state.machine, state);

describe("tag definitions", () => {
  test.each([
    ["pci_devices[vendor_id=10de]", true],
    ["pci_devices[vendor_id=1002]", false],
    ["interfaces[sriov_max_vf>0]", true],
    ["interfaces[sriov_max_vf>8]", false],
    ["interfaces[type=vlan, vid=100]", true],
    ["interfaces[type=physical, is_virtual=true, sriov_pf=eth0]", true],
    ["interfaces[type=vf]", false],
    ["interfaces[tags=sriov]", true],
    ["interfaces[type=bond, parents=eth1]", true],
    ["block_devices[tags=rotary]", true],
    ["block_devices[type=nvme]", false],
    ["block_devices[size>=6000000000000]", true],
    ["usb_devices", true],
    ["!usb_devices", false],
    ["usb_devices[driver~storage]", true],
    ["memory>=15000 & cpu_count=8", true],
    ["memory>=65536 | system_vendor~dell", true],
    ['system_product="PowerEdge R640"', true],
    ['system_vendor~"hewlett packard"', false],
    ["(memory>=65536 | cpu_count>4) & !pci_devices[vendor_id=1002]", true],
    ["architecture=amd64/generic", true],
    ["hardware_uuid", true],
    ["cpu_model~i7", true],
    ["pci_devices[is_virtual=true]", true],
    ["interfaces[addresses~192.168.0.]", true],
  ])("%s → %s", (definition, expected) => {
    expect(evaluateTag(parseTagDefinition(definition), subject)).toBe(expected);
  });

  test("the aarch64 fixture has no PCI devices", () => {
    const arm = normalizePayload(parsed(fixture("machine-resources-no-numa.json")));
    expect(evaluateTag(parseTagDefinition("pci_devices"), tagSubject(arm.machine, arm))).toBe(false);
  });

  test.each([
    ["pci_devices[vendor_id=10de", "expected ']' or ','"],
    ["pci_devices[=10de]", "expected a field or collection name"],
    ["memory>=", "expected a value"],
    ["memory>=1 &", "expected a field or collection name"],
    ['system_vendor="dell', "unterminated quoted value"],
    ["(memory>1", "expected ')'"],
    ["memory>1 memory", "unexpected 'm'"],
  ])("%s is refused: %s", (definition, problem) => {
    let error: unknown;
    try {
      parseTagDefinition(definition);
    } catch (caught) {
      error = caught;
    }
    expect(isHwsError(error)).toBe(true);
    expect((error as Error).message).toContain(problem);
  });
});
