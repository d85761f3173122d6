import { ERROR_CODE_HEADER, NodeStatus } from "@hwsync/shared";
import { ENGINES, type RawResponse, raw, useTestRegion } from "@hwsync/testkit";
import { describe, expect, test } from "vitest";
import { fakeClock } from "../src/clock.ts";
import { REGION_ERRORS, type RegionErrorCode } from "../src/errors.ts";
import { addMachine } from "./helpers/api.ts";
import { fixture } from "./helpers/fixtures.ts";
import { deployedMachine, push } from "./helpers/sync-region.ts";

describe.each(ENGINES)("every error reply names its code on %s", (engine) => {
  const t = useTestRegion({ engine, clock: fakeClock(new Date()), config: { maxPayloadBytes: 64 * 1024 } });

  function expectCode(reply: RawResponse, code: RegionErrorCode): void {
    expect([reply.status, reply.headers.get(ERROR_CODE_HEADER)], reply.text).toEqual([
      REGION_ERRORS[code].status,
      code,
    ]);
  }

  test("REST API: routes, machines, signatures, credentials and forms", async () => {
    expectCode(await raw(t, { path: "/MAAS/api/2.0/nowhere/" }), "HWS_ROUTE_NOT_FOUND");
    expectCode(
      await raw(t, { path: "/MAAS/api/2.0/machines/nope/", key: t.adminCredentials }),
      "HWS_MACHINE_NOT_FOUND",
    );
    expectCode(await raw(t, { path: "/MAAS/api/2.0/machines/" }), "HWS_UNRECOGNISED_SIGNATURE");
    expectCode(await raw(t, { path: "/MAAS/api/2.0/users/?op=whoami" }), "HWS_UNAUTHORIZED");
    const forged = await raw(t, {
      path: "/MAAS/api/2.0/users/?op=whoami",
      key: { ...t.adminCredentials, tokenSecret: "wrong" },
    });
    expectCode(forged, "HWS_OAUTH_REJECTED");
    expect(forged.headers.get("www-authenticate")).toBe('OAuth realm="OAuth"');
    expectCode(
      await raw(t, { path: "/MAAS/api/2.0/machines/", key: t.userKey, form: { hostname: "x" } }),
      "HWS_ADMIN_REQUIRED",
    );
    const machine = await addMachine(t);
    const badDeploy = await raw(t, {
      path: `/MAAS/api/2.0/machines/${machine.system_id}/?op=deploy`,
      key: t.adminCredentials,
      form: { enable_hw_sync: "true", sync_interval: "soon" },
    });
    expectCode(badDeploy, "HWS_VALIDATION_FAILED");
    expect(badDeploy.headers.get("content-type")).toBe("application/json");
  });

  test("fastify's own refusals: a malformed URL and an over-long path parameter", async () => {
    expectCode(await raw(t, { path: "/MAAS/api/2.0/machines/%E0%A4%A/" }), "HWS_REQUEST_MALFORMED");
    expectCode(
      await raw(t, { path: `/MAAS/api/2.0/machines/${"x".repeat(300)}/`, key: t.adminCredentials }),
      "HWS_URL_TOO_LONG",
    );
  });

  test("metadata API: the sync rule, hashes, sizes and tokens", async () => {
    const off = await deployedMachine(t, { enableHwSync: false });
    expectCode(await push(t, off.creds, fixture()), "HWS_MACHINE_NOT_SYNCABLE");
    const on = await deployedMachine(t);
    expectCode(await push(t, t.adminCredentials, fixture()), "HWS_MACHINE_TOKEN_REQUIRED");
    expectCode(
      await push(t, on.creds, fixture(), { hash: `sha256:${"0".repeat(64)}` }),
      "HWS_CONTENT_HASH_MISMATCH",
    );
    expectCode(
      await push(t, on.creds, Buffer.alloc(128 * 1024, 0x20), { gzip: false }),
      "HWS_PAYLOAD_TOO_LARGE",
    );
    // The same rule answers MAAS's wire in MAAS's words, under the same code.
    await t.db.query("UPDATE machines SET status = $2 WHERE id = $1", [on.machineId, NodeStatus.ALLOCATED]);
    const signal = await raw(t, {
      path: "/MAAS/metadata/2012-03-01/",
      key: on.creds,
      form: { op: "signal", status: "WORKING" },
    });
    expectCode(signal, "HWS_MACHINE_NOT_SYNCABLE");
    expect(signal.text).toBe("Machine status isn't valid (status is Allocated)");
  });
});
