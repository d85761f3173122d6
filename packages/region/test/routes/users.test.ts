import { apiClient, apiFailure, ENGINES, raw, uniqueName, useTestRegion } from "@hwsync/testkit";
import { describe, expect, test } from "vitest";
import { fakeClock } from "../../src/clock.ts";
import { addMachine } from "../helpers/api.ts";

describe.each(ENGINES)("users/ and the machine ops wired to hardware sync on %s", (engine) => {
  const t = useTestRegion({ engine, clock: fakeClock(new Date()) });

  test("an admin creates a user who can then get a key with their password", async () => {
    const username = uniqueName("alice");
    const { body } = await t.admin.post<Record<string, unknown>>("users/", undefined, {
      username,
      email: "alice@example.com",
      password: "alice-password",
      is_superuser: "false",
    });
    expect(body).toEqual({
      username,
      email: "alice@example.com",
      is_local: true,
      is_superuser: false,
      resource_uri: `/MAAS/api/2.0/users/${username}/`,
    });
    const token = await raw(t.region, {
      path: "/MAAS/accounts/authenticate/",
      form: { username, password: "alice-password" },
    });
    expect(token.status).toBe(200);
  });

  test.each([
    [{ username: "" }, "username", /required/],
    [{ username: "has space" }, "username", /valid username/],
    [{ username: "shortpw", password: "short" }, "password", /at least 8 characters/],
    [{ username: "bademail", email: "nope" }, "email", /valid email/],
    [{ username: "flag", is_superuser: "perhaps" }, "is_superuser", /true or false/],
  ])("creating %o is a 400 naming %s", async (form, field, message) => {
    const error = await apiFailure(t.admin.post("users/", undefined, form));
    expect(error.status).toBe(400);
    expect((error.body as Record<string, string[]>)[field]?.[0]).toMatch(message);
  });

  test("a taken username is refused and only admins create users", async () => {
    const username = uniqueName("bob");
    await t.admin.post("users/", undefined, { username });
    const again = await apiFailure(t.admin.post("users/", undefined, { username }));
    expect(again.body).toEqual({ username: ["A user with that username already exists."] });
    const byUser = await apiFailure(t.user.post("users/", undefined, { username: uniqueName("eve") }));
    expect([byUser.status, byUser.body]).toEqual([403, "This method is reserved for admin users."]);
  });

  test("admins list every user; others see only themselves", async () => {
    const all = await t.admin.get<Array<{ username: string }>>("users/");
    expect(all.body.length).toBeGreaterThanOrEqual(2);
    const mine = await t.user.get<Array<{ username: string }>>("users/");
    expect(mine.body).toHaveLength(1);
    expect(mine.body[0]!.username).toMatch(/^user_/);
  });

  test("op=hardware and op=hardware_history answer for a visible machine", async () => {
    const machine = await addMachine(t);
    const hardware = await t.user.get<Record<string, unknown>>(`machines/${machine.system_id}/`, "hardware");
    expect(hardware.body).toMatchObject({ system_id: machine.system_id, block_devices: [] });
    expect((hardware.body.interfaces as unknown[]).length).toBe(1);
    const history = await t.user.get<unknown[]>(`machines/${machine.system_id}/`, "hardware_history", {
      limit: 5,
    });
    expect(history.body).toEqual([]);
    const bad = await apiFailure(
      t.user.get(`machines/${machine.system_id}/`, "hardware_history", { limit: "lots" }),
    );
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body as object)).toEqual(["limit"]);
  });

  test("op=vendor_data is YAML for the owner and admins, 403 for anyone else", async () => {
    const machine = await addMachine(t);
    await t.admin.post(`machines/${machine.system_id}/`, "deploy", { enable_hw_sync: "true" });
    const response = await raw(t.region, {
      path: `/MAAS/api/2.0/machines/${machine.system_id}/?op=vendor_data`,
      key: t.adminKey,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-yaml; charset=utf-8");
    expect(response.text).toMatch(/^cloud-init: /);
    // The plain user can see unowned machines only; make one the user may see but does not own.
    const other = await addMachine(t);
    const stranger = apiClient(t.region, t.userKey);
    const denied = await apiFailure(stranger.get(`machines/${other.system_id}/`, "vendor_data"));
    expect(denied.status).toBe(403);
  });
});
