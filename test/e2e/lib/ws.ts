// A WebSocket client of the region's MAAS-envelope socket (/MAAS/ws), authenticated with an API
// key as the CLI's profile would be. Node's own WebSocket (undici) takes request headers.
import { buildAuthorizationHeader, parseApiKey } from "@hwsync/shared";

export interface Notification {
  type: number;
  name?: string;
  action?: string;
  data?: Record<string, unknown>;
}

// undici's constructor takes `{ headers }`; the DOM typing knows only protocols.
const WebSocketWithHeaders = WebSocket as unknown as new (
  url: string,
  init: { headers: Record<string, string> },
) => WebSocket;

// A guard so a missing notification fails the test instead of hanging it; not a timing assertion.
const GUARD_MS = 15_000;

export class RegionSocket {
  readonly received: Notification[] = [];
  private readonly socket: WebSocket;
  private readonly waiters = new Set<() => void>();

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.addEventListener("message", (event) => {
      this.received.push(JSON.parse(String(event.data)) as Notification);
      for (const waiter of this.waiters) waiter();
    });
  }

  static open(regionUrl: string, apiKey: string): Promise<RegionSocket> {
    const url = `${regionUrl.replace(/^http/, "ws")}/ws`;
    const socket = new WebSocketWithHeaders(url, {
      headers: { authorization: buildAuthorizationHeader(parseApiKey(apiKey)) },
    });
    return new Promise((resolve, reject) => {
      socket.addEventListener("open", () => resolve(new RegionSocket(socket)), { once: true });
      socket.addEventListener("error", () => reject(new Error(`WebSocket ${url} did not open`)), {
        once: true,
      });
    });
  }

  /** The first message (already received or still to come) that matches. */
  waitFor(match: (message: Notification) => boolean): Promise<Notification> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.received.find(match);
        if (!found) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no matching WebSocket message; received ${JSON.stringify(this.received)}`));
      }, GUARD_MS);
      this.waiters.add(check);
      check();
    });
  }

  close(): void {
    this.socket.close();
  }
}
