// What a machine sends the region, for tests, benchmarks and the demo: our fast path exactly as the
// agent sends it, and MAAS's op=signal multipart as maas-run-scripts frames it. No vitest here:
// scripts import this module (`@hwsync/testkit/push`).
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { type ApiCredentials, buildAuthorizationHeader } from "@hwsync/shared/oauth";
import {
  CONTENT_HASH_HEADER,
  canonicalJson,
  contentHash,
  HARDWARE_SYNC_PATH,
  METADATA_ROOT,
} from "@hwsync/shared/wire/push";
import { type RawResponse, raw } from "./http.ts";

/** A region's origin (`http://127.0.0.1:5240`), or anything that has one (a test region). */
export type PushTarget = string | { origin: string };

export interface EncodeOptions {
  /** Compress the body (default: true, as the agent does). */
  gzip?: boolean;
  /** The declared content hash; false sends none; default: the hash of the uncompressed bytes. */
  hash?: string | false;
  headers?: Record<string, string>;
}

/** A fast-path body and its headers, all but the signature (which needs a fresh nonce per send). */
export interface EncodedPush {
  body: Buffer;
  /** `sha256:…` of the uncompressed bytes. */
  hash: string;
  headers: Record<string, string>;
}

/** The bytes the agent sends for a document: canonical JSON. A Buffer is taken as already encoded. */
export function agentBytes(document: unknown): Buffer {
  return Buffer.isBuffer(document) ? document : Buffer.from(canonicalJson(document));
}

/** Encodes a document once; a load generator signs and sends it many times (`signedHeaders`). */
export function encodePush(document: unknown, options: EncodeOptions = {}): EncodedPush {
  const bytes = agentBytes(document);
  const hash = contentHash(bytes);
  const headers: Record<string, string> = { "content-type": "application/json", ...options.headers };
  if (options.hash !== false) headers[CONTENT_HASH_HEADER] = options.hash ?? hash;
  if (options.gzip ?? true) {
    headers["content-encoding"] = "gzip";
    return { body: gzipSync(bytes), hash, headers };
  }
  return { body: bytes, hash, headers };
}

/** The push's headers signed as the machine (OAuth PLAINTEXT, a fresh nonce); none for null. */
export function signedHeaders(push: EncodedPush, creds: ApiCredentials | null): Record<string, string> {
  return creds ? { ...push.headers, authorization: buildAuthorizationHeader(creds) } : push.headers;
}

export interface PushOptions extends EncodeOptions {
  /** Appended to the fast path's URL, e.g. `?x=1`. */
  query?: string;
}

function originOf(target: PushTarget): { origin: string } {
  return typeof target === "string" ? { origin: target } : target;
}

export interface PushReply extends RawResponse {
  /** `sha256:…` of the uncompressed bytes sent. */
  hash: string;
}

/** POSTs a document to the fast path as the agent does: canonical JSON, gzip, content hash, OAuth. */
export async function signedPush(
  target: PushTarget,
  creds: ApiCredentials | null,
  document: unknown,
  options: PushOptions = {},
): Promise<PushReply> {
  const push = encodePush(document, options);
  const reply = await raw(originOf(target), {
    path: `${HARDWARE_SYNC_PATH}${options.query ?? ""}`,
    body: push.body,
    headers: signedHeaders(push, creds),
  });
  return Object.assign(reply, { hash: push.hash });
}

/** A file part: its field name, its bytes, and its filename (default: the field name). */
export type FilePart = [name: string, data: Buffer, filename?: string];

export interface MultipartOptions {
  /** Default: 31 random lowercase letters, as maas-run-scripts makes them. */
  boundary?: string;
  /** Send every field base64-encoded with `Content-Transfer-Encoding: base64`. */
  base64Fields?: boolean;
}

/** A multipart/form-data body framed as maas-run-scripts frames it: the fields, then the files. */
export function multipartBody(
  fields: Array<[string, string]>,
  files: FilePart[] = [],
  options: MultipartOptions = {},
): { body: Buffer; contentType: string } {
  const boundary =
    options.boundary ?? Array.from(randomBytes(31), (byte) => String.fromCharCode(97 + (byte % 26))).join("");
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    const encoding = options.base64Fields ? "Content-Transfer-Encoding: base64\r\n" : "";
    const text = options.base64Fields ? Buffer.from(value).toString("base64") : value;
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n${encoding}\r\n${text}\r\n`,
      ),
    );
  }
  for (const [name, data, filename = name] of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      data,
      Buffer.from("\r\n"),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** MAAS's `op=signal`: a multipart POST to the metadata root, signed as the machine. */
export function signal(
  target: PushTarget,
  creds: ApiCredentials | null,
  fields: Array<[string, string]>,
  files: FilePart[] = [],
  path = METADATA_ROOT,
): Promise<RawResponse> {
  const { body, contentType } = multipartBody([["op", "signal"], ...fields], files);
  return raw(originOf(target), { path, key: creds, body, headers: { "content-type": contentType } });
}
