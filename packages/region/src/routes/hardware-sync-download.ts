import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppDeps } from "../app.ts";
import { RegionError } from "../errors.ts";
import { renderRunScriptsLauncher } from "../services/scripts-tar.ts";
import { machineBaseUrl } from "../services/vendor-data.ts";
import { requestBaseUrl } from "./metadata.ts";

// Anonymous downloads a machine needs before it has anything to authenticate with (MAAS serves
// maas-run-scripts and machine-resources the same way): the agent binary per architecture and
// the maas-run-scripts launcher. The binary carries no secret.

const BINARIES: Record<string, string> = {
  amd64: "maas-hw-sync-linux-x64",
  x86_64: "maas-hw-sync-linux-x64",
  arm64: "maas-hw-sync-linux-arm64",
  aarch64: "maas-hw-sync-linux-arm64",
};

/** `<repo>/dist/agent`: the directory of the workspace root's package.json, else the cwd's. */
export function defaultAgentDir(): string {
  let dir = import.meta.dirname;
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { workspaces?: unknown }).workspaces) {
          return join(dir, "dist", "agent");
        }
      } catch {
        // an unreadable manifest is not the root we look for; keep climbing
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return join(process.cwd(), "dist", "agent");
    dir = parent;
  }
}

interface AgentFile {
  path: string;
  size: number;
  mtimeMs: number;
  etag: string;
  lastModified: string;
  /** Compressed once, on the first gzip request, then served from memory. */
  gzip?: Promise<Buffer>;
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return hash.digest("hex");
}

async function gzipFile(path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  // The sink is part of the pipeline, so it resolves only after the last compressed chunk.
  await pipeline(createReadStream(path), createGzip({ level: 6 }), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) chunks.push(chunk);
  });
  return Buffer.concat(chunks);
}

function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(",").some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    if (coding !== "gzip" && coding !== "x-gzip") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2); either variant's tag matches. */
export function isNotModified(request: FastifyRequest, file: Pick<AgentFile, "etag" | "mtimeMs">): boolean {
  const match = request.headers["if-none-match"];
  if (match !== undefined) {
    const tags = match.split(",").map((tag) =>
      tag
        .trim()
        .replace(/^W\//, "")
        .replace(/-gzip"$/, '"'),
    );
    return tags.includes("*") || tags.includes(file.etag);
  }
  const since = request.headers["if-modified-since"];
  if (since === undefined) return false;
  const date = Date.parse(since);
  // HTTP dates have whole seconds; a file modified within the same second counts as unchanged.
  return !Number.isNaN(date) && Math.floor(file.mtimeMs / 1000) * 1000 <= date;
}

export function registerHardwareSyncDownloadRoutes(app: FastifyInstance, deps: AppDeps): void {
  const dir = deps.config.agentDir ?? defaultAgentDir();
  const files = new Map<string, AgentFile>();

  async function agentFile(arch: string): Promise<AgentFile> {
    const name = BINARIES[arch.toLowerCase()];
    if (!name)
      throw new RegionError(404, `Unknown architecture '${arch}'. The agent is built for amd64 and arm64.`);
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) {
      throw new RegionError(
        404,
        `No agent binary for ${arch}: ${path} does not exist. Build it with \`npm run build:agent\` (add \`-- --all\` for arm64).`,
      );
    }
    const cached = files.get(path);
    if (cached && cached.size === info.size && cached.mtimeMs === info.mtimeMs) return cached;
    const file: AgentFile = {
      path,
      size: info.size,
      mtimeMs: info.mtimeMs,
      etag: `"${(await hashFile(path)).slice(0, 32)}"`,
      lastModified: new Date(info.mtimeMs).toUTCString(),
    };
    files.set(path, file);
    return file;
  }

  app.get<{ Params: { arch: string } }>("/MAAS/hardware-sync/:arch", async (request, reply: FastifyReply) => {
    const file = await agentFile(request.params.arch);
    reply
      .header("Last-Modified", file.lastModified)
      .header("Vary", "Accept-Encoding")
      .header("Cache-Control", "no-cache");
    const gzip = acceptsGzip(request.headers["accept-encoding"]);
    const etag = gzip ? `${file.etag.slice(0, -1)}-gzip"` : file.etag;
    reply.header("ETag", etag);
    if (isNotModified(request, file)) return reply.code(304).send();
    reply
      .type("application/octet-stream")
      .header("Content-Disposition", 'attachment; filename="maas-hw-sync"');
    if (gzip) {
      file.gzip ??= gzipFile(file.path).catch((error: unknown) => {
        file.gzip = undefined;
        throw error;
      });
      const body = await file.gzip;
      return reply.header("Content-Encoding", "gzip").header("Content-Length", body.length).send(body);
    }
    return reply.header("Content-Length", file.size).send(createReadStream(file.path));
  });

  app.get("/MAAS/maas-run-scripts", async (request, reply) => {
    const base = machineBaseUrl(deps, { baseUrl: requestBaseUrl(request) });
    return reply.type("text/x-shellscript; charset=utf-8").send(renderRunScriptsLauncher(base));
  });
}
