import { createHash } from "node:crypto";
import { z } from "zod";

// Our fast path (beyond MAAS): one POST of the whole machine-resources JSON, optionally gzipped,
// with a content hash. When the hash equals the stored one the region only records the
// heartbeat (`last_sync`) without parsing the body; otherwise it applies the diff.

/** Metadata API root, as the credentials file's endpoint implies (`<base>/MAAS/metadata/2012-03-01/`). */
export const METADATA_ROOT = "/MAAS/metadata/2012-03-01/";
/** Our push endpoint under the metadata root. */
export const HARDWARE_SYNC_PATH = `${METADATA_ROOT}hardware-sync`;
/** Request header carrying `sha256:<hex>` of the uncompressed body bytes. */
export const CONTENT_HASH_HEADER = "x-hwsync-content-hash";

/** `sha256:<hex>` of the exact bytes that were (or will be) sent, before compression. */
export function contentHash(bytes: Uint8Array | string): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/**
 * JSON with object keys sorted at every level, so the same hardware always gives the same bytes
 * and therefore the same hash, whatever order the collectors finished in.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item && typeof item === "object" && !Array.isArray(item)) {
      const sorted: Record<string, unknown> = {};
      for (const key of Object.keys(item).sort()) sorted[key] = (item as Record<string, unknown>)[key];
      return sorted;
    }
    return item;
  });
}

/** The region's answer to a push. */
export const pushResultSchema = z.looseObject({
  changed: z.boolean(),
  /** Number of hardware changes applied (0 on the fast path). */
  changes: z.number().int().nonnegative(),
  content_hash: z.string(),
  last_sync: z.string().nullable(),
  next_sync: z.string().nullable(),
  sync_interval: z.number().int().nullable(),
  status_name: z.string(),
});
export type PushResult = z.infer<typeof pushResultSchema>;
