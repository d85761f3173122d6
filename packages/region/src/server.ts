import { networkInterfaces } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ErrorCode, HwsError } from "@hwsync/shared";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.ts";
import { type Clock, systemClock } from "./clock.ts";
import { type Db, openDatabase } from "./db/db.ts";
import { type AppDeps, defaultRegionConfig, type RegionConfig } from "./deps.ts";
import { ensureAdmin } from "./services/users.ts";

export interface StartRegionOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port (tests); the command line defaults to 5240. */
  port?: number;
  /** An open database to use (left open by close()); else one is opened from the options below. */
  db?: Db;
  /** PGlite directory; default "memory://" here (the command line defaults to .data/region). */
  dataDir?: string;
  databaseUrl?: string;
  schema?: string;
  config?: Partial<RegionConfig>;
  clock?: Clock;
  log?: boolean;
  /** Extra routes, e.g. the web UI (see AppDeps.extraRoutes). */
  extraRoutes?: AppDeps["extraRoutes"];
  /** Create this admin if it does not exist yet (MAAS_ADMIN_USERNAME/PASSWORD on the command line). */
  admin?: { username: string; password: string; email?: string };
}

export interface RunningRegion {
  /** The MAAS base URL, `http://127.0.0.1:<port>/MAAS` (what `maas login` takes). */
  url: string;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  port: number;
  app: FastifyInstance;
  db: Db;
  config: RegionConfig;
  close(): Promise<void>;
}

// src/server.ts and the bundle dist/maas-region.js sit at the same depth below the repo root.
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const DEFAULT_AGENT_DIR = resolve(REPO_ROOT, "dist/agent");
const DEFAULT_WEB_DIST_DIR = resolve(REPO_ROOT, "packages/web/dist");

/** The address machines can use when we listen on every interface: the first external IPv4. */
function reachableHost(host: string): string {
  if (host !== "0.0.0.0" && host !== "::") return host.includes(":") ? `[${host}]` : host;
  for (const addresses of Object.values(networkInterfaces())) {
    const external = addresses?.find((address) => address.family === "IPv4" && !address.internal);
    if (external) return external.address;
  }
  return "127.0.0.1";
}

function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as { code?: string }).code;
  if (code === "EADDRINUSE") {
    return new HwsError(ErrorCode.CONFIG_INVALID, `port ${port} on ${host} is already in use`, {
      hint: "Stop the other process (another maas-region?) or pick another port with --port.",
      cause: error,
    });
  }
  if (code === "EACCES" || code === "EADDRNOTAVAIL") {
    return new HwsError(ErrorCode.CONFIG_INVALID, `cannot listen on ${host}:${port} (${code})`, {
      hint: "Use a port above 1023 and an address of this machine (--host 0.0.0.0 for all).",
      cause: error,
    });
  }
  return error;
}

/** Opens the database, builds the app and listens. Used by `maas-region start` and by tests. */
export async function startRegion(options: StartRegionOptions = {}): Promise<RunningRegion> {
  const ownsDb = !options.db;
  const db =
    options.db ??
    (await openDatabase({
      dataDir: options.dataDir ?? "memory://",
      databaseUrl: options.databaseUrl,
      schema: options.schema,
    }));
  try {
    if (options.admin) await ensureAdmin(db, options.admin);
    const config = defaultRegionConfig({
      agentDir: DEFAULT_AGENT_DIR,
      webDistDir: DEFAULT_WEB_DIST_DIR,
      ...options.config,
    });
    const app = await buildApp({
      db,
      clock: options.clock ?? systemClock,
      config,
      log: options.log,
      extraRoutes: options.extraRoutes,
    });
    const host = options.host ?? "127.0.0.1";
    try {
      await app.listen({ host, port: options.port ?? 0 });
    } catch (error) {
      await app.close().catch(() => {});
      throw listenError(error, host, options.port ?? 0);
    }
    const address = app.server.address();
    const port = typeof address === "object" && address ? address.port : (options.port ?? 0);
    const origin = `http://${reachableHost(host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host)}:${port}`;
    // Routes read config at request time, so the default public URL can follow the real port.
    config.publicUrl ??= `http://${reachableHost(host)}:${port}/MAAS`;
    return {
      url: `${origin}/MAAS`,
      origin,
      port,
      app,
      db,
      config,
      close: async () => {
        await app.close();
        if (ownsDb) await db.close();
      },
    };
  } catch (error) {
    if (ownsDb) await db.close().catch(() => {});
    throw error;
  }
}
