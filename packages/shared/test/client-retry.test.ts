// When ApiClient tries again: Retry-After (seconds or an HTTP date) honoured inside the budget and
// refused past it, retries counted, the budget ending them; against a scripted server on 127.0.0.1.

import { answer, answerJson } from "@hwsync/testkit/scripted-server";
import { describe, expect, test } from "vitest";
import {
  ApiClient,
  type ApiClientOptions,
  type RetryInfo,
  RetryLaterError,
  retryAfterMs,
  retryTransient,
  startBudget,
} from "../src/client.ts";
import { ApiError, InterruptedError } from "../src/errors.ts";
import { parseApiKey } from "../src/oauth.ts";
import { useScriptedServer } from "./support/use-scripted-server.ts";

const scripted = useScriptedServer();

function client(options: Partial<ApiClientOptions> = {}) {
  const retries: RetryInfo[] = [];
  const api = new ApiClient({
    url: `${scripted.url}/MAAS/`,
    credentials: parseApiKey("ck:tk:ts"),
    retry: { retries: 3, minDelayMs: 10, maxDelayMs: 20 },
    timeoutMs: 2000,
    onRetry: (info) => retries.push(info),
    ...options,
  });
  return { api, retries };
}

const gap = (first: number, second: number) => scripted.requests[second]!.at - scripted.requests[first]!.at;

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

  test("503 with Retry-After: 1 is retried after a second, not after the short backoff", async () => {
    scripted.respond = (_request, res, index) =>
      index === 0
        ? answer(res, 503, "Service Unavailable", { "retry-after": "1" })
        : answerJson(res, 200, []);
    const { api, retries } = client();
    expect((await api.get("machines/")).body).toEqual([]);
    expect(gap(0, 1)).toBeGreaterThanOrEqual(950);
    expect(retries).toMatchObject([{ attempt: 1, retryAfterMs: 1000, error: { status: 503 } }]);
  });

  test("429 with Retry-After as an HTTP date is measured against the answer's Date", async () => {
    scripted.respond = (_request, res, index) => {
      if (index > 0) return answerJson(res, 200, []);
      // The server's clock runs an hour ahead of ours: only the difference counts.
      const date = new Date(Date.now() + 3600_000);
      answer(res, 429, "Too Many Requests", {
        date: date.toUTCString(),
        "retry-after": new Date(date.getTime() + 2000).toUTCString(),
      });
    };
    await client().api.get("machines/");
    expect(gap(0, 1)).toBeGreaterThanOrEqual(1000);
    expect(gap(0, 1)).toBeLessThan(3500);
  });

  test("a Retry-After past the budget is not waited for: RetryLaterError at once, saying when", async () => {
    scripted.respond = (_request, res) => answer(res, 503, "Service Unavailable", { "retry-after": "120" });
    const { api } = client({ now: () => new Date("2026-11-24T15:55:00Z") });
    const started = Date.now();
    const error = (await api
      .request({ method: "GET", path: "machines/", budget: startBudget(5000) })
      .catch((caught: unknown) => caught)) as RetryLaterError;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(scripted.requests).toHaveLength(1);
    expect(error).toBeInstanceOf(RetryLaterError);
    expect(error).toMatchObject({ code: "HWS_API_STATUS", status: 503, retryAfterMs: 120_000 });
    expect(error.message).toBe(
      "the region answered 503 Service Unavailable and asked to retry after 120 s (at 2026-11-24T15:57:00.000Z), past the 5s budget; not waiting",
    );
    expect(error.hint).toMatch(/can succeed from 2026-11-24T15:57:00.000Z on/);
  });

  test("a request that is not retried reports the status itself, whatever Retry-After says", async () => {
    scripted.respond = (_request, res) => answer(res, 503, "busy", { "retry-after": "120" });
    const error = await client()
      .api.post("machines/abc/", "release")
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "ApiError", status: 503, retryAfterMs: 120_000 });
    expect(scripted.requests).toHaveLength(1);
  });

  test("retries the region asked for still count against the retries", async () => {
    scripted.respond = (_request, res) => answer(res, 503, "busy", { "retry-after": "0" });
    const error = await client({ retry: { retries: 2 } })
      .api.get("machines/")
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "HWS_API_STATUS", status: 503 });
    expect(scripted.requests).toHaveLength(3);
  });

  test("the caller's abort ends a pause the region asked for, with the caller's reason", async () => {
    scripted.respond = (_request, res) => answer(res, 503, "busy", { "retry-after": "30" });
    const controller = new AbortController();
    const interrupted = new InterruptedError("SIGINT");
    const pending = client()
      .api.request({
        method: "GET",
        path: "machines/",
        signal: controller.signal,
        budget: startBudget(60_000),
      })
      .catch((caught: unknown) => caught);
    await expect.poll(() => scripted.requests.length).toBe(1);
    const started = Date.now();
    controller.abort(interrupted);
    expect(await pending).toBe(interrupted);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("the budget ends the retries", () => {
  test("503s until the budget is spent: HWS_TIMEOUT naming the attempts and the last failure", async () => {
    scripted.respond = (_request, res) => answer(res, 503, "Service Unavailable");
    const started = Date.now();
    const error = (await client({ retry: { retries: 1000, minDelayMs: 10, maxDelayMs: 40 } })
      .api.request({ method: "GET", path: "machines/", budget: startBudget(1000) })
      .catch((caught: unknown) => caught)) as Error;
    expect(Date.now() - started).toBeLessThan(4000);
    expect(scripted.requests.length).toBeGreaterThan(2);
    expect(error).toMatchObject({ code: "HWS_TIMEOUT", name: "BudgetSpentError" });
    expect(error.message).toMatch(
      /^\[GET\] .*: no answer within the 1s budget after \d+ failed attempts: \[GET\] .*machines\/: 503 Service Unavailable$/,
    );
  });

  test("one budget spans several requests", async () => {
    scripted.respond = (_request, res) => answerJson(res, 200, []);
    const budget = startBudget(1500);
    const { api } = client();
    await api.request({ method: "GET", path: "machines/", budget });
    await expect.poll(() => budget.signal.aborted, { timeout: 3000 }).toBe(true);
    const sent = scripted.requests.length;
    await expect(api.request({ method: "GET", path: "machines/", budget })).rejects.toMatchObject({
      code: "HWS_TIMEOUT",
      message: expect.stringMatching(
        /: no answer within the 1.5s budget; it ran out before the request went out$/,
      ),
    });
    expect(scripted.requests).toHaveLength(sent);
  });
});

describe("retryTransient", () => {
  const busy = (retryAfter: number | null) =>
    new ApiError("HWS_API_STATUS", {
      status: 503,
      statusText: "Service Unavailable",
      method: "POST",
      url: "http://r/x",
      body: "busy",
      retryAfterMs: retryAfter,
    });

  test("a pause past the budget is not started: RetryLaterError at once, with the time to retry", async () => {
    let attempts = 0;
    const error = await retryTransient(
      async () => {
        attempts += 1;
        throw busy(60_000);
      },
      {
        policy: { retries: 5, minDelayMs: 10, maxDelayMs: 10 },
        budget: startBudget(5000),
        what: "[POST] http://r/x",
        now: () => new Date("2026-11-24T15:55:00Z"),
      },
    ).catch((caught) => caught);
    expect(attempts).toBe(1);
    expect(error).toBeInstanceOf(RetryLaterError);
    expect(error).toMatchObject({ code: "HWS_API_STATUS", status: 503 });
    expect(error.retryAt.toISOString()).toBe("2026-11-24T15:56:00.000Z");
  });

  test("non-transient failures are not retried", async () => {
    let attempts = 0;
    const conflict = new ApiError("HWS_API_STATUS", {
      status: 409,
      statusText: "Conflict",
      method: "POST",
      url: "http://r/x",
      body: "",
      retryAfterMs: 5,
    });
    await expect(
      retryTransient(
        async () => {
          attempts += 1;
          throw conflict;
        },
        {
          policy: { retries: 5, minDelayMs: 10, maxDelayMs: 10 },
          budget: startBudget(5000),
          what: "[POST] http://r/x",
        },
      ),
    ).rejects.toBe(conflict);
    expect(attempts).toBe(1);
  });
});
