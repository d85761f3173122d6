import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// An HTTP server on 127.0.0.1 whose answers each test scripts, including the ones a hostile or
// broken network gives: endless or trickling bodies, redirects, Retry-After, error pages of any
// size. It records what it was asked, when, and how many body bytes it pushed into sockets.
// Shared's ApiClient tests and the agent's fake regions (one keeping the contract, one hostile)
// run on it. No vitest here.

export interface ScriptedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingMessage["headers"];
  /** Date.now() when the whole request had arrived. */
  at: number;
  body: Buffer;
}

/** Answers request number `index` (0-based); may write as slowly or as much as it likes. */
export type Behaviour = (request: ScriptedRequest, res: ServerResponse, index: number) => void;

export interface ScriptedServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  port: number;
  requests: ScriptedRequest[];
  /** Body bytes the server wrote into sockets (what a client may have had to read). */
  bytesSent: number;
  /** Connections that ended before their answer was complete (a client hanging up early). */
  cutShort: number;
  close(): Promise<void>;
}

export async function startScriptedServer(behaviour: Behaviour, port = 0): Promise<ScriptedServer> {
  const scripted: ScriptedServer = {
    url: "",
    port: 0,
    requests: [],
    bytesSent: 0,
    cutShort: 0,
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request: ScriptedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        at: Date.now(),
        body: Buffer.concat(chunks),
      };
      scripted.requests.push(request);
      const write = res.write.bind(res) as (chunk: Buffer | string) => boolean;
      res.write = ((chunk: Buffer | string, ...rest: unknown[]) => {
        scripted.bytesSent += Buffer.byteLength(chunk);
        return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof res.write;
      res.on("close", () => {
        if (!res.writableFinished) scripted.cutShort += 1;
      });
      res.on("error", () => {});
      behaviour(request, res, scripted.requests.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  scripted.port = (server.address() as AddressInfo).port;
  scripted.url = `http://127.0.0.1:${scripted.port}`;
  scripted.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return scripted;
}

/** A port nothing listens on (a server that was there a moment ago). */
export async function closedPort(): Promise<number> {
  const probe = await startScriptedServer(() => {});
  await probe.close();
  return probe.port;
}

const CHUNK = Buffer.alloc(64 * 1024, "x");

/**
 * Answers `status` with a body that never ends (or ends after `limitBytes`), as fast as the
 * client reads it, until the client goes away.
 */
export function streamBody(
  res: ServerResponse,
  options: { status?: number; headers?: Record<string, string>; limitBytes?: number } = {},
): void {
  res.writeHead(options.status ?? 200, { "content-type": "application/json", ...options.headers });
  let sent = 0;
  const pump = () => {
    while (!res.destroyed) {
      if (options.limitBytes !== undefined && sent >= options.limitBytes) {
        res.end();
        return;
      }
      sent += CHUNK.length;
      if (!res.write(CHUNK)) {
        res.once("drain", pump);
        return;
      }
    }
  };
  pump();
}

/** One byte every `intervalMs`, forever: never idle long enough for a body timeout. */
export function trickleBody(res: ServerResponse, intervalMs: number): void {
  res.writeHead(200, { "content-type": "application/json" });
  res.write("{");
  const timer = setInterval(() => {
    if (res.destroyed) clearInterval(timer);
    else res.write(" ");
  }, intervalMs);
  res.on("close", () => clearInterval(timer));
}

export function answer(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "text/plain", ...headers });
  res.end(body);
}

export function answerJson(res: ServerResponse, status: number, value: unknown): void {
  answer(res, status, JSON.stringify(value), { "content-type": "application/json" });
}
