// The agent on a "machine" that is a network namespace, pushing to a region across a veth link;
// the test cuts the link and checks the agent's retry and recovery: exit 75 with the payload
// spooled while the region is unreachable, then a clean sync that clears the spool once it is back.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeResult, killAll } from "@hwsync/testkit/process";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { cleanUp, ensureBuilt, tempDir } from "./lib/build.ts";
import { agent, Cli } from "./lib/cli.ts";
import { storedHardware } from "./lib/host-hardware.ts";
import { createLink, HOST_ADDRESS, type Link, netnsUnavailable } from "./lib/netns.ts";
import {
  adminApiKey,
  type RegionDatabase,
  type RegionProcess,
  regionDatabase,
  startRegionProcess,
} from "./lib/region.ts";
import { CREDENTIALS_PATH, file, readVendorData } from "./lib/vendor-data.ts";

interface AgentStatus {
  state: { result: string; exit_code: number; last_error: { code: string } | null } | null;
  spooled: { bytes: number } | null;
}

const unavailable = await netnsUnavailable();
if (unavailable) process.stderr.write(`network.e2e: skipping the namespace cases: ${unavailable}\n`);

beforeAll(ensureBuilt, 300_000);
afterEach(() => killAll("test"));
afterAll(() => killAll());

const title = "an agent in a network namespace pushing over a veth link";
describe.skipIf(unavailable !== null)(unavailable ? `${title} (skipped: ${unavailable})` : title, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let link: Link | undefined;
  let database: RegionDatabase;
  let region: RegionProcess;
  let cli: Cli;
  let systemId: string;
  let credentials: string;
  let stateDir: string;

  const runAgent = (budget: string) =>
    agent(["run", "--config", credentials, "--state-dir", stateDir, "--budget", budget], {
      netns: link!.namespace,
      timeoutMs: 90_000,
    });
  const status = async () =>
    JSON.parse((await agent(["status", "--state-dir", stateDir, "--json"])).stdout) as AgentStatus;

  beforeAll(async () => {
    dir = await tempDir("netns");
    link = await createLink();
    database = regionDatabase("pglite", dir.path);
    // The region listens only on the host end of the link (and the CLI reaches it there too).
    region = await startRegionProcess(database, { host: HOST_ADDRESS });
    cli = new Cli(join(dir.path, "cli"), "admin");
    await cli.login(region.url, await adminApiKey(region.url));
    systemId = await cli.createMachine("e2e-netns", link.machineMac);
    await cli.deploy(systemId, "15m");
    credentials = join(dir.path, "maas-machine-creds.yml");
    writeFileSync(credentials, file(await readVendorData(cli, systemId), CREDENTIALS_PATH).content, {
      mode: 0o600,
    });
    stateDir = join(dir.path, "agent-state");
  }, 120_000);

  afterAll(() =>
    cleanUp(
      () => region?.stop(),
      () => link?.remove(),
      () => database?.drop(),
      () => dir?.remove(),
    ),
  );

  test("the agent inside the namespace syncs across the link and reports the namespace's NIC", async () => {
    expect(region.url).toMatch(new RegExp(`^http://${HOST_ADDRESS.replaceAll(".", "\\.")}:\\d+/MAAS$`));
    const synced = await runAgent("30s");
    expect(synced.code, describeResult(synced)).toBe(0);
    expect(synced.stderr).toMatch(/hardware synced \(sha256:[0-9a-f]{64}, \d+ changes\)/);
    const machine = await cli.readMachine(systemId);
    expect(machine).toMatchObject({ status_name: "Deployed", is_sync_healthy: true });
    // The machine's network is the namespace's: its end of the veth pair and nothing of the host's.
    expect(Object.fromEntries(storedHardware(machine).nics)).toEqual({
      [link!.machineDevice]: link!.machineMac,
    });
  });

  test("with the link cut the agent retries until its budget is spent, exits 75 and spools the payload", async () => {
    const before = await cli.readMachine(systemId);
    await link!.cut();
    const failed = await runAgent("4s");
    expect(failed.code, describeResult(failed)).toBe(75);
    expect(failed.stderr).toMatch(/retrying|budget/);
    expect(failed.stderr).toContain(`kept in ${stateDir}`);
    const recorded = await status();
    expect(recorded.state).toMatchObject({ result: "failed", exit_code: 75 });
    expect(["HWS_NET_UNREACHABLE", "HWS_TIMEOUT"]).toContain(recorded.state?.last_error?.code);
    expect(recorded.spooled?.bytes).toBeGreaterThan(0);
    // The host still reaches the region on its own address: the sync simply never arrived.
    expect((await cli.readMachine(systemId)).last_sync).toBe(before.last_sync);
  });

  test("after the link is back the next run syncs and clears the spool", async () => {
    const before = await cli.readMachine(systemId);
    await link!.restore();
    const recovered = await runAgent("30s");
    expect(recovered.code, describeResult(recovered)).toBe(0);
    expect(recovered.stderr).toContain("an unsent payload");
    expect(recovered.stderr).toMatch(/hardware (unchanged|synced)/);
    expect(await status()).toMatchObject({ state: { exit_code: 0, last_error: null }, spooled: null });
    const machine = await cli.readMachine(systemId);
    expect(Date.parse(machine.last_sync!)).toBeGreaterThan(Date.parse(before.last_sync!));
    expect(machine.is_sync_healthy).toBe(true);
  });
});
