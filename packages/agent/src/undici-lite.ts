import type { IncomingHttpHeaders } from "node:http";

/**
 * The part of undici's API that the agent uses (`request`), on node:http.
 *
 * The agent's region client (region-client.ts) sends through it in tests and in the binary
 * alike, and scripts/build-agent.ts aliases `undici` to this file in the single binary. Loading
 * undici costs ~55 ms and ~20 MiB of RSS, a third of the agent's start-up budget, for one POST
 * every 15 minutes; node:http is already inside the Node binary. Errors carry undici's codes
 * (`UND_ERR_HEADERS_TIMEOUT`, `UND_ERR_RES_EXCEEDED_MAX_SIZE`, …) so callers classify them
 * exactly as they do undici's.
 *
 * Unlike undici, a body is never read without a limit: whoever answers decides how much it
 * sends, and a region that streams forever must not decide how much memory the agent uses.
 */

/** The limit when the caller names none: far above any answer the agent expects. */
const DEFAULT_MAX_RESPONSE_SIZE = 64 * 1024 * 1024;

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** ApiClient serialises multipart bodies itself; only bytes and text reach the wire here. */
  body?: string | Uint8Array;
  headersTimeout?: number;
  bodyTimeout?: number;
  signal?: AbortSignal;
  /**
   * Bytes of body beyond which the body fails with `UND_ERR_RES_EXCEEDED_MAX_SIZE` (undici's
   * Client option of that name, per request here). A declared Content-Length over it fails
   * before anything is read; either way the connection is dropped at once.
   */
  maxResponseSize?: number;
  /** Accepted for API compatibility; the lite client has a single default agent. */
  dispatcher?: unknown;
}

export interface ResponseData {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: { text(): Promise<string>; bytes(): Promise<Uint8Array>; dump(): Promise<void> };
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
  return new Promise<ResponseData>((resolve, reject) => {
    const req = client.request(target, { method: options.method ?? "GET", headers, signal: options.signal });
    const fail = (code: string, message: string) => req.destroy(Object.assign(new Error(message), { code }));
    const headersTimer = setTimeout(
      () => fail("UND_ERR_HEADERS_TIMEOUT", "Headers Timeout Error"),
      options.headersTimeout ?? 300_000,
    );
    req.on("error", (error) => {
      clearTimeout(headersTimer);
      reject(error);
    });
    req.on("response", (res) => {
      clearTimeout(headersTimer);
      const limit = options.maxResponseSize ?? DEFAULT_MAX_RESPONSE_SIZE;
      const chunks: Buffer[] = [];
      let size = 0;
      const received = new Promise<Buffer>((done, broken) => {
        let bodyTimer: NodeJS.Timeout | undefined;
        const stop = (error: Error) => {
          clearTimeout(bodyTimer);
          options.signal?.removeEventListener("abort", onAbort);
          chunks.length = 0;
          broken(error);
          res.destroy();
        };
        // node:http aborts the request on the signal, but a body already flowing would only
        // see "aborted": say why it stopped, as undici does.
        const onAbort = () => stop(abortError(options.signal?.reason));
        const arm = () => {
          clearTimeout(bodyTimer);
          bodyTimer = setTimeout(
            () => stop(Object.assign(new Error("Body Timeout Error"), { code: "UND_ERR_BODY_TIMEOUT" })),
            options.bodyTimeout ?? 300_000,
          );
        };
        if (options.signal?.aborted) return onAbort();
        options.signal?.addEventListener("abort", onAbort, { once: true });
        if (Number(res.headers["content-length"]) > limit) return stop(tooLarge(limit));
        arm();
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > limit) return stop(tooLarge(limit));
          chunks.push(chunk);
          arm();
        });
        res.on("end", () => {
          clearTimeout(bodyTimer);
          options.signal?.removeEventListener("abort", onAbort);
          done(Buffer.concat(chunks));
        });
        res.on("error", (error) => stop(error));
        res.on("aborted", () =>
          stop(Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" })),
        );
      });
      // A caller that never reads the body must not see an unhandled rejection.
      received.catch(() => {});
      resolve({
        statusCode: res.statusCode ?? 0,
        headers: res.headers,
        body: {
          text: () => received.then((bytes) => bytes.toString("utf8")),
          bytes: () => received,
          dump: () => received.then(() => undefined),
        },
      });
    });
    req.end(body);
  });
}

function tooLarge(limit: number): Error {
  return Object.assign(new Error("Response content exceeded max size"), {
    code: "UND_ERR_RES_EXCEEDED_MAX_SIZE",
    maxSize: limit,
  });
}

function abortError(reason: unknown): Error {
  return Object.assign(new Error("This operation was aborted", { cause: reason }), {
    name: "AbortError",
    code: "ABORT_ERR",
  });
}
