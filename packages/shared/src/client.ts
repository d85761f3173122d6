import { type Dispatcher, request } from "undici";
import {
  discard,
  ERROR_BODY_MAX_BYTES,
  formatBytes,
  networkError,
  parseBody,
  readCapped,
  redactUrl,
  redirectRefused,
  responseTooLarge,
  statusError,
} from "./client-answer.ts";
import {
  type Budget,
  type RetryInfo,
  type RetryPolicy,
  retryTransient,
  startBudget,
} from "./client-retry.ts";
import { ErrorCode, HwsError } from "./errors.ts";
import { type ApiCredentials, buildAuthorizationHeader } from "./oauth.ts";

export { retryAfterMs } from "./client-answer.ts";
export {
  type Budget,
  BudgetSpentError,
  isTransient,
  type RetryInfo,
  RetryLaterError,
  type RetryPolicy,
  retryTransient,
  startBudget,
} from "./client-retry.ts";

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
  /** One attempt waits at most this long for the headers, and between two chunks of the body. */
  timeoutMs?: number;
  /** The caller's cancellation (SIGINT): ends the request at once, body included. */
  signal?: AbortSignal;
  /**
   * The time this request may take, attempts, pauses and body reads included; several requests
   * may share one (the agent's --budget). Default: a budget of the client's `budgetMs`.
   */
  budget?: Budget;
  /**
   * The largest 2xx body this request can legitimately get: more is HWS_RESPONSE_TOO_LARGE and
   * reading stops there. Error pages are read up to 64 KiB at most, whatever this says.
   */
  maxResponseBytes?: number;
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

export interface ApiClientOptions {
  /** Any form of the region URL; normalised with `normalizeApiUrl`. */
  url: string;
  credentials?: ApiCredentials | null;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** A request's budget when it brings none. Default: every attempt its timeout, plus the longest pauses. */
  budgetMs?: number;
  /** The largest answer a request accepts when it names no `maxResponseBytes`. */
  maxResponseBytes?: number;
  dispatcher?: Dispatcher;
  userAgent?: string;
  /** Seconds to add to the OAuth timestamp (clock skew learned from a 401's Date header). */
  clockSkewSeconds?: number;
  /** Called before each retry, e.g. to show progress. */
  onRetry?: (info: RetryInfo) => void;
  /** The wall clock, for the time a RetryLaterError names (tests). */
  now?: () => Date;
}

const IDEMPOTENT = new Set(["GET", "PUT", "DELETE"]);

const DEFAULT_RETRY: RetryPolicy = { retries: 3, minDelayMs: 250, maxDelayMs: 4000 };
const DEFAULT_TIMEOUT_MS = 30_000;
/**
 * Far above any answer MAAS gives (a machines list of a large fleet is tens of MiB), yet a bound:
 * a server streaming forever must not decide how much memory a client uses.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/**
 * Signed requests to a MAAS-compatible region, over undici: retries of transient failures with
 * backoff or the pause the region names, every body capped and read under the request's budget,
 * redirects refused, and every non-2xx a coded error.
 */
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

  /** Sends one request; retries transient failures of idempotent calls within its budget. */
  async request<T = unknown>(options: RequestOptions): Promise<ApiResponse<T>> {
    const retryable = IDEMPOTENT.has(options.method) || options.retryUnsafe === true;
    const policy = retryable ? this.retry : { ...this.retry, retries: 0 };
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const url = this.buildUrl(options.path, options.op, options.query);
    const budget = options.budget ?? startBudget(this.options.budgetMs ?? this.defaultBudgetMs(timeoutMs));
    return retryTransient((signal) => this.attemptOnce<T>(options, url, timeoutMs, signal), {
      policy,
      budget,
      signal: options.signal,
      what: `[${options.method}] ${redactUrl(url)}`,
      onRetry: this.options.onRetry,
      now: this.options.now,
    });
  }

  private async attemptOnce<T>(
    options: RequestOptions,
    url: string,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {
      accept: "application/json, text/plain, */*",
      // We never decompress an answer: ask for none, as MAAS's own clients do.
      "accept-encoding": "identity",
      "user-agent": this.options.userAgent ?? "hwsync",
      ...options.headers,
    };
    if (this.credentials && !options.anonymous) {
      // A fresh nonce and timestamp on every attempt: the region refuses a replayed nonce.
      headers.authorization = buildAuthorizationHeader(this.credentials, {
        timestamp: Math.floor(Date.now() / 1000) + this.clockSkewSeconds,
      });
    }
    const body = await encodeBody(options, headers);
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
        signal,
      });
    } catch (error) {
      throw networkError(error, options.method, redacted, timeoutMs);
    }
    const status = response.statusCode;
    if (status >= 300 && status < 400) {
      // Never read: whatever the body says, we are not going there.
      discard(response.body);
      throw redirectRefused(status, response.headers, options.method, redacted);
    }
    const wanted = options.maxResponseBytes ?? this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const limit = status >= 400 ? Math.min(wanted, ERROR_BODY_MAX_BYTES) : wanted;
    let bytes: Uint8Array | null;
    try {
      bytes = await readCapped(response.body, response.headers, limit);
    } catch (error) {
      throw networkError(error, options.method, redacted, timeoutMs);
    }
    if (status >= 400) {
      this.learnClockSkew(status, response.headers.date);
      // An error page may be any size: keep the status, which decides, and say what was skipped.
      const text = bytes === null ? `(an error page over ${formatBytes(limit)}, not read)` : decode(bytes);
      throw statusError(
        status,
        response.headers,
        options.method,
        redacted,
        parseBody(text, response.headers),
      );
    }
    if (bytes === null) throw responseTooLarge(status, options.method, redacted, limit);
    if (options.responseType === "bytes") {
      return { status, headers: response.headers, body: bytes as T, text: "" };
    }
    const text = decode(bytes);
    return { status, headers: response.headers, body: parseBody(text, response.headers) as T, text };
  }

  /** Every attempt its full timeout, and the longest backoff between them. */
  private defaultBudgetMs(timeoutMs: number): number {
    const { retries, maxDelayMs } = this.retry;
    return (retries + 1) * timeoutMs + retries * maxDelayMs;
  }

  // MAAS's on-machine client does the same: on 401/403 with a Date header, remember the skew.
  private learnClockSkew(status: number, date: string | string[] | undefined): void {
    if ((status !== 401 && status !== 403) || typeof date !== "string") return;
    const serverTime = Date.parse(date);
    if (!Number.isNaN(serverTime)) this.clockSkewSeconds = Math.round((serverTime - Date.now()) / 1000);
  }
}

/** The request body, and its content type: raw bytes, a URL-encoded form, or multipart. */
async function encodeBody(
  options: RequestOptions,
  headers: Record<string, string>,
): Promise<string | Uint8Array | undefined> {
  if (options.body !== undefined) return options.body;
  const formPairs = paramsToPairs(options.form);
  if (options.files?.length || options.multipart) {
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
    // multipart framing is the standard one (the bytes MAAS's parser reads), whatever sends it.
    const encoded = new Response(data);
    headers["content-type"] = encoded.headers.get("content-type")!;
    return new Uint8Array(await encoded.arrayBuffer());
  }
  if (formPairs.length > 0) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    return new URLSearchParams(formPairs).toString();
  }
  return undefined;
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
