import type { IncomingHttpHeaders, IncomingMessage } from "node:http";

/**
 * The part of undici's API that shared's ApiClient uses (`request`), on node:http.
 *
 * scripts/lib/agent-bundle.ts aliases `undici` to this file in the agent's single binary: loading
 * undici costs ~55 ms and ~20 MiB of RSS, a third of the agent's start-up budget, for one POST
 * every 15 minutes, and node:http is already inside the Node binary. Errors carry undici's codes
 * (`UND_ERR_HEADERS_TIMEOUT`, `UND_ERR_BODY_TIMEOUT`) and names (`AbortError`) so ApiClient
 * classifies them exactly as it does undici's.
 *
 * What ApiClient needs of the answer: status, headers, and a body it reads chunk by chunk (to
 * stop at its size cap) or destroys (a redirect, a body over the cap). The response stream is
 * exactly that; the timeouts and the signal below end it with the error undici would give.
 */

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** ApiClient serialises multipart bodies itself; only bytes and text reach the wire here. */
  body?: string | Uint8Array;
  /** No headers this long after sending: UND_ERR_HEADERS_TIMEOUT. */
  headersTimeout?: number;
  /** No body bytes this long: UND_ERR_BODY_TIMEOUT. */
  bodyTimeout?: number;
  /** Ends the request, or the body once it flows, with an AbortError. */
  signal?: AbortSignal;
  /** Accepted for API compatibility; the lite client has a single default agent. */
  dispatcher?: unknown;
}

export interface ResponseData {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** Async-iterable Buffers; `destroy()` hangs up. */
  body: IncomingMessage;
}

/** A type-only stand-in for undici's Dispatcher namespace (`Dispatcher.ResponseData`). */
export type Dispatcher = { ResponseData: ResponseData };

export async function request(url: string | URL, options: RequestOptions = {}): Promise<ResponseData> {
  const target = new URL(url);
  const headers: Record<string, string> = { ...options.headers };
  const body = options.body;
  if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));

  // Loaded on first use: `collect` shares this module graph but never sends a request. Not
  // `import()`: the ESM facade of node:http reads every export, and its lazy `WebSocket`/`fetch`
  // getters load Node's internal undici (measured +40 ms and +6 MiB on each `run`).
  const client =
    target.protocol === "https:"
      ? process.getBuiltinModule("node:https")
      : process.getBuiltinModule("node:http");
  const { signal } = options;
  return new Promise<ResponseData>((resolve, reject) => {
    const req = client.request(target, {
      method: options.method ?? "GET",
      headers,
      signal,
      // The socket's idle timeout: waiting for headers first, then between two body chunks.
      timeout: options.headersTimeout ?? 300_000,
    });
    let response: IncomingMessage | undefined;
    req.on("timeout", () => {
      if (response) response.destroy(coded("UND_ERR_BODY_TIMEOUT", "Body Timeout Error"));
      else req.destroy(coded("UND_ERR_HEADERS_TIMEOUT", "Headers Timeout Error"));
    });
    req.on("error", reject);
    req.on("response", (res) => {
      response = res;
      req.setTimeout(options.bodyTimeout ?? 300_000);
      // node:http aborts the request on the signal, but a body already flowing would only end
      // with "aborted": say why it stopped, as undici does.
      const onAbort = () => res.destroy(abortError(signal?.reason));
      signal?.addEventListener("abort", onAbort, { once: true });
      res.once("close", () => signal?.removeEventListener("abort", onAbort));
      // A reader sees every error through its iterator; an unread body must not crash the process.
      res.on("error", () => {});
      resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: res });
    });
    req.end(body);
  });
}

function coded(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function abortError(reason: unknown): Error {
  return Object.assign(new Error("This operation was aborted", { cause: reason }), {
    name: "AbortError",
    code: "ABORT_ERR",
  });
}
