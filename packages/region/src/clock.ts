/** Where the region reads "now" for domain timestamps (last_sync, events, health); tests inject a fake. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until told to move: health tests advance it instead of sleeping. */
export interface FakeClock extends Clock {
  set(date: Date | string): void;
  advance(seconds: number): void;
}

export function fakeClock(start: Date | string = "2026-11-24T12:00:00Z"): FakeClock {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (date) => {
      current = new Date(date);
    },
    advance: (seconds) => {
      current = new Date(current.getTime() + seconds * 1000);
    },
  };
}
