import { formatMaasEventTime, parseApiKey } from "@hwsync/shared";
import { ENGINES, raw, uniqueName, useTestRegion } from "@hwsync/testkit";
import { beforeAll, describe, expect, test } from "vitest";
import { fakeClock } from "../../src/clock.ts";
import { createUser, getOrCreateApiKey } from "../../src/services/users.ts";
import { changedX86, fixture } from "../helpers/fixtures.ts";
import { deployedMachine, push, type TestMachine } from "../helpers/sync-region.ts";

describe.each(ENGINES)("events API on %s", (engine) => {
  const t = useTestRegion({ engine, clock: fakeClock(new Date()) });
  let machine: TestMachine;
  const query = (search: string, creds = t.adminCredentials) =>
    raw(t, { path: `/MAAS/api/2.0/events/?op=query&${search}`, key: creds });

  beforeAll(async () => {
    machine = await deployedMachine(t);
    await push(t, machine.creds, fixture());
    t.clock.advance(60);
    await push(t, machine.creds, changedX86());
  });

  test("a machine's sync events come newest first in MAAS's shape", async () => {
    const reply = await query(`id=${machine.systemId}&limit=3`);
    expect(reply.status).toBe(200);
    const body = reply.json();
    expect(body.count).toBe(3);
    expect(body.events[0]).toEqual({
      username: t.adminName,
      node: machine.systemId,
      hostname: machine.hostname,
      id: expect.any(Number),
      level: "INFO",
      created: formatMaasEventTime(t.clock.now()),
      type: "Node USB Device hardware sync state change",
      description: `usb device 3:7 (Kingston Technology DataTraveler 3.0) was added on node ${machine.systemId}`,
    });
    expect(body.events.map((event: { description: string }) => event.description)).toEqual([
      `usb device 3:7 (Kingston Technology DataTraveler 3.0) was added on node ${machine.systemId}`,
      `interface eth3 was added on node ${machine.systemId}`,
      `block device sdb was removed on node ${machine.systemId}`,
    ]);
    const ids = body.events.map((event: { id: number }) => event.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(body.next_uri).toBe(
      `/MAAS/api/2.0/events/?op=query&id=${machine.systemId}&limit=3&after=${ids[0]}`,
    );
    expect(body.prev_uri).toBe(
      `/MAAS/api/2.0/events/?op=query&id=${machine.systemId}&limit=3&before=${ids[2]}`,
    );
  });

  test("prev_uri pages through older events until there are none", async () => {
    const seen: number[] = [];
    let uri: string | null = `/MAAS/api/2.0/events/?op=query&id=${machine.systemId}&limit=7`;
    while (uri) {
      const body: { events: Array<{ id: number }>; prev_uri: string | null } = (
        await raw(t, { path: uri, key: t.adminCredentials })
      ).json();
      seen.push(...body.events.map((event) => event.id));
      uri = body.prev_uri;
    }
    const all = (await query(`id=${machine.systemId}&limit=1000`)).json();
    expect(seen).toEqual(all.events.map((event: { id: number }) => event.id));
    expect(all.prev_uri).toBeNull();
  });

  test("after= returns only newer events", async () => {
    const newest = (await query(`id=${machine.systemId}&limit=1`)).json().events[0].id;
    expect((await query(`id=${machine.systemId}&after=${newest}`)).json()).toMatchObject({
      count: 0,
      events: [],
    });
    const older = (await query(`id=${machine.systemId}&after=${newest - 2}`)).json();
    expect(older.events.map((event: { id: number }) => event.id)).toEqual([newest, newest - 1]);
  });

  test("hostname selects the same machine", async () => {
    const byHost = (await query(`hostname=${machine.hostname}&limit=5`)).json();
    const byId = (await query(`id=${machine.systemId}&limit=5`)).json();
    expect(byHost.events).toEqual(byId.events);
  });

  test("level is a minimum, AUDIT only selects AUDIT", async () => {
    await t.db.query(
      `INSERT INTO events (machine_id, system_id, hostname, type, level, description, created)
       VALUES ($1, $2, $3, 'NODE_HARDWARE_SYNC_FAILED', 'ERROR', 'boom', now()),
              ($1, $2, $3, 'SOMETHING', 'AUDIT', 'audited', now())`,
      [machine.machineId, machine.systemId, machine.hostname],
    );
    const levels = async (level: string) =>
      [
        ...new Set(
          (await query(`id=${machine.systemId}&level=${level}&limit=1000`))
            .json()
            .events.map((e: { level: string }) => e.level),
        ),
      ].sort();
    expect(await levels("WARNING")).toEqual(["ERROR"]);
    expect(await levels("AUDIT")).toEqual(["AUDIT"]);
    expect(await levels("info")).toEqual(["ERROR", "INFO"]);
  });

  test.each([
    ["level=LOUD", "Unrecognised log level: LOUD"],
    ["limit=1001", "Requested number of events 1001 is greater than limit: 1000"],
    ["after=1&before=5", "There is undetermined behaviour when both `after` and `before` are specified."],
    ["limit=ten", "Invalid limit: ten is not a whole number."],
  ])("%s is a 400: %s", async (search, text) => {
    const reply = await query(search);
    expect([reply.status, reply.text]).toEqual([400, text]);
  });

  test("a limit below 1 returns one event", async () => {
    expect((await query(`id=${machine.systemId}&limit=0`)).json().count).toBe(1);
  });

  test("a non-admin does not see events of machines owned by someone else", async () => {
    const name = uniqueName("viewer");
    await createUser(t.db, { username: name, password: "viewer-password" });
    const viewer = parseApiKey(await getOrCreateApiKey(t.db, name));
    expect((await query(`id=${machine.systemId}`, viewer)).json().count).toBe(0);
  });

  test("a machine token cannot query events and other ops are unrecognised", async () => {
    expect((await query(`id=${machine.systemId}`, machine.creds)).status).toBe(401);
    const reply = await raw(t, { path: "/MAAS/api/2.0/events/?op=list", key: t.adminCredentials });
    expect([reply.status, reply.text]).toEqual([400, "Unrecognised signature: method=GET op=list"]);
  });
});
