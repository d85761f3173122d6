import { type ApiCredentials, HARDWARE_SYNC_PATH } from "@hwsync/shared";
import { type EncodedPush, encodePush, signedHeaders } from "@hwsync/testkit/push";
import { Pool } from "undici";
import { wireDocument } from "./payloads.ts";
import { quantile } from "./stats.ts";

// The load generator: simulated agents replaying signed fast-path pushes (gzip, content hash,
// fresh OAuth nonce each time) over keep-alive connections, closed loop: each of `concurrency`
// workers sends its next push as soon as the last one answered. A machine is never in flight
// twice, so every "changed" push really changes what the region stores.

export interface SimMachine {
  creds: ApiCredentials;
  /** Encoded once; each push signs them afresh. */
  bodies: [EncodedPush, EncodedPush];
  /** Which variant the region holds for this machine (-1: nothing yet). */
  stored: -1 | 0 | 1;
}

export function simMachine(index: number, creds: ApiCredentials): SimMachine {
  return {
    creds,
    bodies: [encodePush(wireDocument(index, 0)), encodePush(wireDocument(index, 1))],
    stored: -1,
  };
}

export interface PhaseResult {
  syncs: number;
  seconds: number;
  syncsPerSecond: number;
  p50: number;
  p99: number;
  /** Answers other than 200. */
  errors: number;
  /** 200s whose `changed` was not what the phase expected. */
  unexpected: number;
  firstError?: string;
}

export class LoadGenerator {
  readonly pools: Pool[];

  constructor(origins: string[], concurrency: number) {
    const perRegion = Math.max(1, Math.ceil(concurrency / origins.length));
    this.pools = origins.map((origin) => new Pool(origin, { connections: perRegion, pipelining: 1 }));
  }

  async push(
    pool: Pool,
    machine: SimMachine,
    variant: 0 | 1,
  ): Promise<{ status: number; changed?: boolean; text: string }> {
    const body = machine.bodies[variant];
    const response = await pool.request({
      method: "POST",
      path: HARDWARE_SYNC_PATH,
      headers: signedHeaders(body, machine.creds),
      body: body.body,
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) return { status: response.statusCode, text };
    // `"changed": true` is all we need; a full parse would bill the generator for nothing.
    return { status: 200, changed: /"changed":\s*true/.test(text), text };
  }

  /**
   * Pushes for `seconds` (or until `maxSyncs`) from `concurrency` workers. "unchanged" sends
   * each machine what the region holds; "changed" sends the other variant.
   */
  async phase(
    machines: SimMachine[],
    options: {
      mode: "unchanged" | "changed";
      concurrency: number;
      seconds: number;
      maxSyncs?: number;
      /**
       * Open loop: pushes per second in total, each worker on its own even schedule (agents on
       * timers do not wait for each other). Latency counts from the scheduled moment, so a
       * region that falls behind shows its queue instead of slowing the generator down.
       */
      rate?: number;
    },
  ): Promise<PhaseResult> {
    const latencies: number[] = [];
    const busy = new Uint8Array(machines.length);
    let cursor = Math.floor(Math.random() * machines.length);
    let errors = 0;
    let unexpected = 0;
    let firstError: string | undefined;
    let sent = 0;
    const maxSyncs = options.maxSyncs ?? Number.POSITIVE_INFINITY;
    const workers = Math.min(options.concurrency, machines.length);
    const interval = options.rate ? (1000 * workers) / options.rate : 0;
    const started = performance.now();
    const end = started + options.seconds * 1000;
    const worker = async (w: number) => {
      const pool = this.pools[w % this.pools.length]!;
      let due = started + (interval * w) / workers;
      while (performance.now() < end && sent < maxSyncs) {
        if (interval > 0) {
          const wait = due - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          if (performance.now() >= end) break;
        }
        sent++;
        let index = cursor++ % machines.length;
        while (busy[index]) index = cursor++ % machines.length;
        busy[index] = 1;
        const machine = machines[index]!;
        const held = machine.stored === -1 ? 0 : machine.stored;
        const variant: 0 | 1 = options.mode === "changed" ? ((1 - held) as 0 | 1) : held;
        const t0 = interval > 0 ? due : performance.now();
        due += interval;
        try {
          const answer = await this.push(pool, machine, variant);
          latencies.push(performance.now() - t0);
          if (answer.status !== 200) {
            errors++;
            firstError ??= `${answer.status} ${answer.text.slice(0, 300)}`;
          } else {
            machine.stored = variant;
            if (answer.changed !== (options.mode === "changed")) unexpected++;
          }
        } catch (error) {
          errors++;
          firstError ??= (error as Error).message;
        }
        busy[index] = 0;
      }
    };
    await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
    const seconds = (performance.now() - started) / 1000;
    return {
      syncs: latencies.length,
      seconds,
      syncsPerSecond: latencies.length / seconds,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      errors,
      unexpected,
      firstError,
    };
  }

  /** Every machine's first sync (variant 0), so the measured phases start from stored hardware. */
  async prime(machines: SimMachine[], concurrency: number): Promise<{ errors: number; firstError?: string }> {
    const queue = machines.filter((machine) => machine.stored === -1);
    let next = 0;
    let errors = 0;
    let firstError: string | undefined;
    const worker = async (w: number) => {
      const pool = this.pools[w % this.pools.length]!;
      while (next < queue.length) {
        const machine = queue[next++]!;
        const answer = await this.push(pool, machine, 0);
        if (answer.status === 200) machine.stored = 0;
        else {
          errors++;
          firstError ??= `${answer.status} ${answer.text.slice(0, 300)}`;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
    return { errors, firstError };
  }

  async close(): Promise<void> {
    await Promise.all(this.pools.map((pool) => pool.close()));
  }
}
