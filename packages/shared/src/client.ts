import pRetry, { AbortError } from "p-retry";
import { type Dispatcher, request } from "undici";
import { ApiError, codeForStatus, ErrorCode, HwsError } from "./errors.ts";
import { type ApiCredentials, buildAuthorizationHeader } from "./oauth.ts";

/**
 * `http://h:5240/MAAS` → `http://h:5240/MAAS/api/2.0/`, as MAAS's own CLI normalises the URL given
 * to `maas login`: add a trailing slash, then `api/2.0/` unless the path already ends in `api/<v>/`.
 */
export function normalizeApiUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new HwsError(
      ErrorCode.USAGE,
      `'${input}' is not a URL. Use the region's address, e.g. http://region:5240/MAAS/`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new HwsError(ErrorCode.USAGE, `'${input}' must start with http:// or https://`);
  }
  url.search = "";
  url.hash = "";
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  if (!/\/api\/[0-9.]+\/$/.test(url.pathname)) url.pathname += "api/2.0/";
  return url.toString();
}

export type QueryValue = string | number | boolean;
/** Ordered key/value pairs: MAAS allows repeated keys (`hostname=a&hostname=b`). */
export type Params = Array<[string, QueryValue]> | Record<string, QueryValue | QueryValue[] | undefined>;

function paramsToPairs(params: Params | undefined): Array<[string, string]> {
  if (!params) return [];
  if (Array.isArray(params)) return params.map(([key, value]) => [key, String(value)]);
  const pairs: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) pairs.push([key, String(item)]);
  }
  return pairs;
}

/** A file part for multipart bodies (`key@=file` in the CLI, result files in `op=signal`). */
export interface FilePart {
  name: string;
  filename: string;
  content: Uint8Array | string;
  contentType?: string;
}

export interface RequestOptions {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Relative to the API root (`machines/abc/`) or absolute from the origin (`/MAAS/metadata/2012-03-01/`). */
  path: string;
  /** Put first in the query string, as MAAS's CLI does. */
  op?: string;
  query?: Params;
  /** Form fields: URL-encoded, or multipart when `files` are given or `multipart` is set. */
  form?: Params;
  files?: FilePart[];
  multipart?: boolean;
  /** A raw body (e.g. our gzip push), with its headers. */
  body?: Uint8Array | string;
  headers?: Record<string, string>;
  /** Retry this non-idempotent call anyway: only where the server treats it as idempotent. */
  retryUnsafe?: boolean;
  /** Don't sign (MAAS's CLI fetches `describe/` anonymously). */
  anonymous?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * `"bytes"`: a 2xx body is returned as the exact bytes received (`body` is a `Uint8Array`,
   * `text` is empty), for archives and binaries that a UTF-8 round trip would corrupt.
   * Error bodies are still decoded for ApiError. Default `"text"`: JSON parsed, else the text.
   */
  responseType?: "text" | "bytes";
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  /** Raw text of the body; empty with `responseType: "bytes"`. */
  text: string;
}

export interface RetryPolicy {
  /** Extra attempts after the first. */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export interface ApiClientOptions {
  /** Any form of the region URL; normalised with `normalizeApiUrl`. */
  url: string;
  credentials?: ApiCredentials | null;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  dispatcher?: Dispatcher;
  userAgent?: string;
  /** Seconds to add to the OAuth timestamp (clock skew learned from a 401's Date header). */
  clockSkewSeconds?: number;
  /** Called before each retry, e.g. to show progress. */
  onRetry?: (info: { attempt: number; error: Error; delayMs: number }) => void;
}

const IDEMPOTENT = new Set(["GET", "PUT", "DELETE"]);
/** Statuses that say "try again later": MAAS answers 503/504 with Retry-After on RPC trouble. */
const TRANSIENT_STATUS = new Set([408, 429, 502, 503, 504]);

const DEFAULT_RETRY: RetryPolicy = { retries: 3, minDelayMs: 250, maxDelayMs: 4000 };

/** Signed requests to a MAAS-compatible region, over undici. */
export class ApiClient {
  readonly apiUrl: string;
  readonly origin: string;
  readonly credentials: ApiCredentials | null;
  clockSkewSeconds: number;
  private readonly options: ApiClientOptions;
  private readonly retry: RetryPolicy;

