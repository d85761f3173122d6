import { ENGINES, raw, useTestRegion } from "@hwsync/testkit";
import { describe, expect, test } from "vitest";
import { fakeClock } from "../../src/clock.ts";

const UNITS = "h|hr|hour|hours, m|min|minute|minutes, s|sec|second|seconds";

describe.each(ENGINES)("maas/ config on %s", (engine) => {
  const t = useTestRegion({ engine, clock: fakeClock(new Date()) });

  const getConfig = (name: string) =>
    raw(t.region, {
      path: `/MAAS/api/2.0/maas/?op=get_config&name=${encodeURIComponent(name)}`,
      key: t.userKey,
    });
  const setConfig = (form: Record<string, string>, key = t.adminKey) =>
    raw(t.region, { path: "/MAAS/api/2.0/maas/?op=set_config", key, form });

  test("hardware_sync_interval defaults to 15m, as a JSON string", async () => {
    const response = await getConfig("hardware_sync_interval");
    expect([response.status, response.headers.get("content-type"), response.text]).toEqual([
      200,
      "application/json",
      '"15m"',
    ]);
  });

  test.each(["30m", "1h30m", "1h 30m", "2 hours 5 minutes 10 seconds", "90s"])(
    "set_config accepts %s and get_config returns it verbatim",
    async (value) => {
      const response = await setConfig({ name: "hardware_sync_interval", value });
      expect([response.status, response.text]).toEqual([200, "OK"]);
      expect((await getConfig("hardware_sync_interval")).json()).toBe(value);
    },
  );

  test.each(["1 year", "15", "", "15m garbage", "1 month", "5m 1h", "15M", " 15m"])(
    "set_config refuses %j with MAAS's JSON message (anchored at both ends)",
    async (value) => {
      await setConfig({ name: "hardware_sync_interval", value: "20m" });
      const response = await setConfig({ name: "hardware_sync_interval", value });
      expect(response.status).toBe(400);
      expect(response.json()).toEqual({
        hardware_sync_interval: [`'${value}' is not a valid interval. Only '${UNITS}' are valid units`],
      });
      expect((await getConfig("hardware_sync_interval")).json()).toBe("20m");
    },
  );

  test("an interval of zero is refused: every machine would be unhealthy forever", async () => {
    const response = await setConfig({ name: "hardware_sync_interval", value: "0m" });
    expect(response.status).toBe(400);
    expect((response.json() as Record<string, string[]>).hardware_sync_interval![0]).toMatch(
      /is not a valid interval/,
    );
  });

  test.each([
    ["maas_name", "lab-region"],
    ["default_osystem", "centos"],
    ["default_distro_series", "jammy"],
  ])("%s can be set and read back", async (name, value) => {
    expect((await setConfig({ name, value })).status).toBe(200);
    expect((await getConfig(name)).json()).toBe(value);
  });

  test.each([
    [
      "get_config without name",
      () => raw(t.region, { path: "/MAAS/api/2.0/maas/?op=get_config", key: t.userKey }),
      "No provided name!",
    ],
    ["set_config without name", () => setConfig({ value: "x" }), "No provided name!"],
    ["set_config without value", () => setConfig({ name: "maas_name" }), "No provided value!"],
  ])("%s is a text 400", async (_case, call, body) => {
    const response = await call();
    expect([response.status, response.text]).toEqual([400, body]);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
  });

  test("an unknown setting is a JSON 400 listing the valid ones", async () => {
    const response = await getConfig("ntp_servers");
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({
      ntp_servers: [
        "ntp_servers is not a valid config setting (valid settings are: hardware_sync_interval, maas_name, default_osystem, default_distro_series).",
      ],
    });
  });

  test("only admins may set_config", async () => {
    const response = await setConfig({ name: "hardware_sync_interval", value: "5m" }, t.userKey);
    expect([response.status, response.text]).toEqual([403, "This method is reserved for admin users."]);
  });

  test("anonymous requests to maas/ are 401 'Forbidden'", async () => {
    const response = await raw(t.region, { path: "/MAAS/api/2.0/maas/?op=get_config&name=maas_name" });
    expect([response.status, response.text]).toEqual([401, "Forbidden"]);
  });
});
