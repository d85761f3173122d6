import { ENGINES, raw, signal, useTestRegion } from "@hwsync/testkit";
import { extract } from "tar-stream";
import { describe, expect, test } from "vitest";
import { fakeClock } from "../../../src/clock.ts";
import { fixture } from "../../helpers/fixtures.ts";
import { deployedMachine, push, snapshot } from "../../helpers/sync-region.ts";

const SCRIPT = "50-maas-01-commissioning";

/** What the real client sends for the commissioning script that succeeded. */
function commissioningUpload(
  json: Buffer,
  status = "WORKING",
  exitStatus = "0",
): [Array<[string, string]>, Array<[string, Buffer]>] {
  return [
    [
      ["status", status],
      ["script_result_id", "1"],
      ["runtime", "0.512"],
      ["exit_status", exitStatus],
      ["name", SCRIPT],
      ["script_version_id", "1"],
    ],
    [
      [`${SCRIPT}.out`, json],
      [`${SCRIPT}.err`, Buffer.alloc(0)],
      [SCRIPT, json],
    ],
  ];
}

async function untar(bytes: Buffer): Promise<Map<string, { mode: number; text: string }>> {
  const entries = new Map<string, { mode: number; text: string }>();
  const reader = extract();
  const done = new Promise<void>((resolve, reject) => {
    reader.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: unknown) => {
        chunks.push(chunk as Buffer);
      });
      stream.on("end", () => {
        entries.set(header.name, { mode: header.mode ?? 0, text: Buffer.concat(chunks).toString("utf8") });
        next();
      });
    });
    reader.on("finish", resolve);
    reader.on("error", reject);
  });
  reader.end(bytes);
  await done;
  return entries;
}

