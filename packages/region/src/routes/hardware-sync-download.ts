import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppDeps } from "../deps.ts";
import { regionError } from "../errors.ts";
import {
  type AgentEncoding,
  acceptedEncodings,
  compressGzip,
  compressZstdFile,
  hasZstdSidecar,
  INLINE_COMPRESSION_LIMIT,
  readZstdSidecar,
  writeZstdSidecar,
} from "../services/agent-compression.ts";
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
function defaultAgentDir(): string {
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
  sha256: string;
  etag: string;
  lastModified: string;
  /** Compressed once, on the first gzip request, then served from memory. */
  gzip?: Promise<Buffer>;
  /** zstd: from the sidecar the build wrote, else compressed once (in the background when big). */
  zstd?: Promise<Buffer>;
  zstdReady?: Buffer;
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return hash.digest("hex");
}

/** Starts (once) the zstd copy of the file: from its sidecar, else compressed and stored. */
function startZstd(file: AgentFile, signal: AbortSignal): Promise<Buffer> {
  file.zstd ??= (async () => {
    const stored = readZstdSidecar(file.path, file.sha256);
    if (stored) return stored;
    const compressed = await compressZstdFile(file.path, { signal });
    writeZstdSidecar(file.path, file.sha256, compressed);
    return compressed;
  })().then(
    (buffer) => {
      file.zstdReady = buffer;
      return buffer;
    },
    (error: unknown) => {
      file.zstd = undefined;
      throw error;
    },
  );
  return file.zstd;
}

/**
 * The body for a coding the client accepts. A big binary without a stored zstd copy is not
 * worth a minute's wait: that request gets gzip (or the plain file) while zstd is prepared.
 */
async function encodedBody(
  file: AgentFile,
  accepted: AgentEncoding[],
  closing: AbortSignal,
): Promise<{ encoding: AgentEncoding; body: Buffer | null }> {
  if (accepted[0] === "zstd") {
    if (file.zstdReady) return { encoding: "zstd", body: file.zstdReady };
    const pending = startZstd(file, closing);
    if (file.size <= INLINE_COMPRESSION_LIMIT || hasZstdSidecar(file.path, file.sha256)) {
      return { encoding: "zstd", body: await pending };
    }
    pending.catch(() => {}); // a failure is retried by the next request
  }
  if (accepted.includes("gzip")) {
    file.gzip ??= readFile(file.path)
      .then(compressGzip)
      .catch((error: unknown) => {
        file.gzip = undefined;
        throw error;
      });
    return { encoding: "gzip", body: await file.gzip };
  }
  return { encoding: "identity", body: null };
}

/** If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2); either variant's tag matches. */
function isNotModified(request: FastifyRequest, file: Pick<AgentFile, "etag" | "mtimeMs">): boolean {
  const match = request.headers["if-none-match"];
  if (match !== undefined) {
    const tags = match.split(",").map((tag) =>
      tag
        .trim()
        .replace(/^W\//, "")
        .replace(/-(gzip|zstd)"$/, '"'),
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
  const closing = new AbortController();
  app.addHook("onClose", async () => closing.abort());

  async function agentFile(arch: string): Promise<AgentFile> {
    const name = BINARIES[arch.toLowerCase()];
    if (!name) throw regionError("HWS_AGENT_ARCH_UNKNOWN", { arch });
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) {
      throw regionError("HWS_AGENT_NOT_BUILT", { arch, path });
    }
    const cached = files.get(path);
    if (cached && cached.size === info.size && cached.mtimeMs === info.mtimeMs) return cached;
    const sha256 = await hashFile(path);
    const file: AgentFile = {
      path,
      size: info.size,
      mtimeMs: info.mtimeMs,
      sha256,
      etag: `"${sha256.slice(0, 32)}"`,
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
    const accepted = acceptedEncodings(request.headers["accept-encoding"]);
    // A conditional request is answered before any compression: an unchanged agent costs a 304.
    if (isNotModified(request, file))
      return reply.header("ETag", etagFor(file, accepted[0]!)).code(304).send();
    const { encoding, body } = await encodedBody(file, accepted, closing.signal);
    reply
      .header("ETag", etagFor(file, encoding))
      .type("application/octet-stream")
      .header("Content-Disposition", 'attachment; filename="maas-hw-sync"');
    if (body)
      return reply.header("Content-Encoding", encoding).header("Content-Length", body.length).send(body);
    return reply.header("Content-Length", file.size).send(createReadStream(file.path));
  });

  app.get("/MAAS/maas-run-scripts", async (request, reply) => {
    const base = machineBaseUrl(deps, { baseUrl: requestBaseUrl(request) });
    return reply.type("text/x-shellscript; charset=utf-8").send(renderRunScriptsLauncher(base));
  });
}

/** A strong validator per representation: `"<hash>"`, `"<hash>-gzip"`, `"<hash>-zstd"`. */
function etagFor(file: Pick<AgentFile, "etag">, encoding: AgentEncoding): string {
  return encoding === "identity" ? file.etag : `${file.etag.slice(0, -1)}-${encoding}"`;
}
