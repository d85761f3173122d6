import { existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import {
  CONTENT_HASH_HEADER,
  contentHash,
  HARDWARE_SYNC_PATH,
  METADATA_ROOT,
  parseAuthorizationHeader,
} from "@hwsync/shared";
import { describe, expect, test } from "vitest";
import { runCommand } from "../src/commands/run.ts";
import { exitCodeFor } from "../src/exit-codes.ts";
import { failure, useAgentSession } from "./fixtures/agent-session.ts";
import { MACHINE_TOKEN, SIGNAL_FIELDS } from "./fixtures/region.ts";

const session = useAgentSession();
const { tree, region, context, stateOf } = session;
const options = session.runOptions;
const spooled = () => session.spoolFile;

describe("run against the fast path", () => {
  test("a changed payload goes out as one signed gzip POST carrying the hash of the exact body", async () => {
    const fake = await region();
    const { ctx, log } = context();
    const outcome = await runCommand(ctx, options(fake.url));

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request!.method).toBe("POST");
    expect(request!.path).toBe(HARDWARE_SYNC_PATH);
    expect(request!.headers["content-encoding"]).toBe("gzip");
    expect(request!.headers["content-type"]).toBe("application/json");
    const body = gunzipSync(request!.raw);
    expect(request!.headers[CONTENT_HASH_HEADER]).toBe(contentHash(body));
    expect(JSON.parse(body.toString("utf8")).api_version).toBe("1.0");
    const auth = parseAuthorizationHeader(String(request!.headers.authorization));
    expect(auth).toMatchObject({
      oauth_signature_method: "PLAINTEXT",
      oauth_consumer_key: MACHINE_TOKEN.consumerKey,
      oauth_token: MACHINE_TOKEN.tokenKey,
    });

    expect(outcome).toMatchObject({ mode: "fast", changed: true, changes: 4, attempts: 1 });
    expect(stateOf()).toMatchObject({
      result: "synced",
      exit_code: 0,
      mode: "fast",
      content_hash: contentHash(body),
      changes: 4,
      last_success: "2026-11-24T15:55:00.000Z",
      last_error: null,
    });
    expect(log.lines.at(-1)).toBe(`hardware synced (${contentHash(body)}, 4 changes)`);
  });

  test("an unchanged payload is a heartbeat: the region only notes it and the run succeeds", async () => {
    const fake = await region();
    await runCommand(context().ctx, options(fake.url));
    const { ctx, log } = context();
    const outcome = await runCommand(ctx, options(fake.url));
    expect(outcome).toMatchObject({ changed: false, changes: 0 });
    expect(stateOf()).toMatchObject({ result: "unchanged", exit_code: 0 });
    expect(log.lines.at(-1)).toMatch(/^hardware unchanged \(sha256:[0-9a-f]{64}\); heartbeat recorded$/);
  });

  test("a region answering 503 is retried until the budget is spent, then the run exits 75", async () => {
    const fake = await region({ override: () => ({ status: 503, body: "Service Unavailable" }) });
    const { ctx, log } = context();
    const error = await failure(runCommand(ctx, options(fake.url, { budget: "1s" })));
    expect(fake.requests.length).toBeGreaterThan(1);
    expect(error.code).toBe("HWS_NET_UNREACHABLE");
    expect(error.message).toMatch(
      /^no answer from the region within the 1s budget after \d+ failed attempts: .*503 Service Unavailable$/,
    );
    expect(exitCodeFor(error)).toBe(75);
    // Every failure but possibly one cut short by the budget announced its retry.
    expect(log.lines.filter((line) => line.includes("retrying")).length).toBeGreaterThanOrEqual(
      fake.requests.length - 1,
    );
  });

  test("a region that is down: retries, exit 75, payload spooled; the next run sends the newest state and clears the spool", async () => {
    const first = await region();
    const port = first.port;
    await first.close();

    const { ctx, log } = context();
    const error = await failure(runCommand(ctx, options(`http://127.0.0.1:${port}`, { budget: "1s" })));
    expect(exitCodeFor(error)).toBe(75);
    expect(error.message).toContain("ECONNREFUSED");
    expect(
      log.lines.some((line) => /attempt 1 failed HWS_NET_UNREACHABLE: .*ECONNREFUSED.*; retrying/.test(line)),
    ).toBe(true);
    expect(existsSync(spooled())).toBe(true);
    const kept = readFileSync(spooled(), "utf8");
    expect(stateOf()).toMatchObject({
      result: "failed",
      exit_code: 75,
      content_hash: contentHash(kept),
      last_success: null,
      last_error: { code: "HWS_NET_UNREACHABLE" },
    });

    // The region comes back on the same address; the next tick collects afresh.
    tree.file("/sys/block/sda/size", 2000000000);
    const back = await region({ port });
    const next = context();
    await runCommand(next.ctx, options(back.url));
    expect(next.log.lines[0]).toMatch(
      /^an unsent payload from .* is spooled; sending the current state instead$/,
    );
    const sent = gunzipSync(back.requests[0]!.raw).toString("utf8");
    expect(sent).not.toBe(kept);
    expect(
      JSON.parse(sent).resources.storage.disks.find((disk: { id: string }) => disk.id === "sda").size,
    ).toBe(2000000000 * 512);
    expect(existsSync(spooled())).toBe(false);
    expect(stateOf()).toMatchObject({ result: "synced", exit_code: 0, last_error: null });
    tree.file("/sys/block/sda/size", 1000215216);
  });

  test("401 Invalid access token: one request, no retry, a message that says why, exit 2", async () => {
    const fake = await region();
    const { ctx, log } = context();
    const revoked = {
      ...options(fake.url),
      config: session.credentials(fake.url, { ...MACHINE_TOKEN, tokenKey: "RevokedToken123456" }),
    };
    const error = await failure(runCommand(ctx, revoked));
    expect(fake.requests).toHaveLength(1);
    expect(error.code).toBe("HWS_AUTH_REJECTED");
    expect(error.message).toBe(
      "the region refused the machine token (401: Authorization Error: 'Invalid access token: RevokedToken123456'); the machine was probably released or its token revoked",
    );
    expect(exitCodeFor(error)).toBe(2);
    expect(log.lines.some((line) => line.includes("retrying"))).toBe(false);
  });

  test("409 (machine not deployed with hardware sync) is a configuration problem: exit 2, no retry", async () => {
    const fake = await region({
      override: () => ({ status: 409, body: "Machine is not deployed with hardware sync enabled" }),
    });
    const error = await failure(runCommand(context().ctx, options(fake.url)));
    expect(fake.requests).toHaveLength(1);
    expect(exitCodeFor(error)).toBe(2);
  });

  test("SIGINT during the retries stops the run with exit 130 and keeps the payload", async () => {
    const controller = new AbortController();
    const fake = await region({
      override: (_request, index) => {
        if (index === 1) controller.abort();
        return { status: 503, body: "Service Unavailable" };
      },
    });
    const { ctx } = context(controller);
    const error = await failure(runCommand(ctx, options(fake.url, { budget: "30s" })));
    expect(error.name).toBe("InterruptedError");
    expect(exitCodeFor(error)).toBe(130);
    expect(existsSync(spooled())).toBe(true);
  });
});

