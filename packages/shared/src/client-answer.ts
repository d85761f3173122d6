import { ApiError, codeForStatus, ERROR_CODE_HEADER, ErrorCode, HwsError } from "./errors.ts";

// What ApiClient makes of an answer, trusting none of it: whoever answers decides how much it
// sends, where it redirects and what its headers say, so every body is read under a cap and
// every header is checked before it reaches an error message.

export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** undici's response body, or the agent's node:http stand-in for it: chunks, and a way to hang up. */
export interface ResponseBody extends AsyncIterable<Uint8Array> {
  destroy(error?: Error): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
}

/** Hangs up without reading (more). undici reports a destroyed body as an error: nobody awaits it. */
export function discard(body: ResponseBody): void {
  body.on("error", () => {});
  body.destroy();
}

/** Error pages are only read this far: the status decides, the text only explains. */
export const ERROR_BODY_MAX_BYTES = 64 * 1024;

const header = (headers: ResponseHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * The body, or null when it is larger than `limit` bytes (by its Content-Length, or as it
 * arrives). Reading stops there and the connection is dropped, so a server that streams forever
 * costs at most `limit` bytes of memory.
 */
export async function readCapped(
  body: ResponseBody,
  headers: ResponseHeaders,
  limit: number,
): Promise<Uint8Array | null> {
  if (Number(header(headers, "content-length")) > limit) {
    discard(body);
    return null;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) {
      discard(body);
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** JSON when the server says JSON (and it parses), else the text. */
export function parseBody(text: string, headers: ResponseHeaders): unknown {
  if (String(header(headers, "content-type") ?? "").includes("json") && text.length > 0) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** A non-2xx answer as the coded error callers match on (status, serverCode, Retry-After). */
export function statusError(
  status: number,
  headers: ResponseHeaders,
  method: string,
  url: string,
  body: unknown,
): ApiError {
  return new ApiError(codeForStatus(status), {
    status,
    statusText: statusText(status),
    method,
    url,
    body,
    serverCode: serverCodeOf(headers),
    retryAfterMs: retryAfterMs(headers),
  });
}

/** Our region's code of an error reply; anything not shaped like one of our codes is ignored. */
function serverCodeOf(headers: ResponseHeaders): string | null {
  const value = header(headers, ERROR_CODE_HEADER)?.trim();
  return value && /^HWS_[A-Z0-9_]{1,60}$/.test(value) ? value : null;
}

/**
 * `Retry-After` in seconds or as an HTTP date (RFC 9110), as a delay in milliseconds. A date is
 * measured against the answer's own `Date`, so a machine whose clock is off still waits as long
 * as the server asked.
 */
export function retryAfterMs(headers: ResponseHeaders, now = Date.now()): number | null {
  const value = header(headers, "retry-after")?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date names its weekday or month; Date.parse alone would take "-5" for a year.
  const at = /[A-Za-z]/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) return null;
  const date = header(headers, "date");
  const said = date ? Date.parse(date) : Number.NaN;
  return Math.max(0, at - (Number.isNaN(said) ? now : said));
}

/** A 3xx is never followed: signed requests must not carry their credentials to another host. */
export function redirectRefused(
  status: number,
  headers: ResponseHeaders,
  method: string,
  url: string,
): HwsError {
  const location = header(headers, "location");
  let target = "(no Location header)";
  if (location) {
    try {
      target = redactUrl(new URL(location, url).toString());
    } catch {
      target = JSON.stringify(location.slice(0, 200));
    }
  }
  return new HwsError(
    ErrorCode.REDIRECT_REFUSED,
    `[${method}] ${url}: ${status} ${statusText(status)}, redirecting to ${target}; redirects are never followed, so the credentials cannot travel to another host`,
    {
      hint: "Use the address the region answers at itself (http://REGION:5240/MAAS/, or the rack's :5248 for the metadata API), or make the proxy in between pass the API through without redirecting.",
    },
  );
}

export function responseTooLarge(
  status: number,
  method: string,
  url: string,
  limit: number,
  cause?: unknown,
): HwsError {
  return new HwsError(
    ErrorCode.RESPONSE_TOO_LARGE,
    `[${method}] ${url}: ${status} ${statusText(status)} with an answer of more than ${formatBytes(limit)}, more than this request ever expects; stopped reading it`,
    {
      hint: "Something other than a MAAS region answers at this address (a proxy, a captive portal, another server): check the URL and the network path.",
      cause,
    },
  );
}

/** A failure before a whole answer arrived: no connection, a timeout, a connection cut. */
export function networkError(error: unknown, method: string, url: string, timeoutMs: number): HwsError {
  const code = (error as { code?: string }).code ?? "";
  if (code.startsWith("UND_ERR_") && code.includes("TIMEOUT")) {
    return new HwsError(ErrorCode.TIMEOUT, `[${method}] ${url}: no answer within ${timeoutMs} ms`, {
      cause: error,
    });
  }
  const name = (error as Error).name;
  if (name === "AbortError" || name === "TimeoutError") {
    return new HwsError(ErrorCode.TIMEOUT, `[${method}] ${url}: aborted`, { cause: error });
  }
  const reason = (error as { cause?: { code?: string } }).cause?.code ?? code ?? "";
  const text = (error as Error).message || String(error);
  return new HwsError(
    ErrorCode.NET_UNREACHABLE,
    `[${method}] ${url}: ${reason ? `${reason} ` : ""}${text}`.trim(),
    {
      hint: "Check that the region is running and the URL is right.",
      cause: error,
    },
  );
}

/** Removes any query credentials (`oauth_*`) and userinfo from a URL before it appears in an error. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  for (const key of [...parsed.searchParams.keys()]) {
    if (key.startsWith("oauth_")) parsed.searchParams.set(key, "REDACTED");
  }
  parsed.username = "";
  parsed.password = "";
  return parsed.toString();
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** Node's own reason phrases ("Service Unavailable"), as MAAS's clients print them. */
export function statusText(status: number): string {
  // Loaded on first use: only an error message needs it.
  return process.getBuiltinModule("node:http").STATUS_CODES[status] ?? "Error";
}
