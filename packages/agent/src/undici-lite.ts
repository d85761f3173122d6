import type { IncomingHttpHeaders } from "node:http";

/**
 * The part of undici's API that shared's ApiClient uses (`request`), on node:http.
 *
 * Only the single binary uses it: scripts/build-agent.ts aliases `undici` to this file. Loading
 * undici costs ~55 ms and ~20 MiB of RSS, a third of the agent's start-up budget, for one POST
 * every 15 minutes; node:http is already inside the Node binary. Errors carry undici's codes
 * (`UND_ERR_HEADERS_TIMEOUT`, …) so ApiClient classifies them exactly as it does undici's.
 */

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** ApiClient serialises multipart bodies itself; only bytes and text reach the wire here. */
  body?: string | Uint8Array;
  headersTimeout?: number;
  bodyTimeout?: number;
  signal?: AbortSignal;
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
      const chunks: Buffer[] = [];
      const received = new Promise<Buffer>((done, broken) => {
        let bodyTimer: NodeJS.Timeout | undefined;
        const arm = () => {
          clearTimeout(bodyTimer);
          bodyTimer = setTimeout(
            () =>
              res.destroy(Object.assign(new Error("Body Timeout Error"), { code: "UND_ERR_BODY_TIMEOUT" })),
            options.bodyTimeout ?? 300_000,
          );
        };
        arm();
        res.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          arm();
        });
        res.on("end", () => {
          clearTimeout(bodyTimer);
          done(Buffer.concat(chunks));
        });
        res.on("error", (error) => {
          clearTimeout(bodyTimer);
          broken(error);
        });
        res.on("aborted", () => {
          clearTimeout(bodyTimer);
          broken(Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }));
        });
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
