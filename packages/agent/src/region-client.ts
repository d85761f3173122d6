import type { IncomingHttpHeaders } from "node:http";
import { ApiError, codeForStatus, ErrorCode, HwsError } from "@hwsync/shared/errors";
import { type ApiCredentials, buildAuthorizationHeader } from "@hwsync/shared/oauth";
import { request } from "./undici-lite.ts";

// The agent's side of the wire to the region, over a network nobody vouches for. One signed
// request at a time; nothing here trusts the answer: every body is read under a size cap chosen
// per request and under the run's budget, a redirect is an error (the machine's credentials
// would follow it to another host), and statuses become the coded errors run.ts maps to exits.

/** Error bodies are only read this far: the status decides, the text only explains. */
const ERROR_BODY_MAX_BYTES = 64 * 1024;

export interface FilePart {
  name: string;
  filename: string;
  content: string;
}

export interface RegionRequest {
  method: "GET" | "POST";
  /** From the origin: `/MAAS/metadata/2012-03-01/…`. */
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Multipart form fields (in order) and files, as MAAS's op=signal takes them. */
  form?: Array<[string, string]>;
  files?: FilePart[];
  /** The largest 2xx body this request can legitimately get; more is HWS_RESPONSE_TOO_LARGE. */
  maxBytes: number;
  /** What the answer is, for messages: "the hardware push", "maas-scripts". */
  what: string;
}

export interface RegionAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RegionClientOptions {
  credentials: ApiCredentials & { baseUrl: string };
  userAgent: string;
  /** One attempt never waits longer than this for headers, or between two body chunks. */
  attemptTimeoutMs: number;
  /** The run's budget and SIGINT/SIGTERM: ends any request, body included. */
  signal: AbortSignal;
}

/** A non-2xx answer, with the delay its Retry-After asks for (null when it asks none). */
export class RegionStatusError extends ApiError {
  readonly retryAfterMs: number | null;
  constructor(
    init: { status: number; statusText: string; method: string; url: string; body: unknown },
    retryAfterMs: number | null,
  ) {
    super(codeForStatus(init.status), init);
    this.retryAfterMs = retryAfterMs;
  }
}

export class RegionClient {
  readonly origin: string;
  private readonly options: RegionClientOptions;

  constructor(options: RegionClientOptions) {
    this.origin = new URL(options.credentials.baseUrl).origin;
    this.options = options;
  }

  /** One signed attempt; resolves only with a 2xx answer whose body fits `maxBytes`. */
  async send(spec: RegionRequest): Promise<RegionAnswer> {
    const url = `${this.origin}${spec.path}`;
    const headers: Record<string, string> = {
      accept: "application/json, text/plain, */*",
      // We never decompress an answer: ask for none, as MAAS's own client does.
      "accept-encoding": "identity",
      "user-agent": this.options.userAgent,
      ...spec.headers,
      // A fresh nonce and timestamp on every attempt: the region refuses a replayed nonce.
      authorization: buildAuthorizationHeader(this.options.credentials),
    };
    let body = spec.body;
    if (spec.form || spec.files) {
      const multipart = await encodeMultipart(spec.form ?? [], spec.files ?? []);
      headers["content-type"] = multipart.contentType;
      body = multipart.body;
    }
    const timeoutMs = this.options.attemptTimeoutMs;
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(url, {
        method: spec.method,
        headers,
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: this.options.signal,
        maxResponseSize: spec.maxBytes,
      });
    } catch (error) {
      throw networkError(error, spec.method, url, timeoutMs);
    }
    const status = response.statusCode;
    if (status >= 300 && status < 400) {
      // Never read: whatever the body says, we are not going there.
      response.body.dump().catch(() => {});
      throw redirectRefused(status, response.headers.location, spec.method, url);
    }
    if (status < 200 || status >= 300) {
      throw new RegionStatusError(
        { status, statusText: statusText(status), method: spec.method, url, body: await errorBody(response) },
        retryAfterMs(response.headers),
      );
    }
    let bytes: Uint8Array;
    try {
      bytes = await response.body.bytes();
    } catch (error) {
      if ((error as { code?: string }).code === "UND_ERR_RES_EXCEEDED_MAX_SIZE") {
        throw new HwsError(
          ErrorCode.RESPONSE_TOO_LARGE,
          `the region's answer to ${spec.what} is larger than we ever expect (more than ${formatBytes(spec.maxBytes)}; status ${status}, [${spec.method}] ${url}); stopped reading it`,
          {
            hint: "Something other than a MAAS region answers at the endpoint in the credentials file (a proxy, a captive portal, another server): check the endpoint and the network path. The payload stays spooled.",
            cause: error,
          },
        );
      }
      throw networkError(error, spec.method, url, timeoutMs);
    }
    return { status, headers: response.headers, body: Buffer.from(bytes) };
  }
}

