import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { join, win32 } from "node:path";
import { ErrorCode, HwsError } from "@hwsync/shared/errors";
import type { ApiDescription } from "./describe.ts";

/** One stored login. The API description lives in its own file so ordinary commands never parse it. */
export interface Profile {
  name: string;
  /** Normalised API root, e.g. `http://region:5240/MAAS/api/2.0/`. */
  url: string;
  /** `consumer_key:token_key:token_secret`, or null for an anonymous profile. */
  credentials: string | null;
  /** Who the key belongs to, from `users/?op=whoami` at login. */
  username: string | null;
  /** `hash` of the stored description, compared with the region's `X-MAAS-API-Hash`. */
  descriptionHash: string | null;
  updated: string;
}

interface ProfilesFile {
  version: 1;
  profiles: Record<string, Profile>;
}

/** Words `maas` itself owns: a profile by one of these names could never be addressed. */
export const RESERVED_PROFILE_NAMES = new Set(["login", "logout", "list", "refresh", "completion", "help"]);
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Where profiles live: `$MAAS_HWSYNC_CONFIG_DIR`, else `$XDG_CONFIG_HOME/maas-hwsync`, else the
 * platform's per-user config folder. Pure so every platform's answer is testable on one machine.
 */
export function resolveConfigDir(
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.MAAS_HWSYNC_CONFIG_DIR) return env.MAAS_HWSYNC_CONFIG_DIR;
  if (platform === "win32") {
    return win32.join(env.APPDATA || win32.join(home, "AppData", "Roaming"), "maas-hwsync");
  }
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, "maas-hwsync");
  if (platform === "darwin") return join(home, "Library", "Preferences", "maas-hwsync");
  return join(home, ".config", "maas-hwsync");
}

export function validateProfileName(name: string): void {
  if (!PROFILE_NAME.test(name)) {
    throw new HwsError(
      ErrorCode.USAGE,
      `'${name}' is not a valid profile name. Use letters, digits, '.', '_' or '-' (up to 64, starting with a letter or digit).`,
    );
  }
  if (RESERVED_PROFILE_NAMES.has(name)) {
    throw new HwsError(
      ErrorCode.USAGE,
      `'${name}' is a maas command and cannot be a profile name. Pick another.`,
    );
  }
}

export function profileNotFound(name: string): HwsError {
  return new HwsError(
    ErrorCode.PROFILE_NOT_FOUND,
    `profile '${name}' not found: run maas login ${name} URL KEY (maas list shows the profiles you have)`,
  );
}

/** profiles.json plus one description file per profile, all written atomically with mode 0600. */
export class ProfileStore {
  readonly dir: string;
  private cache: ProfilesFile | undefined;

  constructor(dir: string) {
    this.dir = dir;
  }

  get file(): string {
    return join(this.dir, "profiles.json");
  }

  private descriptionFile(name: string): string {
    return join(this.dir, "descriptions", `${name}.json`);
  }

  private async load(): Promise<ProfilesFile> {
    if (this.cache) return this.cache;
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, profiles: {} };
      throw error;
    }
    let parsed: ProfilesFile;
    try {
      parsed = JSON.parse(text) as ProfilesFile;
    } catch (error) {
      throw new HwsError(ErrorCode.CONFIG_INVALID, `${this.file} is not valid JSON`, {
        hint: "Fix or delete the file, then log in again with maas login PROFILE URL KEY.",
        cause: error,
      });
    }
    if (typeof parsed !== "object" || parsed === null || typeof parsed.profiles !== "object") {
      throw new HwsError(ErrorCode.CONFIG_INVALID, `${this.file} has no "profiles" object`, {
        hint: "Fix or delete the file, then log in again with maas login PROFILE URL KEY.",
      });
    }
    this.cache = parsed;
    return parsed;
  }

  async list(): Promise<Profile[]> {
    const data = await this.load();
    return Object.values(data.profiles).sort((a, b) => a.name.localeCompare(b.name));
  }

  async find(name: string): Promise<Profile | undefined> {
    const data = await this.load();
    return Object.hasOwn(data.profiles, name) ? data.profiles[name] : undefined;
  }

  /** The profile, or HWS_PROFILE_NOT_FOUND telling the user how to create it. */
  async get(name: string): Promise<Profile> {
    const profile = await this.find(name);
    if (!profile) throw profileNotFound(name);
    return profile;
  }

  async save(profile: Profile, description?: ApiDescription): Promise<void> {
    if (description) {
      await writeAtomic(this.descriptionFile(profile.name), JSON.stringify(description));
    }
    const data = await this.load();
    data.profiles[profile.name] = profile;
    await writeAtomic(this.file, `${JSON.stringify(data, null, 2)}\n`);
  }

  /** Removes the profile and its description; false when there was no such profile. */
  async remove(name: string): Promise<boolean> {
    const data = await this.load();
    if (!Object.hasOwn(data.profiles, name)) return false;
    delete data.profiles[name];
    await writeAtomic(this.file, `${JSON.stringify(data, null, 2)}\n`);
    await rm(this.descriptionFile(name), { force: true });
    return true;
  }

  /** The stored API description, or null when the profile has none (never fetched, or deleted). */
  async description(name: string): Promise<ApiDescription | null> {
    try {
      return JSON.parse(await readFile(this.descriptionFile(name), "utf8")) as ApiDescription;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw new HwsError(ErrorCode.CONFIG_INVALID, `the stored API description of '${name}' is unreadable`, {
        hint: `Run maas refresh to fetch it again.`,
        cause: error,
      });
    }
  }
}

/**
 * Write to a temporary file in the same folder, flush, then rename over the target: readers see
 * the old file or the new one, never half of either. Mode 0600 because the file holds API keys.
 */
async function writeAtomic(path: string, text: string): Promise<void> {
  const dir = join(path, "..");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  const handle = await open(temporary, "wx", 0o600);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
