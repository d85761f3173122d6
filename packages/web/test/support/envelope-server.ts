import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

type Handler = (params: Record<string, unknown>) => unknown;

/**
 * A WebSocket server on 127.0.0.1 speaking MAAS's envelope with scripted handlers: enough to
 * exercise the client's matching, errors, notifications and reconnects, which the real region
 * (covered by the browser test) cannot be made to misbehave for.
 */
export class EnvelopeServer {
  readonly handlers = new Map<string, Handler>();
  readonly received: { method: string; params: Record<string, unknown> }[] = [];
  readonly sockets = new Set<WebSocket>();
  refuse = false;
  #http: Server;
  #wss: WebSocketServer;

  constructor() {
    this.#http = createServer((_req, res) => res.writeHead(404).end());
    this.#wss = new WebSocketServer({ noServer: true });
    this.#http.on("upgrade", (req: IncomingMessage, socket, head) => {
      if (this.refuse) {
        socket.end("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#http.listen(0, "127.0.0.1", resolve));
    return `ws://127.0.0.1:${(this.#http.address() as AddressInfo).port}/MAAS/ws`;
  }

  notify(name: string, action: string, data: unknown): void {
    for (const ws of this.sockets) ws.send(JSON.stringify({ type: 2, name, action, data }));
  }

  /** Drops every client as a region restart would. */
  dropAll(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  async close(): Promise<void> {
    this.dropAll();
    this.#wss.close();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  #accept(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on("close", () => this.sockets.delete(ws));
    ws.on("message", async (raw) => {
      const message = JSON.parse(String(raw));
      this.received.push({ method: message.method, params: message.params });
      const handler = this.handlers.get(message.method);
      const reply = (body: object) =>
        ws.send(JSON.stringify({ type: 1, request_id: message.request_id, ...body }));
      if (!handler) return reply({ rtype: 1, error: `Unknown method ${message.method}` });
      try {
        reply({ rtype: 0, result: await handler(message.params) });
      } catch (error) {
        reply({ rtype: 1, error: error instanceof Error ? error.message : String(error) });
      }
    });
  }
}
