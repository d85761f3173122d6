import { readFile, stat } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";
import { gzipSync } from "node:zlib";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { sendRegionError } from "../error-handler.ts";
import { regionError } from "../errors.ts";

/** Where real MAAS serves its UI; vite.config.ts builds with the same `base`. */
const WEB_UI_PATH = "/MAAS/r/";

export interface WebUiOptions {
  /** The Vite output folder (packages/web/dist). */
  distDir: string;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".map": "application/json",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};
const COMPRESSIBLE = new Set([".html", ".js", ".css", ".svg", ".json", ".map", ".txt"]);
// Vite puts content-hashed names under assets/: a new build gets new names, so they never go stale.
const IMMUTABLE = "public, max-age=31536000, immutable";
// The bundle has no inline script or style; 'self' also covers the same-origin /MAAS/ws socket.
const CSP =
  "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; " +
  "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

interface CachedFile {
  key: string;
  body: Buffer;
  gzip: Buffer | undefined;
  etag: string;
}

/**
 * Serves the built UI at /MAAS/r/ with an SPA fallback: any path below it without a file
 * extension gets index.html, so deep links (/MAAS/r/machine/abc123) load the app. Missing files
 * with an extension stay 404, so a stale page asking for an old asset fails loudly.
 */
export function registerWebUi(app: FastifyInstance, options: WebUiOptions): void {
  const root = resolve(options.distDir);
  // Files are a few hundred KiB in all; keyed by mtime+size so a rebuild is picked up live.
  const cache = new Map<string, CachedFile>();

  const load = async (path: string): Promise<CachedFile | undefined> => {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const key = `${info.size}-${Math.trunc(info.mtimeMs)}`;
    const hit = cache.get(path);
    if (hit?.key === key) return hit;
    const body = await readFile(path);
    const gzip = COMPRESSIBLE.has(extname(path)) && body.length > 1024 ? gzipSync(body) : undefined;
    const file = {
      key,
      body,
      gzip,
      etag: `W/"${info.size.toString(16)}-${Math.trunc(info.mtimeMs).toString(16)}"`,
    };
    cache.set(path, file);
    return file;
  };

  const send = (request: FastifyRequest, reply: FastifyReply, path: string, file: CachedFile) => {
    const ext = extname(path);
    reply
      .header("content-type", TYPES[ext] ?? "application/octet-stream")
      .header("x-content-type-options", "nosniff")
      .header("etag", file.etag)
      .header("vary", "accept-encoding")
      .header("cache-control", path.startsWith(resolve(root, "assets") + sep) ? IMMUTABLE : "no-cache");
    if (ext === ".html") reply.header("content-security-policy", CSP);
    if (request.headers["if-none-match"] === file.etag) return reply.code(304).send();
    if (file.gzip && /\bgzip\b/.test(String(request.headers["accept-encoding"] ?? ""))) {
      return reply.header("content-encoding", "gzip").send(file.gzip);
    }
    return reply.send(file.body);
  };

  const handle = async (request: FastifyRequest, reply: FastifyReply, relative: string) => {
    const target = resolve(root, relative);
    const inside = target === root || target.startsWith(root + sep);
    if (inside && !relative.includes("\0") && target !== root) {
      const file = await load(target);
      if (file) return send(request, reply, target, file);
    }
    const lastSegment = relative.split("/").pop() ?? "";
    if (!inside || lastSegment.includes(".")) {
      return sendRegionError(
        reply,
        regionError("HWS_ROUTE_NOT_FOUND", { method: request.method, path: `${WEB_UI_PATH}${relative}` }),
      );
    }
    const indexPath = resolve(root, "index.html");
    const index = await load(indexPath);
    if (!index) return sendRegionError(reply, regionError("HWS_WEB_UI_NOT_BUILT"));
    return send(request, reply, indexPath, index);
  };

  // With fastify's ignoreTrailingSlash (the region sets it) this route also receives /MAAS/r/,
  // which must get the app, not a redirect to itself.
  app.get(WEB_UI_PATH.slice(0, -1), (request, reply) => {
    const [path = "", query] = request.url.split(/\?(.*)/s, 2);
    if (path.endsWith("/")) return handle(request, reply, "");
    return reply.redirect(WEB_UI_PATH + (query ? `?${query}` : ""), 301);
  });

  app.get(`${WEB_UI_PATH}*`, (request, reply) =>
    handle(request, reply, (request.params as { "*": string })["*"]),
  );
}