describe("run against a real-MAAS style region (no fast path)", () => {
  test("a 404 on the fast path falls back to maas-scripts + one op=signal with MAAS's fields and parts", async () => {
    const fake = await region({ fastPath: false });
    const outcome = await runCommand(context().ctx, options(fake.url));
    expect(outcome).toMatchObject({ mode: "compat", changed: null });
    expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `POST ${HARDWARE_SYNC_PATH}`,
      `GET ${METADATA_ROOT}maas-scripts`,
      `POST ${METADATA_ROOT}`,
    ]);
    const signal = fake.requests[2]!;
    const form = signal.form!;
    expect(form.map(([name]) => name)).toEqual(SIGNAL_FIELDS);
    const fields = new Map(form);
    expect(fields.get("op")).toBe("signal");
    expect(fields.get("status")).toBe("WORKING");
    expect(fields.get("script_result_id")).toBe("1234");
    expect(fields.get("script_version_id")).toBe("56");
    expect(fields.get("exit_status")).toBe("0");
    expect(fields.get("name")).toBe("50-maas-01-commissioning");
    expect(fields.get("runtime")).toMatch(/^\d+\.\d{3}$/);
    const json = fields.get("50-maas-01-commissioning.out")!;
    expect(JSON.parse(json).api_version).toBe("1.0");
    expect(fields.get("50-maas-01-commissioning")).toBe(json);
    expect(stateOf()).toMatchObject({ result: "synced", mode: "compat" });
  });

  test("our region's 404 for an unknown route (HWS_ROUTE_NOT_FOUND) falls back to the MAAS wire too", async () => {
    const fake = await region({
      override: (request) =>
        request.path === HARDWARE_SYNC_PATH
          ? { status: 404, body: "Not Found", headers: { "x-hwsync-error-code": "HWS_ROUTE_NOT_FOUND" } }
          : undefined,
    });
    const outcome = await runCommand(context().ctx, options(fake.url));
    expect(outcome).toMatchObject({ mode: "compat" });
    expect(fake.requests).toHaveLength(3);
  });

  test("a 404 naming another of our codes is that error, not a region without the fast path", async () => {
    const fake = await region({
      override: () => ({
        status: 404,
        body: "No Machine matches the given query.",
        headers: { "x-hwsync-error-code": "HWS_MACHINE_NOT_FOUND" },
      }),
    });
    const error = await failure(runCommand(context().ctx, options(fake.url)));
    expect(fake.requests).toHaveLength(1);
    expect(error).toMatchObject({ code: "HWS_NOT_FOUND", status: 404, serverCode: "HWS_MACHINE_NOT_FOUND" });
    expect(exitCodeFor(error)).toBe(2);
  });

  test("--compat goes straight to the MAAS wire", async () => {
    const fake = await region();
    await runCommand(context().ctx, options(fake.url, { compat: true }));
    expect(fake.requests.map((request) => request.path)).toEqual([
      `${METADATA_ROOT}maas-scripts`,
      METADATA_ROOT,
    ]);
  });

  test("anything but 200 OK to op=signal is a failure", async () => {
    const fake = await region({
      fastPath: false,
      override: (request) => (request.path === METADATA_ROOT ? { status: 200, body: "Maybe" } : undefined),
    });
    const error = await failure(runCommand(context().ctx, options(fake.url)));
    expect(error.message).toBe("the region answered 200 'Maybe' to op=signal instead of 200 OK");
  });
});