describe.each(ENGINES)("MAAS op=signal wire on %s", (engine) => {
  const t = useTestRegion({ engine, clock: fakeClock(new Date()) });

  const json = () => Buffer.from(`${JSON.stringify(fixture(), null, 2)}\n`);

  test("maas-scripts hands a machine one deploy-info script that runs the agent", async () => {
    const machine = await deployedMachine(t);
    const reply = await raw(t, { path: "/MAAS/metadata/2012-03-01/maas-scripts", key: machine.creds });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toBe("application/x-tar");
    const entries = await untar(reply.body);
    expect([...entries.keys()]).toEqual(["index.json", `commissioning/${SCRIPT}`]);
    const index = JSON.parse(entries.get("index.json")!.text);
    expect(Object.keys(index["1.0"])).toEqual(["commissioning_scripts", "testing_scripts"]);
    const [entry] = index["1.0"].commissioning_scripts;
    expect(entry).toMatchObject({
      name: SCRIPT,
      path: `commissioning/${SCRIPT}`,
      default: true,
      tags: ["deploy-info"],
    });
    expect(Object.keys(entry).sort()).toEqual(
      [
        "apply_configured_networking",
        "default",
        "for_hardware",
        "hardware_type",
        "has_finished",
        "has_started",
        "name",
        "packages",
        "parallel",
        "parameters",
        "path",
        "script_result_id",
        "script_version_id",
        "tags",
        "timeout_seconds",
      ].sort(),
    );
    const script = entries.get(`commissioning/${SCRIPT}`)!;
    expect(script.mode & 0o777).toBe(0o755);
    expect(script.text).toMatch(/^#!\/bin\/sh\n/);
    expect(script.text).toContain('exec "$dest" collect');
  });

  test("an anonymous maas-scripts request gets an index with no scripts", async () => {
    const reply = await raw(t, { path: "/MAAS/metadata/latest/maas-scripts" });
    expect(reply.status).toBe(200);
    const entries = await untar(reply.body);
    expect(JSON.parse(entries.get("index.json")!.text)).toEqual({
      "1.0": { commissioning_scripts: [], testing_scripts: [] },
    });
  });

  test("the real client's upload applies the hardware and answers OK", async () => {
    const machine = await deployedMachine(t);
    const [fields, files] = commissioningUpload(json());
    const reply = await signal(t, machine.creds, fields, files);
    expect([reply.status, reply.text]).toEqual([200, "OK"]);
    const snap = await snapshot(t.db, machine.machineId);
    expect(snap.machine).toMatchObject({ status: 6, cpu_count: 8, last_sync: t.clock.now() });
    expect((snap.blockDevices as unknown[]).length).toBe(2);
    const { rows } = await t.db.query<{ status: string; stdout: Buffer; output: Buffer; runtime: number }>(
      "SELECT status, stdout, output, runtime FROM script_results WHERE machine_id = $1 AND name = $2",
      [machine.machineId, SCRIPT],
    );
    expect(rows[0]!.status).toBe("PASSED");
    expect(Buffer.from(rows[0]!.stdout).equals(json())).toBe(true);
    expect(rows[0]!.runtime).toBeCloseTo(0.512);
    // The same document again: a heartbeat, no new history.
    t.clock.advance(900);
    expect((await signal(t, machine.creds, fields, files)).text).toBe("OK");
    const again = await snapshot(t.db, machine.machineId);
    expect(again.history).toEqual(snap.history);
    expect((again.machine as { last_sync: Date }).last_sync).toEqual(t.clock.now());
  });

  test("the version segment may be latest", async () => {
    const machine = await deployedMachine(t);
    const [fields, files] = commissioningUpload(json());
    const reply = await signal(t, machine.creds, fields, files, "/MAAS/metadata/latest/");
    expect([reply.status, reply.text]).toEqual([200, "OK"]);
  });

  test.each<[string, Array<[string, string]>, string]>([
    ["a missing status", [], "No provided status!"],
    ["an unknown status", [["status", "BOGUS"]], "Unknown status: 'BOGUS'"],
    [
      "a non-integer script_result_id",
      [
        ["status", "WORKING"],
        ["script_result_id", "x"],
      ],
      "Invalid script_result_id: Enter a whole number.",
    ],
    [
      "a non-integer exit_status",
      [
        ["status", "WORKING"],
        ["exit_status", "1.5"],
      ],
      "Invalid exit_status: Enter a whole number.",
    ],
    [
      "a non-number runtime",
      [
        ["status", "WORKING"],
        ["runtime", "fast"],
      ],
      "Invalid runtime: Enter a number.",
    ],
  ])("%s is a 400 with MAAS's text and changes nothing", async (_what, fields, text) => {
    const machine = await deployedMachine(t);
    const before = await snapshot(t.db, machine.machineId);
    const reply = await signal(t, machine.creds, fields, commissioningUpload(json())[1]);
    expect([reply.status, reply.text]).toEqual([400, text]);
    expect(await snapshot(t.db, machine.machineId)).toEqual(before);
  });

  test("an unknown op is an unrecognised signature", async () => {
    const machine = await deployedMachine(t);
    const reply = await raw(t, {
      path: "/MAAS/metadata/2012-03-01/?op=frobnicate",
      key: machine.creds,
      form: { status: "WORKING" },
    });
    expect([reply.status, reply.text]).toEqual([400, "Unrecognised signature: method=POST op=frobnicate"]);
  });

  test("a user's key on the metadata API is not a node", async () => {
    const reply = await signal(t, t.adminCredentials, [["status", "WORKING"]]);
    expect([reply.status, reply.text]).toEqual([403, "Not authenticated as a known node."]);
  });

  test("a failed script is recorded as an event, answered OK, and changes no state", async () => {
    const machine = await deployedMachine(t);
    await push(t, machine.creds, fixture());
    const before = await snapshot(t.db, machine.machineId);
    t.clock.advance(60);
    const reply = await signal(t, machine.creds, [
      ["status", "FAILED"],
      ["error", `Failed to execute ${SCRIPT}: 2`],
      ["exit_status", "2"],
      ["name", SCRIPT],
    ]);
    expect([reply.status, reply.text]).toEqual([200, "OK"]);
    const after = await snapshot(t.db, machine.machineId);
    expect(after.machine).toEqual(before.machine);
    expect((after.events as Array<{ type: string; description: string }>).at(-1)).toMatchObject({
      type: "NODE_HARDWARE_SYNC_FAILED",
      description: `${machine.hostname}(${machine.systemId}): hardware sync script '${SCRIPT}' failed: Failed to execute ${SCRIPT}: 2`,
    });
  });

  test("a non-zero exit status keeps the output from becoming hardware", async () => {
    const machine = await deployedMachine(t);
    const [fields, files] = commissioningUpload(json(), "WORKING", "1");
    expect((await signal(t, machine.creds, fields, files)).text).toBe("OK");
    const snap = await snapshot(t.db, machine.machineId);
    expect(snap.blockDevices).toEqual([]);
    expect(snap.machine).toMatchObject({ status: 9, last_sync: null });
  });

  test.each(["OK", "TESTING"])(
    "status %s is accepted without the state change MAAS would make",
    async (status) => {
      const machine = await deployedMachine(t);
      const [fields, files] = commissioningUpload(json(), status);
      expect((await signal(t, machine.creds, fields, files)).text).toBe("OK");
      expect((await snapshot(t.db, machine.machineId)).machine).toMatchObject({
        status: 6,
        enable_hw_sync: true,
      });
      // The token survives: MAAS's OK would have deleted it.
      expect((await push(t, machine.creds, fixture())).status).toBe(200);
    },
  );

  test("unusable JSON fails the result, logs MAAS's two events and still answers OK", async () => {
    const machine = await deployedMachine(t);
    const [fields, files] = commissioningUpload(Buffer.from("{broken"));
    expect((await signal(t, machine.creds, fields, files)).text).toBe("OK");
    const snap = await snapshot(t.db, machine.machineId);
    expect(snap.blockDevices).toEqual([]);
    expect((snap.events as Array<{ type: string; description: string }>).slice(-2)).toEqual([
      expect.objectContaining({
        type: "SCRIPT_RESULT_ERROR",
        description: "Failed processing commissioning data: invalid JSON data",
      }),
      expect.objectContaining({
        description: `${machine.hostname}(${machine.systemId}): commissioning script '${SCRIPT}' failed during post-processing.`,
      }),
    ]);
    const { rows } = await t.db.query<{ status: string }>(
      "SELECT status FROM script_results WHERE machine_id = $1",
      [machine.machineId],
    );
    expect(rows.map((row) => row.status)).toEqual(["FAILED"]);
  });

  test("reported BMC details update the machine with an event that hides the values", async () => {
    const machine = await deployedMachine(t);
    const reply = await signal(t, machine.creds, [
      ["status", "WORKING"],
      ["power_type", "ipmi"],
      [
        "power_parameters",
        JSON.stringify({ power_address: "10.0.0.9", power_user: "admin", power_pass: "s3cret" }),
      ],
    ]);
    expect(reply.text).toBe("OK");
    const snap = await snapshot(t.db, machine.machineId);
    expect(snap.machine).toMatchObject({ power_type: "ipmi" });
    const bmc = (snap.events as Array<{ type: string; description: string }>).filter(
      (e) => e.type === "NODE_HARDWARE_SYNC_BMC",
    );
    expect(bmc.map((e) => e.description)).toEqual([
      `BMC details were added on node ${machine.systemId}: power_type, power_address, power_pass, power_user`,
    ]);
    expect(JSON.stringify(snap)).not.toContain("s3cret");
    // The same report again is no change.
    await signal(t, machine.creds, [
      ["status", "WORKING"],
      ["power_type", "ipmi"],
      [
        "power_parameters",
        JSON.stringify({ power_address: "10.0.0.9", power_user: "admin", power_pass: "s3cret" }),
      ],
    ]);
    expect((await snapshot(t.db, machine.machineId)).events).toEqual(snap.events);
  });

  test.each([
    [4, 200, "OK"],
    [10, 409, "Machine status isn't valid (status is Allocated)"],
  ])("a machine in status %d gets %d", async (status, code, text) => {
    const machine = await deployedMachine(t);
    await t.db.query("UPDATE machines SET status = $2 WHERE id = $1", [machine.machineId, status]);
    const before = await snapshot(t.db, machine.machineId);
    const [fields, files] = commissioningUpload(json());
    const reply = await signal(t, machine.creds, fields, files);
    expect([reply.status, reply.text]).toEqual([code, text]);
    expect(await snapshot(t.db, machine.machineId)).toEqual(before);
  });
});
