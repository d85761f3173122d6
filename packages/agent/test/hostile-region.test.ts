import { HARDWARE_SYNC_PATH, METADATA_ROOT } from "@hwsync/shared";
import { describe, expect, test } from "vitest";
import { runCommand } from "../src/commands/run.ts";
import { exitCodeFor } from "../src/exit-codes.ts";
import { failure, useAgentSession } from "./fixtures/agent-session.ts";
import { answer, HTML_PAGE, pushAnswer, streamBody, trickleBody } from "./fixtures/hostile-region.ts";
import { MACHINE_TOKEN, makeTar } from "./fixtures/region.ts";

// The agent against a region (or whatever answers in its place) that cannot be trusted: only a
// well-formed answer counts as synced, nothing it sends can exhaust memory or outlive --budget,
// and nothing it echoes lands in state.json or the log.

const session = useAgentSession({ budget: "10s" });
const { hostile, context, stateText, stateOf, spooled } = session;
const options = session.runOptions;

/** The run failed, kept its payload and recorded the failure: nothing counts as synced. */
function expectNotSynced(code: string, exit: number) {
  expect(spooled()).toBe(true);
  expect(stateOf()).toMatchObject({ result: "failed", exit_code: exit, last_error: { code } });
  expect(stateOf().last_success).toBeNull();
}

