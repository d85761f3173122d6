// HTTP for tests and scripts, byte for byte. No vitest here: scripts load it through
// `@hwsync/testkit/push`.
import { type ApiCredentials, buildAuthorizationHeader, parseApiKey } from "@hwsync/shared/oauth";

export interface RawRequest {
  method?: string;
  /** Absolute from the origin, e.g. /MAAS/api/2.0/machines/. */
  path: string;
  /** An API key (`ck:tk:ts`) or token triple to sign with; none sends no Authorization. */
  key?: string | ApiCredentials | null;
  /** OAuth options (fixed nonce / old timestamp). */
  sign?: { nonce?: string; timestamp?: number };
  /** URL-encoded form body; an array repeats the field. */
  form?: Record<string, string | string[]>;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The exact bytes received (tar archives, binaries). */
  body: Buffer;
  // biome-ignore lint/suspicious/noExplicitAny: tests name the shape they expect, or read it loosely.
  json<T = any>(): T;
}

/** One request with exact control over headers and body, for status/body/header assertions. */
export async function raw(target: { origin: string }, request: RawRequest): Promise<RawResponse> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.key) {
    const credentials = typeof request.key === "string" ? parseApiKey(request.key) : request.key;
    headers.authorization = buildAuthorizationHeader(credentials, request.sign);
  }
  let body = request.body;
  if (request.form) {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(request.form)) {
      for (const item of Array.isArray(value) ? value : [value]) search.append(name, item);
    }
    body = search.toString();
    headers["content-type"] ??= "application/x-www-form-urlencoded";
  }
  const response = await fetch(`${target.origin}${request.path}`, {
    method: request.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    // A copy typed over a plain ArrayBuffer, which is what fetch's BodyInit accepts.
    body: typeof body === "string" || body === undefined ? body : new Uint8Array(body),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = bytes.toString("utf8");
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: bytes,
    json: () => JSON.parse(text),
  };
}
