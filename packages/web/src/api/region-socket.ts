import { ErrorCode } from "@hwsync/shared/errors";
import { parseWsError, RegionRequestError } from "./region-error.ts";
import type { Notification } from "./types.ts";

// MAAS's WebSocket envelope (docs/maas-compatibility.md#websocket): 0 request, 1 response, 2 notification;
// a response's rtype is 0 for success and 1 for error.
const REQUEST = 0;
const RESPONSE = 1;
const NOTIFY = 2;

export type SocketState = "connecting" | "open" | "reconnecting" | "closed";

export interface RegionSocketOptions {
  url: string;
  /** Delays between reconnect attempts; the last one repeats. */
  reconnectDelaysMs?: number[];
  /** A call with no answer after this long is rejected, so a lost reply never hangs a form. */
  callTimeoutMs?: number;
}

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (reason: RegionRequestError) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** One WebSocket to the region with request/response matching, notifications and reconnects. */
export class RegionSocket {
  readonly url: string;
  #ws: WebSocket | undefined;
  #state: SocketState = "closed";
  #nextId = 1;
  #attempt = 0;
  #closedByUs = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Map<string, Set<(n: Notification) => void>>();
  readonly #stateListeners = new Set<(state: SocketState) => void>();
  readonly #delays: number[];
  readonly #callTimeoutMs: number;

  constructor(options: RegionSocketOptions) {
    this.url = options.url;
    this.#delays = options.reconnectDelaysMs ?? [500, 1000, 2000, 5000, 10_000];
    this.#callTimeoutMs = options.callTimeoutMs ?? 30_000;
  }

  get state(): SocketState {
    return this.#state;
  }

  /**
   * Opens the first connection. Rejects when the socket closes before opening, which is how a
   * browser sees both "no session cookie" and "region down" (it never exposes the HTTP status).
   */
  connect(): Promise<void> {
    this.#closedByUs = false;
    return new Promise((resolve, reject) => {
      this.#open(
        () => resolve(),
        () =>
          reject(
            new RegionRequestError(
              ErrorCode.AUTH_REJECTED,
              "The region refused the WebSocket connection. Log in again, or check that the region is running.",
            ),
          ),
      );
    });
  }

  /** Sends `method` and resolves with its result; validation errors carry `fields`. */
  call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const ws = this.#ws;
    if (!ws || this.#state !== "open") {
      return Promise.reject(
        new RegionRequestError(
          ErrorCode.NET_UNREACHABLE,
          `Not connected to the region (${method} not sent). The UI reconnects by itself; try again in a moment.`,
        ),
      );
    }
    const requestId = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(requestId);
        reject(
          new RegionRequestError(
            ErrorCode.TIMEOUT,
            `${method}: no answer from the region after ${this.#callTimeoutMs} ms.`,
          ),
        );
      }, this.#callTimeoutMs);
      this.#pending.set(requestId, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      ws.send(JSON.stringify({ type: REQUEST, request_id: requestId, method, params }));
    });
  }

  /** Listens to notifications of one handler (`machine`, `config`, …). */
  on(name: string, listener: (notification: Notification) => void): () => void {
    let set = this.#listeners.get(name);
    if (!set) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Listens to state changes; "open" after "reconnecting" means data may have been missed. */
  onState(listener: (state: SocketState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  close(): void {
    this.#closedByUs = true;
    clearTimeout(this.#retryTimer);
    this.#ws?.close(1000);
    this.#ws = undefined;
    this.#setState("closed");
    this.#failPending("The connection was closed.");
  }

  #open(onOpen: () => void, onFailBeforeOpen: () => void): void {
    this.#setState(this.#attempt === 0 ? "connecting" : "reconnecting");
    const ws = new WebSocket(this.url);
    this.#ws = ws;
    let opened = false;
    ws.addEventListener("open", () => {
      opened = true;
      this.#attempt = 0;
      this.#setState("open");
      onOpen();
    });
    ws.addEventListener("message", (event) => this.#receive(event.data));
    ws.addEventListener("close", () => {
      if (this.#ws !== ws) return;
      this.#ws = undefined;
      this.#failPending("The connection to the region dropped before it answered. Try again.");
      if (this.#closedByUs) return;
      if (!opened && this.#state === "connecting") {
        this.#setState("closed");
        onFailBeforeOpen();
        return;
      }
      this.#scheduleReconnect();
    });
  }

  #scheduleReconnect(): void {
    this.#setState("reconnecting");
    const delay = this.#delays[Math.min(this.#attempt, this.#delays.length - 1)] ?? 1000;
    this.#attempt++;
    this.#retryTimer = setTimeout(() => {
      if (!this.#closedByUs) this.#open(noop, noop);
    }, delay);
  }

  #receive(data: unknown): void {
    if (typeof data !== "string") return;
    let message: { type?: number; request_id?: number; rtype?: number; result?: unknown; error?: unknown };
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (message.type === RESPONSE && typeof message.request_id === "number") {
      const pending = this.#pending.get(message.request_id);
      if (!pending) return;
      this.#pending.delete(message.request_id);
      clearTimeout(pending.timer);
      if (message.rtype === 0) pending.resolve(message.result);
      else pending.reject(parseWsError(pending.method, message.error));
    } else if (message.type === NOTIFY) {
      const notification = message as unknown as Notification;
      for (const listener of this.#listeners.get(notification.name) ?? []) listener(notification);
    }
  }

  #failPending(message: string): void {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new RegionRequestError(ErrorCode.NET_UNREACHABLE, `${pending.method}: ${message}`));
      this.#pending.delete(id);
    }
  }

  #setState(state: SocketState): void {
    if (this.#state === state) return;
    this.#state = state;
    for (const listener of this.#stateListeners) listener(state);
  }
}

function noop(): void {}

/** `ws://host/MAAS/ws` (or wss) for the page's own origin. */
export function regionSocketUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/MAAS/ws`;
}