/**
 * An error page explains a status but may be any size: read up to ERROR_BODY_MAX_BYTES of it,
 * and when it is larger or broken, keep the status and say so instead of failing on the body.
 */
async function errorBody(response: Awaited<ReturnType<typeof request>>): Promise<unknown> {
  let text: string;
  try {
    text = await response.body.text();
  } catch (error) {
    return (error as { code?: string }).code === "UND_ERR_RES_EXCEEDED_MAX_SIZE"
      ? `(an error page over ${formatBytes(ERROR_BODY_MAX_BYTES)}, not read)`
      : "";
  }
  if (String(response.headers["content-type"] ?? "").includes("json") && text.length > 0) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * `Retry-After` in seconds or as an HTTP date (RFC 9110), as a delay in milliseconds. A date is
 * measured against the answer's own `Date`, so a machine whose clock is off still waits as long
 * as the region asked.
 */
export function retryAfterMs(headers: IncomingHttpHeaders, now = Date.now()): number | null {
  const value = headers["retry-after"]?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date names its weekday or month; Date.parse alone would take "-5" for a year.
  const at = /[A-Za-z]/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) return null;
  const said = headers.date ? Date.parse(headers.date) : Number.NaN;
  return Math.max(0, at - (Number.isNaN(said) ? now : said));
}

/** A 2xx whose body is not the answer the request expects (HTML, random bytes, another shape). */
export function unexpectedAnswer(message: string): HwsError {
  return new HwsError(ErrorCode.UNEXPECTED_ANSWER, message, {
    hint: "Something other than a MAAS region answers at the endpoint in the credentials file (a proxy, a captive portal, another web server): check the endpoint and the network path. The payload stays spooled.",
  });
}

function redirectRefused(
  status: number,
  location: string | undefined,
  method: string,
  url: string,
): HwsError {
  const target = location ? new URL(location, url).toString() : "(no Location header)";
  return new HwsError(
    ErrorCode.REDIRECT_REFUSED,
    `the region answered ${status} ${statusText(status)} to [${method}] ${url}, redirecting to ${target}; redirects are never followed, so the machine's credentials cannot travel to another host`,
    {
      hint: "Point the endpoint in the credentials file at the region or rack controller itself (http://RACK:5248/MAAS/…), or make the proxy in between pass the metadata API through without redirecting.",
    },
  );
}

/** Multipart framing as the platform builds it (the same bytes MAAS's parser reads). */
async function encodeMultipart(
  form: Array<[string, string]>,
  files: FilePart[],
): Promise<{ contentType: string; body: Uint8Array }> {
  const data = new FormData();
  for (const [key, value] of form) data.append(key, value);
  for (const file of files) {
    data.append(file.name, new Blob([file.content], { type: "application/octet-stream" }), file.filename);
  }
  const encoded = new Response(data);
  return {
    contentType: encoded.headers.get("content-type")!,
    body: new Uint8Array(await encoded.arrayBuffer()),
  };
}

function networkError(error: unknown, method: string, url: string, timeoutMs: number): HwsError {
  const code = (error as { code?: string }).code ?? "";
  if (code.startsWith("UND_ERR_") && code.includes("TIMEOUT")) {
    return new HwsError(ErrorCode.TIMEOUT, `[${method}] ${url}: no answer within ${timeoutMs} ms`, {
      cause: error,
    });
  }
  if ((error as Error).name === "AbortError") {
    return new HwsError(ErrorCode.TIMEOUT, `[${method}] ${url}: aborted`, { cause: error });
  }
  const text = (error as Error).message || String(error);
  return new HwsError(ErrorCode.NET_UNREACHABLE, `[${method}] ${url}: ${code ? `${code} ` : ""}${text}`, {
    hint: "Check that the region is running and that the endpoint in the credentials file is reachable.",
    cause: error,
  });
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** Node's own reason phrases ("Service Unavailable"), as MAAS's clients print them. */
function statusText(status: number): string {
  return process.getBuiltinModule("node:http").STATUS_CODES[status] ?? "Error";
}
