import type { Db } from "@hwsync/region";
import { LoadGenerator, simMachine } from "./loadgen.ts";
import {
  type BenchDatabase,
  cloneHardware,
  type RegionProcess,
  type SeededAdmin,
  type SeededMachine,
  seedAdmin,
  seedDeployedMachines,
  startRegionProcess,
} from "./region.ts";

// A synced fleet in the database: `count` deployed hw-sync machines whose hardware came from
// real pushes (a few templates through the region's own sync path), copied to all the others.

const TEMPLATES = 8;

export interface Fleet {
  admin: SeededAdmin;
  machines: SeededMachine[];
}

export async function seedFleet(database: BenchDatabase, count: number): Promise<Fleet> {
  const db = await database.open();
  let admin: SeededAdmin;
  let machines: SeededMachine[];
  try {
    admin = await seedAdmin(db);
    machines = await seedDeployedMachines(db, admin.username, count);
  } finally {
    await db.close();
  }
  // Templates sync for real, through a region: hardware rows, hash, events, history.
  const region: RegionProcess = await startRegionProcess(database);
  const templates = machines.slice(0, Math.min(TEMPLATES, machines.length));
  try {
    const generator = new LoadGenerator([region.origin], templates.length);
    const primed = await generator.prime(
      templates.map((machine, index) => simMachine(index + 1, machine.creds)),
      templates.length,
    );
    await generator.close();
    if (primed.errors > 0) throw new Error(`template pushes failed: ${primed.firstError}`);
  } finally {
    await region.stop();
  }
  const again: Db = await database.open();
  try {
    await cloneHardware(
      again,
      templates.map((machine) => machine.id),
      machines[0]!.id,
      machines[machines.length - 1]!.id,
    );
    await again.query("ANALYZE");
  } finally {
    await again.close();
  }
  return { admin, machines };
}
