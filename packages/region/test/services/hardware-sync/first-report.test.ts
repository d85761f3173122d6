import { ENGINES, raw, useTestRegion } from "@hwsync/testkit";
import { describe, expect, test } from "vitest";
import { fakeClock } from "../../../src/clock.ts";
import { fixture } from "../../helpers/fixtures.ts";
import { deployedMachine, WIRES, type Wire } from "../../helpers/sync-region.ts";

// Until a hardware report has been applied a machine is not synced and not healthy; the first
// report finishes a deployment with Deployed's own status message.

describe.each(ENGINES)("the first hardware report on %s", (engine) => {
  const t = useTestRegion({ engine, clock: fakeClock(new Date()) });

  test.each(Object.keys(WIRES) as Wire[])(
    "ends Deploying with Deployed's message and makes it healthy (%s)",
    async (wire) => {
      const machine = await deployedMachine(t, { syncInterval: "15m" });
      const read = async () =>
        (
          await raw(t, { path: `/MAAS/api/2.0/machines/${machine.systemId}/`, key: t.adminCredentials })
        ).json();
      expect(await read()).toMatchObject({
        status_name: "Deploying",
        status_message: "Deploying: waiting for the machine's first report",
        last_sync: null,
        next_sync: null,
        is_sync_healthy: false,
      });
      expect((await WIRES[wire](t, machine.creds, fixture())).status).toBe(200);
      const after = await read();
      expect(after).toMatchObject({
        status_name: "Deployed",
        status_message: "Deployed",
        is_sync_healthy: true,
      });
      expect(Date.parse(after.last_sync)).toBe(t.clock.now().getTime());
      // A partial report still counts as a report: the machine is heard from.
      t.clock.advance(1200);
      const partial = fixture();
      partial.resources.storage = null;
      expect((await WIRES[wire](t, machine.creds, partial)).status).toBe(200);
      expect(await read()).toMatchObject({ status_message: "Deployed", is_sync_healthy: true });
    },
  );
});
