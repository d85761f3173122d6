import { ERROR_CODE_HEADER, ErrorCode, HwsError } from "@hwsync/shared";
import { ENGINES, raw, useTestRegion } from "@hwsync/testkit";
import fc from "fast-check";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fakeClock } from "../src/clock.ts";
import { handleError } from "../src/error-handler.ts";
import { regionError } from "../src/errors.ts";
import { startRegion } from "../src/server.ts";
import { addMachine } from "./helpers/api.ts";

describe("handleError", () => {
  const app = Fastify();
  const reported: unknown[] = [];
  app.setErrorHandler((error, request, reply) => handleError(error, request, reply, (e) => reported.push(e)));
  const routes: Record<string, () => never> = {
    validation: () => {
      throw regionError("HWS_VALIDATION_FAILED", { fields: { hostname: ["bad"] } });
    },
    bad: () => {
      throw regionError("HWS_BAD_REQUEST", { message: "No provided name!" });
    },
    missing: () => {
      throw regionError("HWS_MACHINE_NOT_FOUND");
    },
    conflict: () => {
      throw regionError("HWS_MACHINE_NOT_DEPLOYABLE", { status: "Deployed" });
    },
    forbidden: () => {
      throw regionError("HWS_FORBIDDEN");
    },
    unauthorized: () => {
      throw regionError("HWS_UNAUTHORIZED");
    },
    large: () => {
      throw regionError("HWS_PAYLOAD_TOO_LARGE", { limitBytes: 16 });
    },
    shared: () => {
      throw new HwsError(ErrorCode.TIME_SPAN_INVALID, "'x' is not a valid interval");
    },
    bug: () => {
      throw new Error("secret internals");
    },
  };
  for (const [name, handler] of Object.entries(routes)) app.get(`/${name}`, handler);
  afterAll(() => app.close());

  test.each([
    ["validation", 400, "application/json; charset=utf-8", '{"hostname":["bad"]}'],
    ["bad", 400, "text/plain; charset=utf-8", "No provided name!"],
    ["missing", 404, "text/plain; charset=utf-8", "No Machine matches the given query."],
    ["conflict", 409, "text/plain; charset=utf-8", "Can't deploy a machine that is in the 'Deployed' state"],
    ["forbidden", 403, "text/plain; charset=utf-8", ""],
    ["unauthorized", 401, "text/plain; charset=utf-8", "Forbidden"],
    ["large", 413, "text/plain; charset=utf-8", "Request body is larger than the limit of 16 bytes."],
    ["shared", 400, "text/plain; charset=utf-8", "'x' is not a valid interval"],
    ["bug", 500, "text/plain; charset=utf-8", "Internal server error"],
  ])("/%s answers %i %s %j", async (name, status, type, body) => {
    const response = await app.inject({ url: `/${name}` });
    expect([response.statusCode, response.headers["content-type"], response.body]).toEqual([
      status,
      type,
      body,
    ]);
  });

  test.each([
    ["validation", "HWS_VALIDATION_FAILED"],
    ["bad", "HWS_BAD_REQUEST"],
    ["missing", "HWS_MACHINE_NOT_FOUND"],
    ["conflict", "HWS_MACHINE_NOT_DEPLOYABLE"],
    ["forbidden", "HWS_FORBIDDEN"],
    ["unauthorized", "HWS_UNAUTHORIZED"],
    ["large", "HWS_PAYLOAD_TOO_LARGE"],
    ["shared", "HWS_BAD_REQUEST"],
    ["bug", "HWS_INTERNAL_ERROR"],
  ])("/%s names its code %s in X-Hwsync-Error-Code", async (name, code) => {
    const response = await app.inject({ url: `/${name}` });
    expect(response.headers[ERROR_CODE_HEADER]).toBe(code);
  });

  test("only the uncoded error is reported as a bug, and its message never reaches the client", async () => {
    reported.length = 0;
    for (const name of Object.keys(routes)) await app.inject({ url: `/${name}` });
    expect(reported).toHaveLength(1);
    expect((reported[0] as Error).message).toBe("secret internals");
  });
});

describe.each(ENGINES)("hostile input on %s", (engine) => {
  const t = useTestRegion({ engine, clock: fakeClock(new Date()) });
  let systemId: string;
  beforeAll(async () => {
    systemId = (await addMachine(t)).system_id;
  });

  test.each([
    ["malformed multipart", "multipart/form-data; boundary=zz", "--zz\r\nbroken", 400],
    ["multipart without boundary", "multipart/form-data", "x", 400],
    ["invalid JSON", "application/json", "{nope", 400],
    ["JSON that is not an object", "application/json", "[1,2]", 409],
    ["an unknown content type", "application/x-whatever", "\u0000\u0001", 409],
  ])("%s on deploy is a 4xx, never a 500", async (_case, contentType, body, status) => {
    // The machine is already deployed after the first accepted request, so well-formed bodies get 409.
    await t.admin.post(`machines/${systemId}/`, "deploy", {}).catch(() => {});
    const response = await raw(t.region, {
      path: `/MAAS/api/2.0/machines/${systemId}/?op=deploy`,
      key: t.adminKey,
      body,
      headers: { "content-type": contentType },
    });
    expect(response.status).toBe(status);
  });

  test("a form with more than 1000 fields is refused", async () => {
    const body = Array.from({ length: 1001 }, (_, i) => `f${i}=x`).join("&");
    const response = await raw(t.region, {
      path: "/MAAS/api/2.0/maas/?op=set_config",
      key: t.adminKey,
      body,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect([response.status, response.text]).toEqual([
      400,
      "Too many form fields: at most 1000 are accepted.",
    ]);
  });

  test("a body over the limit is 413", async () => {
    const small = await startRegion({ db: t.db, config: { maxPayloadBytes: 16 * 1024 } });
    try {
      const response = await raw(small, {
        path: "/MAAS/api/2.0/maas/?op=set_config",
        key: t.adminKey,
        body: `name=maas_name&value=${"x".repeat(2 * 1024 * 1024)}`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expect(response.status).toBe(413);
      expect(response.text).toMatch(/larger than the limit/);
    } finally {
      await small.close();
    }
  });

  test("random bodies, content types and ops never produce a 500", async () => {
    const contentTypes = fc.constantFrom(
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=b",
      'multipart/form-data; boundary="=====1=="',
      "application/json",
      "text/plain",
      "application/octet-stream",
    );
    const targets = fc.constantFrom(
      `/MAAS/api/2.0/machines/${systemId}/?op=deploy`,
      `/MAAS/api/2.0/machines/${systemId}/?op=release`,
      "/MAAS/api/2.0/machines/",
      "/MAAS/api/2.0/maas/?op=set_config",
      "/MAAS/api/2.0/users/",
      "/MAAS/api/2.0/account/?op=update_token_name",
      "/MAAS/accounts/login/",
    );
    await fc.assert(
      fc.asyncProperty(
        targets,
        contentTypes,
        fc.string({ maxLength: 300 }),
        fc.string({ maxLength: 20 }),
        async (path, type, body, op) => {
          const target =
            op && path.includes("?") ? `${path.split("?")[0]}?op=${encodeURIComponent(op)}` : path;
          const response = await raw(t.region, {
            path: target,
            key: t.userKey,
            body,
            headers: { "content-type": type },
          });
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });
});
