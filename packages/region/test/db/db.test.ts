import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENGINES, openTestDatabase, POSTGRES_URL, type TestDatabase, uniqueName } from "@hwsync/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { dropSchema, openDatabase } from "../../src/db/db.ts";
import { getMachineBySystemId, insertMachine, listMachines, updateMachine } from "../../src/db/machines.ts";
import { migrate } from "../../src/db/migrate.ts";
import { MIGRATIONS } from "../../src/db/migrations/index.ts";

describe.each(ENGINES)("storage on %s", (engine) => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await openTestDatabase(engine);
  });
  afterAll(async () => {
    await testDb?.close();
  });

  async function newMachine(): Promise<number> {
    const name = uniqueName("db").replace(/_/g, "-");
    return insertMachine(testDb.db, {
      systemId: name.slice(-6),
      hostname: name,
      architecture: "amd64/generic",
      powerType: "manual",
      status: 4,
      statusMessage: null,
    });
  }

  test("every migration is recorded once and a second run applies nothing", async () => {
    const { rows } = await testDb.db.query<{ version: number }>(
      "SELECT version FROM schema_migrations ORDER BY version",
    );
    expect(rows.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version).sort((a, b) => a - b));
    expect(await migrate(testDb.db)).toEqual([]);
  });

  test("both engines return int8 as numbers, timestamps as Dates and jsonb parsed", async () => {
    const { rows } = await testDb.db.query<{ big: number; at: Date; doc: unknown }>(
      "SELECT 9007199254740991::bigint AS big, now() AS at, $1::jsonb AS doc",
      [JSON.stringify([1, { a: "b" }])],
    );
    expect(rows[0]!.big).toBe(9007199254740991);
    expect(rows[0]!.at).toBeInstanceOf(Date);
    expect(rows[0]!.doc).toEqual([1, { a: "b" }]);
  });

  test("a transaction rolls back on throw and nested calls share it", async () => {
    const before = await testDb.db.query<{ n: number }>("SELECT count(*)::int AS n FROM config");
    await expect(
      testDb.db.transaction(async (tx) => {
        await tx.query("INSERT INTO config (name, value) VALUES ('tx_probe_1', 'x')");
        await tx.transaction(async (inner) => {
          await inner.query("INSERT INTO config (name, value) VALUES ('tx_probe_2', 'y')");
        });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    const after = await testDb.db.query<{ n: number }>("SELECT count(*)::int AS n FROM config");
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  test("sync_deadline follows last_sync + 1.5 x sync_interval and clears when hw sync is off", async () => {
    const id = await newMachine();
    const lastSync = new Date("2026-11-24T12:00:00Z");
    await updateMachine(testDb.db, id, { enableHwSync: true, syncInterval: 900, lastSync });
    const deadline = async () =>
      (
        await testDb.db.query<{ d: Date | null }>("SELECT sync_deadline AS d FROM machines WHERE id = $1", [
          id,
        ])
      ).rows[0]!.d;
    expect((await deadline())?.toISOString()).toBe("2026-11-24T12:22:30.000Z");
    await updateMachine(testDb.db, id, { syncInterval: 0 });
    expect(await deadline()).toBeNull();
    await updateMachine(testDb.db, id, { syncInterval: 60, enableHwSync: false });
    expect(await deadline()).toBeNull();
  });

  test("the unhealthy filter uses the partial index on PostgreSQL", async () => {
    if (engine !== "postgres") return;
    await testDb.db.query("SET enable_seqscan = off");
    try {
      const { rows } = await testDb.db.query<{ "QUERY PLAN": string }>(
        "EXPLAIN SELECT id FROM machines WHERE enable_hw_sync AND (sync_deadline IS NULL OR sync_deadline < now())",
      );
      expect(rows.map((row) => row["QUERY PLAN"]).join("\n")).toMatch(/machines_hw_sync_deadline_idx/);
    } finally {
      await testDb.db.query("RESET enable_seqscan");
    }
  });

  test("getMachineBySystemId with forUpdate makes a second locker wait for the first", async () => {
    const id = await newMachine();
    const row = (await listMachines(testDb.db, {})).find((machine) => machine.id === id)!;
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = testDb.db.transaction(async (tx) => {
      await getMachineBySystemId(tx, row.systemId, { forUpdate: true });
      order.push("first locked");
      await held;
      await updateMachine(tx, id, { statusMessage: "first" });
      order.push("first done");
    });
    // Let the first transaction take the lock before the second asks for it.
    while (order.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const second = testDb.db.transaction(async (tx) => {
      const locked = await getMachineBySystemId(tx, row.systemId, { forUpdate: true });
      order.push(`second saw ${locked?.statusMessage}`);
    });
    setTimeout(release, 50);
    await Promise.all([first, second]);
    expect(order).toEqual(["first locked", "first done", "second saw first"]);
  });

  test("a NOTIFY inside a transaction is heard at COMMIT and not at all after ROLLBACK", async () => {
    const heard: string[] = [];
    const stop = await testDb.db.listen("hwsync_machine", (payload) => heard.push(payload));
    try {
      const tag = uniqueName("n");
      await testDb.db
        .transaction(async (tx) => {
          await tx.query("SELECT pg_notify('hwsync_machine', $1)", [`${tag}-rolled-back`]);
          throw new Error("no");
        })
        .catch(() => {});
      await testDb.db.transaction(async (tx) => {
        await tx.query("SELECT pg_notify('hwsync_machine', $1)", [`${tag}-committed`]);
      });
      while (!heard.includes(`${tag}-committed`)) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(heard.filter((payload) => payload.startsWith(tag))).toEqual([`${tag}-committed`]);
    } finally {
      await stop();
    }
  });
});

describe("PostgreSQL specifics", () => {
  test("several region processes opening one new schema at once all migrate safely", async () => {
    const schema = uniqueName("hwsync_race");
    try {
      const dbs = await Promise.all(
        [1, 2, 3].map(() => openDatabase({ databaseUrl: POSTGRES_URL, schema, poolSize: 2 })),
      );
      const { rows } = await dbs[0]!.query<{ n: number }>("SELECT count(*)::int AS n FROM schema_migrations");
      expect(rows[0]!.n).toBe(MIGRATIONS.length);
      await Promise.all(dbs.map((db) => db.close()));
    } finally {
      await dropSchema(POSTGRES_URL, schema);
    }
  });

  test("a bad URL fails with a message naming the URL without its password", async () => {
    await expect(openDatabase({ databaseUrl: "postgres://u:secret@127.0.0.1:1/none" })).rejects.toThrow(
      /cannot connect to PostgreSQL at postgres:\/\/\*\*\*@127\.0\.0\.1:1\/none/,
    );
  });

  test("a schema name that is not an identifier is refused", async () => {
    await expect(openDatabase({ databaseUrl: POSTGRES_URL, schema: "x; DROP TABLE y" })).rejects.toThrow(
      /plain SQL identifier/,
    );
  });
});

describe("PGlite data directory", () => {
  test("persists across reopen and refuses a second opener while in use", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hwsync-pglite-"));
    try {
      const first = await openDatabase({ dataDir: dir });
      await first.query("INSERT INTO config (name, value) VALUES ('maas_name', 'persisted')");
      await expect(openDatabase({ dataDir: dir })).rejects.toThrow(/is in use by process/);
      await first.close();
      const again = await openDatabase({ dataDir: dir });
      const { rows } = await again.query<{ value: string }>(
        "SELECT value FROM config WHERE name = 'maas_name'",
      );
      expect(rows[0]?.value).toBe("persisted");
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