  constructor(options: ApiClientOptions) {
    this.apiUrl = normalizeApiUrl(options.url);
    this.origin = new URL(this.apiUrl).origin;
    this.credentials = options.credentials ?? null;
    this.clockSkewSeconds = options.clockSkewSeconds ?? 0;
    this.options = options;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  /** Absolute URL for a path relative to the API root or to the origin, with `op` first. */
  buildUrl(path: string, op?: string, query?: Params): string {
    const url = new URL(path.startsWith("/") ? `${this.origin}${path}` : `${this.apiUrl}${path}`);
    const pairs = paramsToPairs(query);
    const search = new URLSearchParams();
    if (op) search.append("op", op);
    for (const [key, value] of pairs) search.append(key, value);
    const text = search.toString();
    url.search = text ? `?${text}` : "";
    return url.toString();
  }

  get<T = unknown>(path: string, op?: string, query?: Params): Promise<ApiResponse<T>> {
    return this.request<T>({ method: "GET", path, op, query });
  }

  post<T = unknown>(path: string, op?: string, form?: Params, files?: FilePart[]): Promise<ApiResponse<T>> {
    return this.request<T>({ method: "POST", path, op, form, files });
  }

  /** Sends one request; retries transient failures of idempotent calls with backoff + jitter. */
  async request<T = unknown>(options: RequestOptions): Promise<ApiResponse<T>> {
    const retryable = IDEMPOTENT.has(options.method) || options.retryUnsafe === true;
    const attempt = () => this.attemptOnce<T>(options);
    if (!retryable || this.retry.retries <= 0) return attempt();
    return pRetry(
      async () => {
        try {
          return await attempt();
        } catch (error) {
          if (isTransient(error)) throw error;
          throw new AbortError(error as Error);
        }
      },
      {
        retries: this.retry.retries,
        minTimeout: this.retry.minDelayMs,
        maxTimeout: this.retry.maxDelayMs,
        factor: 2,
        randomize: true,
        signal: options.signal,
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
          if (retriesLeft > 0) this.options.onRetry?.({ attempt: attemptNumber, error, delayMs: 0 });
        },
      },
    );
  }

  private async attemptOnce<T>(options: RequestOptions): Promise<ApiResponse<T>> {
    const url = this.buildUrl(options.path, options.op, options.query);
    const headers: Record<string, string> = {
      accept: "application/json, text/plain, */*",
      "user-agent": this.options.userAgent ?? "hwsync",
      ...options.headers,
    };
    if (this.credentials && !options.anonymous) {
      // A fresh nonce and timestamp on every attempt: the region refuses a replayed nonce.
      headers.authorization = buildAuthorizationHeader(this.credentials, {
        timestamp: Math.floor(Date.now() / 1000) + this.clockSkewSeconds,
      });
    }
    let body: string | Uint8Array | undefined = options.body;
    const formPairs = paramsToPairs(options.form);
    if (body === undefined && (options.files?.length || options.multipart)) {
      const data = new FormData();
      for (const [key, value] of formPairs) data.append(key, value);
      for (const file of options.files ?? []) {
        data.append(
          file.name,
          new Blob([file.content as BlobPart], { type: file.contentType ?? "application/octet-stream" }),
          file.filename,
        );
      }
      // Serialise through the platform's Response so the body has a Content-Length and the
      // multipart framing is the standard one, whatever undici version sends it.
      const encoded = new Response(data);
      headers["content-type"] = encoded.headers.get("content-type")!;
      body = new Uint8Array(await encoded.arrayBuffer());
    } else if (body === undefined && formPairs.length > 0) {
      body = new URLSearchParams(formPairs).toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
    }
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 30_000;
    const redacted = redactUrl(url);
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: options.method,
        headers,
        body,
        dispatcher: this.options.dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: options.signal,
      });
    } catch (error) {
      throw networkError(error, options.method, redacted, timeoutMs);
    }
    let bytes: Uint8Array;
    try {
      bytes = await response.body.bytes();
    } catch (error) {
      throw networkError(error, options.method, redacted, timeoutMs);
    }
    if (options.responseType === "bytes" && response.statusCode < 400) {
      return { status: response.statusCode, headers: response.headers, body: bytes as T, text: "" };
    }
    const text = new TextDecoder().decode(bytes);
    const contentType = String(response.headers["content-type"] ?? "");
    const parsed = parseBody(text, contentType);
    if (response.statusCode >= 400) {
      this.learnClockSkew(response.statusCode, response.headers.date);
      throw new ApiError(codeForStatus(response.statusCode), {
        status: response.statusCode,
        statusText: statusText(response.statusCode),
        method: options.method,
        url: redacted,
        body: parsed,
      });
    }
    return { status: response.statusCode, headers: response.headers, body: parsed as T, text };
  }

  // MAAS's on-machine client does the same: on 401/403 with a Date header, remember the skew.
  private learnClockSkew(status: number, date: string | string[] | undefined): void {
    if ((status !== 401 && status !== 403) || typeof date !== "string") return;
    const serverTime = Date.parse(date);
    if (!Number.isNaN(serverTime)) this.clockSkewSeconds = Math.round((serverTime - Date.now()) / 1000);
  }
}

function parseBody(text: string, contentType: string): unknown {
  if (contentType.includes("json") && text.length > 0) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** Removes any query credentials (`oauth_*`) from a URL before it appears in an error. */
function redactUrl(url: string): string {
  const parsed = new URL(url);
  for (const key of [...parsed.searchParams.keys()]) {
    if (key.startsWith("oauth_")) parsed.searchParams.set(key, "REDACTED");
  }
  parsed.username = "";
  parsed.password = "";
  return parsed.toString();
}

function isTransient(error: unknown): boolean {
  if (error instanceof ApiError) return TRANSIENT_STATUS.has(error.status);
  return (
    error instanceof HwsError &&
    (error.code === ErrorCode.NET_UNREACHABLE || error.code === ErrorCode.TIMEOUT)
  );
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

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

function statusText(status: number): string {
  return STATUS_TEXT[status] ?? "Error";
}
