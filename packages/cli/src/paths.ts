// Fixed REST paths of the friendly commands, relative to the profile's API root (…/MAAS/api/2.0/).
// They are the same on every MAAS since 2.0, so these commands don't need the stored description.

export const MACHINES_PATH = "machines/";
export const MAAS_PATH = "maas/";
export const USERS_PATH = "users/";
export const DESCRIBE_PATH = "describe/";

/** `machines/abc123/`; the id is URL-encoded so it can't change the path. */
export function machinePath(systemId: string): string {
  return `machines/${encodeURIComponent(systemId)}/`;
}
