import { randomBytes } from "node:crypto";
import {
  createReadStream,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { constants, createZstdCompress, gzip } from "node:zlib";

// The agent binary is ~105 MiB; gzip only takes it to ~39 MiB, zstd at level 19 with a 128 MiB
// window to ~28.5 MiB (xz -6 ~26 MiB, but no HTTP client decodes xz). `curl --compressed`, which
// the vendor-data's fetch script runs, asks for zstd wherever curl was built with it (Debian 12,
// Ubuntu 22.04+), so machines download that. Level 19 costs ~60 s of one core for 105 MiB: it is
// done once per binary and kept on disk beside it, named after the binary's content hash.

const gzipAsync = promisify(gzip);

export type AgentEncoding = "zstd" | "gzip" | "identity";

/** zstd's decoders accept windows up to 2^27 by default (libzstd, curl, Node); larger would fail. */
const ZSTD_WINDOW_LOG = 27;
/** What a region compresses with when it must (~60 s of one core for 105 MiB). */
const ZSTD_LEVEL = 19;
/**
 * What the build compresses with: 0.13 MB smaller than 19 for the same decoding cost, but ~1 GB of
 * memory and ~2 minutes, which a build can spend and a serving region should not.
 */
const ZSTD_BUILD_LEVEL = 22;
/** Smaller files are compressed while the first request waits (well under a second). */
export const INLINE_COMPRESSION_LIMIT = 16 * 1024 * 1024;

/**
 * The codings the client accepts (q > 0, RFC 9110 §12.5.3; `*` stands for any coding not
 * listed), best first: zstd, gzip, then the plain file, which is always acceptable here.
 */
export function acceptedEncodings(header: string | undefined): AgentEncoding[] {
  const q = new Map<string, number>();
  for (const part of (header ?? "").split(",")) {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    if (!coding) continue;
    const weight = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    q.set(coding === "x-gzip" ? "gzip" : coding, weight === undefined ? 1 : Number(weight.slice(2)) || 0);
  }
  const accepts = (coding: string) => (q.get(coding) ?? q.get("*") ?? 0) > 0;
  return [...(["zstd", "gzip"] as const).filter(accepts), "identity"];
}

/** gzip is only the fallback for clients without zstd: level 9 would save 0.1 MiB for 2× the time. */
export function compressGzip(data: Buffer): Promise<Buffer> {
  return gzipAsync(data, { level: 6 });
}

/**
 * A file's zstd copy: long window, the size pledged so zstd sizes its tables, streamed through
 * the thread pool. `signal` stops it between chunks: a region shutting down must not wait a
 * minute for a compression nobody will download.
 */
export async function compressZstdFile(
  path: string,
  options: { level?: number; signal?: AbortSignal } = {},
): Promise<Buffer> {
  const size = statSync(path).size;
  const chunks: Buffer[] = [];
  await pipeline(
    createReadStream(path),
    createZstdCompress({
      pledgedSrcSize: size,
      params: {
        [constants.ZSTD_c_compressionLevel]: options.level ?? ZSTD_LEVEL,
        [constants.ZSTD_c_windowLog]: Math.min(ZSTD_WINDOW_LOG, Math.max(10, Math.ceil(Math.log2(size + 1)))),
        [constants.ZSTD_c_checksumFlag]: 1,
      },
    }),
    async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) chunks.push(chunk);
    },
    { signal: options.signal },
  );
  return Buffer.concat(chunks);
}

/** `.<name>.<first 16 hex of sha256>.zst` beside the binary: a new binary never matches an old one. */
export function zstdSidecarPath(binaryPath: string, sha256Hex: string): string {
  return join(dirname(binaryPath), `.${basename(binaryPath)}.${sha256Hex.slice(0, 16)}.zst`);
}

export function hasZstdSidecar(binaryPath: string, sha256Hex: string): boolean {
  return existsSync(zstdSidecarPath(binaryPath, sha256Hex));
}

/** The stored zstd copy of this exact binary, or null. */
export function readZstdSidecar(binaryPath: string, sha256Hex: string): Buffer | null {
  try {
    return readFileSync(zstdSidecarPath(binaryPath, sha256Hex));
  } catch {
    return null;
  }
}

/**
 * Keeps the compressed copy for the next region start (and the other region processes);
 * removes copies of older binaries. A read-only agent directory only costs the cache.
 */
export function writeZstdSidecar(binaryPath: string, sha256Hex: string, data: Buffer): void {
  const target = zstdSidecarPath(binaryPath, sha256Hex);
  const temp = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    writeFileSync(temp, data);
    renameSync(temp, target);
    const stale = new RegExp(`^\\.${basename(binaryPath).replace(/[.]/g, "\\.")}\\.[0-9a-f]{16}\\.zst$`);
    for (const name of readdirSync(dirname(binaryPath))) {
      if (stale.test(name) && join(dirname(binaryPath), name) !== target) {
        rmSync(join(dirname(binaryPath), name), { force: true });
      }
    }
  } catch {
    rmSync(temp, { force: true });
  }
}

/** For the build: writes the sidecar of a freshly built binary so no region ever waits for it. */
export async function precompressAgent(binaryPath: string, sha256Hex: string): Promise<number> {
  const compressed = await compressZstdFile(binaryPath, { level: ZSTD_BUILD_LEVEL });
  writeZstdSidecar(binaryPath, sha256Hex, compressed);
  return compressed.length;
}
