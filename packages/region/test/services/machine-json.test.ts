import { ENGINES, raw, useTestRegion } from "@hwsync/testkit";
import { describe, expect, test } from "vitest";
import { fakeClock } from "../../src/clock.ts";
import { listMachines } from "../../src/db/machines.ts";
import { LIST_BATCH, machinesToJson } from "../../src/services/machine-json.ts";

// A list longer than one batch is streamed: the bytes must be the ones the reply serializer
// would have printed for the whole array (MAAS's 4-space JSON).

describe.each(ENGINES)("machines/ longer than a batch on %s", (engine) => {
  const clock = fakeClock(new Date("2026-11-24T12:00:00Z"));
  const t = useTestRegion({ engine, clock });

  test("streams exactly the serializer's JSON, every machine with its interfaces", async () => {
    const count = LIST_BATCH * 2 + 3;
    await t.db.query(
      `INSERT INTO machines (system_id, hostname, status, enable_hw_sync, sync_interval, last_sync)
       SELECT 's' || lpad(to_hex(i), 5, '0'), 'list-' || i, 6, i % 2 = 0, 900, $1
         FROM generate_series(1, $2::int) AS i`,
      [clock.now(), count],
    );
    await t.db.query(
      `INSERT INTO interfaces (machine_id, name, mac_address, type)
       SELECT id, 'eth0', '52:54:00:00:' || lpad(to_hex(id / 256), 2, '0') || ':' || lpad(to_hex(id % 256), 2, '0'), 'physical'
         FROM machines WHERE hostname LIKE 'list-%'`,
    );
    const reply = await raw(t, { path: "/MAAS/api/2.0/machines/", key: t.adminKey });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toBe("application/json");
    const expected = await machinesToJson(t.db, await listMachines(t.db), clock.now());
    expect(expected.length).toBeGreaterThan(LIST_BATCH);
    expect(reply.text).toBe(JSON.stringify(expected, null, 4));
  });
});