describe("the state directory", () => {
  test("a full disk for the spool is a clear error in the log, not a crash; the push error still decides", async () => {
    const first = await region();
    const port = first.port;
    await first.close();
    const state = session.stateDir;
    mkdirSync(state);
    // /dev/full answers every write with ENOSPC, as a full file system does.
    symlinkSync("/dev/full", join(state, "unsent-payload.json.tmp"));
    symlinkSync("/dev/full", join(state, "state.json.tmp"));
    const { ctx, log } = context();
    const error = await failure(runCommand(ctx, options(`http://127.0.0.1:${port}`, { budget: "1s" })));
    expect(exitCodeFor(error)).toBe(75);
    expect(log.lines).toContain(
      `HWS_SPOOL_FAILED cannot write ${join(state, "unsent-payload.json")}: no space left on the device`,
    );
    expect(log.lines).toContain(
      `HWS_SPOOL_FAILED cannot write ${join(state, "state.json")}: no space left on the device`,
    );
  });
});

describe("exit codes through main", () => {
  test.each([
    ["a region that is down", 75, "down"],
    ["a revoked token", 2, "revoked"],
    ["a missing credentials file", 2, "missing"],
    ["a bad --budget", 2, "budget"],
  ])("%s exits %i", async (_name, code, scenario) => {
    const fake = await region();
    let url = fake.url;
    if (scenario === "down") {
      await fake.close();
      url = `http://127.0.0.1:${fake.port}`;
    }
    const config = session.credentials(
      url,
      scenario === "revoked" ? { ...MACHINE_TOKEN, tokenKey: "x".repeat(18) } : MACHINE_TOKEN,
    );
    const { code: exit, stderr } = await session.main(
      session.runArgv(scenario === "missing" ? join(session.dir, "nope.yml") : config, {
        budget: scenario === "budget" ? "1 fortnight" : "1s",
      }),
    );
    expect(exit).toBe(code);
    expect(stderr).not.toContain(MACHINE_TOKEN.tokenSecret);
  });
});

test("a server that knows neither wire is a configuration error naming the endpoint", async () => {
  const fake = await region({ override: () => ({ status: 404, body: "Not Found" }) });
  const error = await failure(runCommand(context().ctx, options(fake.url)));
  expect(error.code).toBe("HWS_NOT_FOUND");
  expect(error.message).toMatch(
    /maas-scripts: 404 Not Found: the region has neither the fast path nor MAAS's metadata API$/,
  );
  expect(exitCodeFor(error)).toBe(2);
});
