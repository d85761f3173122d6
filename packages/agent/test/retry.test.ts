import { describe, expect, test } from "vitest";
import { createMemoryLogger } from "../src/log.ts";
import { RegionStatusError, retryAfterMs } from "../src/region-client.ts";
import { Retrier, RetryLaterError } from "../src/retry.ts";

describe("Retry-After", () => {
  const now = Date.parse("2026-11-24T15:55:00Z");
  test.each([
    ["seconds", { "retry-after": "120" }, 120_000],
    ["zero", { "retry-after": "0" }, 0],
    [
      "an HTTP date, against the answer's Date",
      { "retry-after": "Tue, 24 Nov 2026 16:00:10 GMT", date: "Tue, 24 Nov 2026 16:00:00 GMT" },
      10_000,
    ],
    [
      "an HTTP date without Date, against our clock",
      { "retry-after": "Tue, 24 Nov 2026 15:55:30 GMT" },
      30_000,
    ],
    ["a date in the past", { "retry-after": "Tue, 24 Nov 2026 15:00:00 GMT" }, 0],
    ["garbage", { "retry-after": "soon" }, null],
    ["a negative number", { "retry-after": "-5" }, null],
    ["nothing", {}, null],
  ])("%s", (_name, headers, expected) => {
    expect(retryAfterMs(headers, now)).toBe(expected);
  });
});

const busy = (retryAfter: number | null) =>
  new RegionStatusError(
    { status: 503, statusText: "Service Unavailable", method: "POST", url: "http://r/x", body: "busy" },
    retryAfter,
  );

test("a pause past the budget is not started: RetryLaterError at once, with the time to retry", async () => {
  const retrier = new Retrier({
    policy: { retries: 5, minDelayMs: 10, maxDelayMs: 10 },
    budgetMs: 5000,
    signal: new AbortController().signal,
    log: createMemoryLogger(),
    now: () => new Date("2026-11-24T15:55:00Z"),
  });
  let attempts = 0;
  const error = await retrier
    .run(async () => {
      attempts += 1;
      throw busy(60_000);
    })
    .catch((caught) => caught);
  expect(attempts).toBe(1);
  expect(error).toBeInstanceOf(RetryLaterError);
  expect(error).toMatchObject({ code: "HWS_API_STATUS", status: 503 });
  expect(error.retryAt.toISOString()).toBe("2026-11-24T15:56:00.000Z");
});

test("non-transient failures are not retried", async () => {
  const retrier = new Retrier({
    policy: { retries: 5, minDelayMs: 10, maxDelayMs: 10 },
    budgetMs: 5000,
    signal: new AbortController().signal,
    log: createMemoryLogger(),
  });
  let attempts = 0;
  const conflict = new RegionStatusError(
    { status: 409, statusText: "Conflict", method: "POST", url: "http://r/x", body: "" },
    5,
  );
  await expect(
    retrier.run(async () => {
      attempts += 1;
      throw conflict;
    }),
  ).rejects.toBe(conflict);
  expect(attempts).toBe(1);
});