describe("only a well-formed answer counts as synced", () => {
  test.each([
    ["an HTML page", HTML_PAGE, "text/html"],
    [
      "random bytes",
      Buffer.from([0x1f, 0x8b, 0x00, 0xff, 0x13, 0x37, 0xc3, 0x28]),
      "application/octet-stream",
    ],
    ["JSON of another shape", '{"ok":true}', "application/json"],
    ["an empty body", "", "application/json"],
  ])(
    "200 with %s on the fast path: HWS_UNEXPECTED_ANSWER, exit 2, payload kept",
    async (_name, body, type) => {
      const server = await hostile((_request, res) => answer(res, 200, body, { "content-type": type }));
      const error = await failure(runCommand(context().ctx, options(server.url)));
      expect(error.code).toBe("HWS_UNEXPECTED_ANSWER");
      expect(error.message).toMatch(/^the region's answer to the hardware push is not a push result/);
      expect(exitCodeFor(error)).toBe(2);
      expect(server.requests).toHaveLength(1);
      expectNotSynced("HWS_UNEXPECTED_ANSWER", 2);
    },
  );

  test("a push result acknowledging another payload's hash is refused", async () => {
    const server = await hostile((request, res) =>
      answer(
        res,
        200,
        pushAnswer({ ...request, headers: { "x-hwsync-content-hash": `sha256:${"0".repeat(64)}` } }),
        { "content-type": "application/json" },
      ),
    );
    const error = await failure(runCommand(context().ctx, options(server.url)));
    expect(error.code).toBe("HWS_UNEXPECTED_ANSWER");
    expect(error.message).toContain(`sha256:${"0".repeat(64)}`);
    expectNotSynced("HWS_UNEXPECTED_ANSWER", 2);
  });

  test("204 on the fast path is not an acknowledgement", async () => {
    const server = await hostile((_request, res) => res.writeHead(204).end());
    const error = await failure(runCommand(context().ctx, options(server.url)));
    expect(error.code).toBe("HWS_UNEXPECTED_ANSWER");
    expectNotSynced("HWS_UNEXPECTED_ANSWER", 2);
  });

  test("op=signal answered with an HTML 200: HWS_UNEXPECTED_ANSWER, exit 2", async () => {
    const server = await hostile((request, res) => {
      if (request.path === `${METADATA_ROOT}maas-scripts`) return answer(res, 204, "");
      answer(res, 200, HTML_PAGE, { "content-type": "text/html" });
    });
    const error = await failure(runCommand(context().ctx, options(server.url, { compat: true })));
    expect(error.code).toBe("HWS_UNEXPECTED_ANSWER");
    expect(exitCodeFor(error)).toBe(2);
    expectNotSynced("HWS_UNEXPECTED_ANSWER", 2);
  });

  test("op=signal answered OK (MAAS's plain-text success) counts as synced", async () => {
    const server = await hostile((request, res) => {
      if (request.path === `${METADATA_ROOT}maas-scripts`) return answer(res, 204, "");
      answer(res, 200, "OK", { "content-type": "text/plain; charset=utf-8" });
    });
    await runCommand(context().ctx, options(server.url, { compat: true }));
    expect(stateOf()).toMatchObject({ result: "synced", mode: "compat" });
    expect(spooled()).toBe(false);
  });
});

describe("redirects are refused, never followed", () => {
  test.each([301, 302, 303, 307, 308])(
    "%i on the fast path: HWS_REDIRECT_REFUSED naming the Location, exit 2, nothing sent there",
    async (status) => {
      const elsewhere = await hostile((_request, res) => answer(res, 200, "{}"));
      const server = await hostile((_request, res) =>
        answer(res, status, "", { location: `${elsewhere.url}/collect?steal=1` }),
      );
      const { ctx, log } = context();
      const error = await failure(runCommand(ctx, options(server.url)));
      expect(error.code).toBe("HWS_REDIRECT_REFUSED");
      expect(error.message).toContain(`${elsewhere.url}/collect?steal=1`);
      expect(error.message).toContain(String(status));
      expect(exitCodeFor(error)).toBe(2);
      expect(server.requests).toHaveLength(1);
      expect(elsewhere.requests).toHaveLength(0);
      expectNotSynced("HWS_REDIRECT_REFUSED", 2);
      expect(log.lines.some((line) => line.includes("retrying"))).toBe(false);
    },
  );

  test("a redirect of maas-scripts on the MAAS wire is refused too", async () => {
    const server = await hostile((_request, res) =>
      answer(res, 302, "", { location: "http://198.51.100.7/MAAS/metadata/2012-03-01/maas-scripts" }),
    );
    const error = await failure(runCommand(context().ctx, options(server.url, { compat: true })));
    expect(error.code).toBe("HWS_REDIRECT_REFUSED");
    expect(error.message).toContain("http://198.51.100.7/MAAS/metadata/2012-03-01/maas-scripts");
    expect(server.requests).toHaveLength(1);
  });
});

describe("bodies are capped and read under the budget", () => {
  test("a 64 MiB answer on the fast path is cut at the cap: HWS_RESPONSE_TOO_LARGE, exit 2", async () => {
    const server = await hostile((_request, res) => streamBody(res, { limitBytes: 64 * 1024 * 1024 }));
    const started = Date.now();
    const error = await failure(runCommand(context().ctx, options(server.url)));
    expect(error.code).toBe("HWS_RESPONSE_TOO_LARGE");
    expect(error.message).toMatch(/more than 64 KiB/);
    expect(exitCodeFor(error)).toBe(2);
    expect(Date.now() - started).toBeLessThan(5000);
    expectNotSynced("HWS_RESPONSE_TOO_LARGE", 2);
  });

  test("a declared Content-Length over the cap is refused before reading", async () => {
    const server = await hostile((_request, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(2 ** 40) });
      res.write("{");
    });
    const error = await failure(runCommand(context().ctx, options(server.url)));
    expect(error.code).toBe("HWS_RESPONSE_TOO_LARGE");
  });

  test("an endless answer to op=signal is cut at the cap", async () => {
    const server = await hostile((request, res) => {
      if (request.path === `${METADATA_ROOT}maas-scripts`) return answer(res, 204, "");
      streamBody(res, { headers: { "content-type": "text/plain" } });
    });
    const error = await failure(runCommand(context().ctx, options(server.url, { compat: true })));
    expect(error.code).toBe("HWS_RESPONSE_TOO_LARGE");
  });

  test("an endless maas-scripts archive is cut at its cap; the signal goes out by script name", async () => {
    const server = await hostile((request, res) => {
      if (request.path === `${METADATA_ROOT}maas-scripts`)
        return streamBody(res, { headers: { "content-type": "application/x-tar" } });
      answer(res, 200, "OK");
    });
    const { ctx, log } = context();
    await runCommand(ctx, options(server.url, { compat: true }));
    expect(
      log.lines.some((line) => /maas-scripts: .*more than 16 MiB.*signalling by script name/.test(line)),
    ).toBe(true);
    expect(server.requests.map((request) => request.path)).toEqual([
      `${METADATA_ROOT}maas-scripts`,
      METADATA_ROOT,
    ]);
    expect(stateOf()).toMatchObject({ result: "synced" });
  });

  test("an error page larger than the cap still reports its status (503 is retried, not a size error)", async () => {
    const server = await hostile((_request, res, index) => {
      if (index === 0) return streamBody(res, { status: 503, headers: { "content-type": "text/html" } });
      answer(res, 200, pushAnswer(_request), { "content-type": "application/json" });
    });
    await runCommand(context().ctx, options(server.url));
    expect(server.requests).toHaveLength(2);
    expect(stateOf()).toMatchObject({ result: "synced" });
  });

  test("a body trickling forever ends with the budget: exit 75, payload kept", async () => {
    const server = await hostile((_request, res) => trickleBody(res, 50));
    const started = Date.now();
    const error = await failure(runCommand(context().ctx, options(server.url, { budget: "2s" })));
    expect(Date.now() - started).toBeLessThan(4000);
    expect(exitCodeFor(error)).toBe(75);
    expect(spooled()).toBe(true);
  });
});

