import { promisify } from "node:util";
import { gunzip, gunzipSync } from "node:zlib";
import { type HardwarePayload, hardwarePayloadSchema, ValidationError, validateWith } from "@hwsync/shared";
import { type RegionError, regionError } from "../../errors.ts";
import type { HardwareState } from "../../model/hardware.ts";
import { normalizePayload } from "./normalize.ts";

const gunzipAsync = promisify(gunzip);
/** Compressed bodies up to this size inflate on the event loop (well under a millisecond). */
const SYNC_INFLATE_LIMIT = 64 * 1024;

/**
 * The uncompressed body. `maxOutputLength` makes zlib stop as soon as the output passes the
 * limit, so a gzip bomb costs at most the limit in memory, never its inflated size.
 */
export async function decodeBody(
  body: Buffer,
  encoding: string | undefined,
  maxBytes: number,
): Promise<Buffer> {
  const kind = (encoding ?? "identity").trim().toLowerCase();
  if (kind === "identity" || kind === "") {
    if (body.length > maxBytes)
      throw regionError("HWS_PAYLOAD_TOO_LARGE", { limitBytes: maxBytes, hardware: "raw" });
    return body;
  }
  if (kind !== "gzip" && kind !== "x-gzip") {
    throw regionError("HWS_CONTENT_ENCODING_UNSUPPORTED", { encoding: String(encoding) });
  }
  try {
    // A typical push is 3–5 KB of gzip: inflating it inline costs less than the thread-pool round
    // trip (measured ~0.2 ms of CPU per changed sync); a big body still inflates off the loop.
    if (body.length <= SYNC_INFLATE_LIMIT) return gunzipSync(body, { maxOutputLength: maxBytes });
    return await gunzipAsync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
      throw regionError("HWS_PAYLOAD_TOO_LARGE", { limitBytes: maxBytes, hardware: "inflated" });
    }
    throw regionError("HWS_REQUEST_MALFORMED", {
      message: `Body says Content-Encoding: gzip but does not inflate: ${(error as Error).message}.`,
    });
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function storableText(value: string): string {
  return value.replaceAll("\0", "").replace(LONE_SURROGATE, "\ufffd");
}

function storableJson(_key: string, value: unknown): unknown {
  if (typeof value === "string") return storableText(value);
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.every((key) => storableText(key) === key)) return value;
  return Object.fromEntries(keys.map((key) => [storableText(key), (value as Record<string, unknown>)[key]]));
}

/** JSON text → a validated payload; 400 with the JSON path of every problem otherwise. */
export function parsePayload(bytes: Buffer): HardwarePayload {
  if (bytes.length === 0) throw regionError("HWS_PAYLOAD_NOT_JSON", { parseError: null });
  const text = bytes.toString("utf8");
  let document: unknown;
  try {
    // PostgreSQL text and jsonb cannot hold U+0000 nor a lone surrogate (jsonb refuses the
    // escape \ud800): drop NULs and make strings and keys well-formed rather than fail the write.
    // Decoded UTF-8 has neither, so only a document with \u escapes pays for the reviver.
    document = text.includes("\\u") ? JSON.parse(text, storableJson) : JSON.parse(text);
  } catch (error) {
    throw regionError("HWS_PAYLOAD_NOT_JSON", { parseError: (error as Error).message });
  }
  try {
    return validateWith(hardwarePayloadSchema, document, "hardware payload");
  } catch (error) {
    if (error instanceof ValidationError) throw inventoryErrorOf(error);
    throw error;
  }
}

function inventoryErrorOf(error: ValidationError): RegionError {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const path = issue.path || "(root)";
    fields[path] = [...(fields[path] ?? []), issue.message];
  }
  return regionError("HWS_INVENTORY_INVALID", { fields });
}

const INT32_MAX = 2 ** 31 - 1;

/** Payload → rows, refusing numbers the int columns cannot hold (a 400, never a failed INSERT). */
export function normalizeForStorage(payload: HardwarePayload): HardwareState {
  const state = normalizePayload(payload);
  const fields: Record<string, string[]> = {};
  const check = (path: string, value: number | null | undefined) => {
    if (value !== null && value !== undefined && (!Number.isInteger(value) || Math.abs(value) > INT32_MAX)) {
      fields[path] = [`${value} is out of range: expected an integer of at most ${INT32_MAX}`];
    }
  };
  check("resources.cpu.total", state.machine.cpuCount);
  check("resources.cpu.sockets[].frequency", state.machine.cpuSpeed);
  check("resources.memory.total (MiB)", state.machine.memory);
  for (const disk of state.blockDevices) {
    for (const [key, value] of [
      ["numa_node", disk.numaNode],
      ["block_size", disk.blockSize],
      ["rpm", disk.rpm],
    ] as const) {
      check(`resources.storage.disks(${disk.name}).${key}`, value);
    }
  }
  for (const nic of state.interfaces) {
    nic.linkSpeed = nic.linkSpeed === null ? null : Math.round(nic.linkSpeed);
    for (const [key, value] of [
      ["link_speed", nic.linkSpeed],
      ["interface_speed", nic.interfaceSpeed],
      ["sriov.maximum_vfs", nic.sriovMaxVf],
      ["numa_node", nic.numaNode],
    ] as const) {
      check(`networks.${nic.name}.${key}`, value);
    }
  }
  for (const device of state.pciDevices) {
    check(`resources.pci.devices(${device.pciAddress}).numa_node`, device.numaNode);
    check(`resources.pci.devices(${device.pciAddress}).iommu_group`, device.iommuGroup);
  }
  for (const device of state.usbDevices) {
    check(
      `resources.usb.devices(${device.busAddress}:${device.deviceAddress}).bus_address`,
      device.busAddress,
    );
    check(
      `resources.usb.devices(${device.busAddress}:${device.deviceAddress}).device_address`,
      device.deviceAddress,
    );
  }
  if (Object.keys(fields).length > 0) throw regionError("HWS_INVENTORY_INVALID", { fields });
  return state;
}
