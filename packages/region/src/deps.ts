import type { FastifyInstance } from "fastify";
import type { Clock } from "./clock.ts";
import type { Db } from "./db/db.ts";

// What the region's routes and services are handed. It lives apart from app.ts so that routes
// and services never import the app builder (which imports them).

export interface RegionConfig {
  /** Largest hardware payload accepted, after decompression (default 8 MiB). */
  maxPayloadBytes: number;
  /** Deploy → Deployed at once instead of at the machine's first push (default false). */
  deployImmediately: boolean;
  /** What machines use to reach us (default http://<host>:<port>/MAAS). */
  publicUrl?: string;
  /** Where the built agent binaries are (default <repo>/dist/agent). */
  agentDir?: string;
  /** The built web UI served at /MAAS/r/ (default <repo>/packages/web/dist); unset: no UI routes. */
  webDistDir?: string;
}

export const DEFAULT_MAX_PAYLOAD_BYTES = 8 * 1024 * 1024;

export function defaultRegionConfig(overrides: Partial<RegionConfig> = {}): RegionConfig {
  return { maxPayloadBytes: DEFAULT_MAX_PAYLOAD_BYTES, deployImmediately: false, ...overrides };
}

export interface AppDeps {
  db: Db;
  clock: Clock;
  config: RegionConfig;
  /** Fastify's request log (JSON lines); off by default, errors are still reported. */
  log?: boolean;
  /**
   * More routes registered after ours (tests and embedders add their own this way).
   */
  extraRoutes?: Array<(app: FastifyInstance) => void | Promise<void>>;
}