describe("Retry-After", () => {
  test("503 with Retry-After: 1 is retried after a second, not after the short backoff", async () => {
    const server = await hostile((request, res, index) => {
      if (index === 0) return answer(res, 503, "Service Unavailable", { "retry-after": "1" });
      answer(res, 200, pushAnswer(request), { "content-type": "application/json" });
    });
    const { ctx, log } = context();
    const outcome = await runCommand(ctx, options(server.url));
    expect(outcome.attempts).toBe(2);
    const gap = server.requests[1]!.at - server.requests[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(log.lines.some((line) => /asked to retry after 1 s/.test(line))).toBe(true);
  });

  test("429 with Retry-After as an HTTP date is honoured", async () => {
    const server = await hostile((request, res, index) => {
      if (index === 0) {
        const date = new Date();
        return answer(res, 429, "Too Many Requests", {
          date: date.toUTCString(),
          "retry-after": new Date(date.getTime() + 2000).toUTCString(),
        });
      }
      answer(res, 200, pushAnswer(request), { "content-type": "application/json" });
    });
    await runCommand(context().ctx, options(server.url));
    const gap = server.requests[1]!.at - server.requests[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(1000);
    expect(stateOf()).toMatchObject({ result: "synced" });
  });

  test("a Retry-After past the budget gives up at once: exit 75, says when to retry", async () => {
    const server = await hostile((_request, res) =>
      answer(res, 503, "Service Unavailable", { "retry-after": "120" }),
    );
    const started = Date.now();
    const error = await failure(runCommand(context().ctx, options(server.url, { budget: "5s" })));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(server.requests).toHaveLength(1);
    expect(exitCodeFor(error)).toBe(75);
    expect(error.message).toMatch(/asked to retry after 120 s .*past the 5s budget/);
    expect(error.hint).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    expectNotSynced(error.code!, 75);
  });
});

describe("401/403: permanent, nothing spooled", () => {
  test.each([
    [401, "Authorization Error: 'Invalid access token: x'", /released|revoked/],
    [403, "Not authenticated as a known node.", /not a machine token/],
  ])("%i: exit 2, one request, no spool, the state says what to do", async (status, body, reason) => {
    const server = await hostile((_request, res) => answer(res, status, body));
    const error = await failure(runCommand(context().ctx, options(server.url)));
    expect(error.code).toBe("HWS_AUTH_REJECTED");
    expect(error.message).toMatch(reason);
    expect(exitCodeFor(error)).toBe(2);
    expect(server.requests).toHaveLength(1);
    expect(spooled()).toBe(false);
    const state = stateOf();
    expect(state).toMatchObject({
      result: "failed",
      exit_code: 2,
      last_error: { code: "HWS_AUTH_REJECTED" },
    });
    expect(state.last_error.hint).toMatch(/[Rr]edeploy/);
  });
});

describe("secrets the region echoes never reach state.json or the log", () => {
  test("a 401 body echoing the Authorization header, the key and the secret is redacted and capped", async () => {
    const server = await hostile((request, res) =>
      answer(
        res,
        401,
        `Authorization Error: bad header ${request.headers.authorization} for key ` +
          `${MACHINE_TOKEN.consumerKey}:${MACHINE_TOKEN.tokenKey}:${MACHINE_TOKEN.tokenSecret} ` +
          `(token_secret=${MACHINE_TOKEN.tokenSecret}&oauth_signature=%26${MACHINE_TOKEN.tokenSecret}) ${"x".repeat(3000)}`,
      ),
    );
    const { ctx, log } = context();
    await failure(runCommand(ctx, options(server.url)));
    const state = stateText();
    const logged = log.lines.join("\n");
    for (const secret of [MACHINE_TOKEN.tokenSecret, MACHINE_TOKEN.tokenKey, MACHINE_TOKEN.consumerKey]) {
      expect(state).not.toContain(secret);
      expect(logged).not.toContain(secret);
    }
    expect(state).not.toMatch(/oauth_signature="?%26[A-Za-z0-9]/);
    expect(stateOf().last_error.message.length).toBeLessThanOrEqual(500);
  });

  test("a 500 with a long body stores at most 500 characters of it", async () => {
    const server = await hostile((_request, res) => answer(res, 500, `Internal error ${"y".repeat(20_000)}`));
    await failure(runCommand(context().ctx, options(server.url)));
    expect(stateOf().last_error.message.length).toBeLessThanOrEqual(500);
    expect(stateText().length).toBeLessThan(2000);
  });
});

test("a maas-scripts index the region serves is still read (control for the caps above)", async () => {
  const index = {
    "1.0": { commissioning_scripts: [{ name: "50-maas-01-commissioning", script_result_id: 7 }] },
  };
  const server = await hostile((request, res) => {
    if (request.path === HARDWARE_SYNC_PATH) return answer(res, 404, "Not Found");
    if (request.path === `${METADATA_ROOT}maas-scripts`)
      return answer(res, 200, makeTar([{ name: "index.json", content: JSON.stringify(index) }]), {
        "content-type": "application/x-tar",
      });
    answer(res, 200, "OK");
  });
  await runCommand(context().ctx, options(server.url));
  expect(server.requests).toHaveLength(3);
  expect(server.requests[2]!.body.toString("latin1")).toContain('name="script_result_id"\r\n\r\n7\r\n');
});
