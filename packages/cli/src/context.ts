import type { ApiClientOptions } from "@hwsync/shared/client";
import type { RegionApi } from "./api.ts";
import type { Output } from "./output.ts";
import type { Profile, ProfileStore } from "./profiles.ts";

export type Env = Record<string, string | undefined>;

export type InStream = NodeJS.ReadableStream & { isTTY?: boolean };

/** Everything a command may touch. Commands never read `process.*`; tests build one of these. */
export interface CommandContext {
  readonly env: Env;
  readonly stdin: InStream;
  readonly output: Output;
  readonly profiles: ProfileStore;
  readonly signal: AbortSignal;
  readonly debug: boolean;
  /** The profile named on the command line (`maas PROFILE …`), if any. */
  readonly profileName: string | undefined;
  now(): Date;
  /** Waits, or rejects when the command is interrupted. */
  sleep(ms: number): Promise<void>;
  /** A client for the current profile (or the named one), created on first use. */
  api(profile?: string): Promise<RegionApi>;
  /** A client for a profile that is not stored yet (login). */
  connect(profile: Profile): Promise<RegionApi>;
}

export interface ContextOptions {
  env: Env;
  stdin: InStream;
  output: Output;
  profiles: ProfileStore;
  signal: AbortSignal;
  debug: boolean;
  profileName: string | undefined;
  now?: () => Date;
  /** Tests pass an undici MockAgent or a pool bound to loopback. */
  dispatcher?: ApiClientOptions["dispatcher"];
}

export function createContext(options: ContextOptions): CommandContext {
  const clients = new Map<string, Promise<RegionApi>>();
  const connect = async (profile: Profile): Promise<RegionApi> => {
    // Loaded on first use so `--help` and local commands never pay for undici.
    const { RegionApi } = await import("./api.ts");
    return new RegionApi(profile, {
      env: options.env,
      signal: options.signal,
      output: options.output,
      dispatcher: options.dispatcher,
      debug: options.debug,
    });
  };
  return {
    env: options.env,
    stdin: options.stdin,
    output: options.output,
    profiles: options.profiles,
    signal: options.signal,
    debug: options.debug,
    profileName: options.profileName,
    now: options.now ?? (() => new Date()),
    sleep: (ms) =>
      new Promise<void>((resolve, reject) => {
        if (options.signal.aborted) return reject(options.signal.reason);
        const timer = setTimeout(() => {
          options.signal.removeEventListener("abort", onAbort);
          resolve();
        }, ms);
        const onAbort = () => {
          clearTimeout(timer);
          reject(options.signal.reason);
        };
        options.signal.addEventListener("abort", onAbort, { once: true });
      }),
    connect,
    api(name = options.profileName) {
      if (!name) return Promise.reject(new Error("api() called without a profile"));
      let client = clients.get(name);
      if (!client) {
        client = options.profiles.get(name).then(connect);
        clients.set(name, client);
      }
      return client;
    },
  };
}
