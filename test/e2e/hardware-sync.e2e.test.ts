// The hardware-sync story through the built binaries, each its own process over real HTTP on
// 127.0.0.1: deploy with hw sync (maas CLI) → the agent binary collects this machine's hardware and
// pushes it → machine read shows the sync and the real devices → a changed payload shows up as
// events and history → release drops the virtual devices. Then the agent over MAAS's op=signal wire.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import type { HardwarePayload } from "@hwsync/shared";
import { ENGINES } from "@hwsync/testkit";
import { describeResult, killAll } from "@hwsync/testkit/process";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { cleanUp, ensureBuilt, tempDir } from "./lib/build.ts";
import { agent, Cli, type MachineJson } from "./lib/cli.ts";
import { comparable, type HostHardware, readHostHardware, storedHardware } from "./lib/host-hardware.ts";
import {
  adminApiKey,
  type RegionDatabase,
  type RegionProcess,
  regionDatabase,
  startRegionProcess,
} from "./lib/region.ts";
import { pushAsMachine, type RemovedDevice, simulateChange, VIRTUAL_NIC } from "./lib/simulate.ts";
import { CREDENTIALS_PATH, file, readVendorData } from "./lib/vendor-data.ts";

interface HistoryEntry {
  sync_id: number;
  content_hash: string | null;
  changes: Array<{ kind: string; action: string; name: string; details?: Record<string, unknown> }>;
}

interface EventsPage {
  events: Array<{ type: string; description: string }>;
}

const sha256 = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

/** The MAC of this host's first real interface: the demo machine boots from it, as in `npm run demo`. */
function bootMac(host: HostHardware): string {
  const fromOs = Object.values(networkInterfaces())
    .flat()
    .find((address) => address && !address.internal && address.mac !== "00:00:00:00:00:00")?.mac;
  return fromOs ?? [...host.nics.values()].find((mac) => mac !== "00:00:00:00:00:00") ?? "52:54:00:e2:e0:01";
}

beforeAll(ensureBuilt, 300_000);
afterEach(() => killAll("test"));
afterAll(() => killAll());

describe.each(ENGINES)("the hardware-sync story on %s", (engine) => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let database: RegionDatabase;
  let region: RegionProcess;
  let cli: Cli;
  let host: HostHardware;
  let systemId: string;
  let credentialsYaml: string;
  let credentialsFile: string;
  let stateDir: string;
  let firstSync: MachineJson;
  let removed: RemovedDevice;

  const history = () => cli.json<HistoryEntry[]>(["machine", "hardware-history", systemId]);

  beforeAll(async () => {
    dir = await tempDir(`story-${engine}`);
    database = regionDatabase(engine, dir.path);
    region = await startRegionProcess(database);
    cli = new Cli(join(dir.path, "cli"), "admin");
    await cli.login(region.url, await adminApiKey(region.url));
    host = await readHostHardware();
    systemId = await cli.createMachine(`e2e-story-${engine}`, bootMac(host));
    credentialsFile = join(dir.path, "maas-machine-creds.yml");
    stateDir = join(dir.path, "agent-state");
  }, 120_000);

  afterAll(() =>
    cleanUp(
      () => region?.stop(),
      () => database?.drop(),
      () => dir?.remove(),
    ),
  );

  test("deploy --enable-hw-sync through the CLI leaves the machine Deploying with hw sync every 15m", async () => {
    const deployed = await cli.deploy(systemId, "15m");
    expect(deployed).toMatchObject({
      status_name: "Deploying",
      enable_hw_sync: true,
      sync_interval: 900,
      last_sync: null,
      next_sync: null,
      is_sync_healthy: false,
    });
  });

  test("the vendor-data hands the machine its credentials file, readable by root only", async () => {
    const credentials = file(await readVendorData(cli, systemId), CREDENTIALS_PATH);
    expect(credentials.permissions).toBe("0600");
    expect(credentials.content).toContain(`endpoint: ${region.url}/metadata/status/${systemId}`);
    credentialsYaml = credentials.content;
    writeFileSync(credentialsFile, credentialsYaml, { mode: 0o600 });
  });

  test("the agent binary collects this machine's hardware and pushes exactly the bytes collect prints", async () => {
    const collected = await agent(["collect"]);
    expect(collected.code, describeResult(collected)).toBe(0);
    // Read the witnesses right next to the collection, so nothing can come or go in between.
    host = await readHostHardware();
    const pushed = await agent(["run", "--config", credentialsFile, "--state-dir", stateDir]);
    expect(pushed.code, describeResult(pushed)).toBe(0);
    const synced = /hardware synced \((sha256:[0-9a-f]{64}), (\d+) changes\)/.exec(pushed.stderr);
    expect(synced?.[1], pushed.stderr).toBe(sha256(collected.stdout));
    expect(Number(synced?.[2])).toBeGreaterThan(0);
    expect(pushed.stderr).not.toContain(credentialsYaml.match(/token_secret: (\S+)/)![1]);
    const status = await agent(["status", "--state-dir", stateDir, "--json"]);
    expect(JSON.parse(status.stdout)).toMatchObject({
      state: { result: "synced", exit_code: 0, mode: "fast", content_hash: synced?.[1] },
      spooled: null,
    });
  });

  test("machine read shows last_sync, next_sync one interval later, a healthy sync and the devices lsblk, ip, lspci and lsusb report", async () => {
    firstSync = await cli.readMachine(systemId);
    expect(firstSync).toMatchObject({ status_name: "Deployed", enable_hw_sync: true, is_sync_healthy: true });
    const lastSync = Date.parse(firstSync.last_sync!);
    expect(Date.parse(firstSync.next_sync!) - lastSync).toBe(900_000);
    expect(comparable(storedHardware(firstSync))).toEqual(comparable(host));
    const table = await cli.run(["admin", "machine", "read", systemId, "--format", "table"]);
    expect(table.stdout).toMatch(/^sync health\s+healthy$/m);
  });

  test("an unchanged second run is a heartbeat: last_sync moves on, the history keeps one entry", async () => {
    const again = await agent(["run", "--config", credentialsFile, "--state-dir", stateDir]);
    expect(again.code, describeResult(again)).toBe(0);
    expect(again.stderr).toMatch(/hardware unchanged \(sha256:[0-9a-f]{64}\); heartbeat recorded/);
    const machine = await cli.readMachine(systemId);
    expect(Date.parse(machine.last_sync!)).toBeGreaterThan(Date.parse(firstSync.last_sync!));
    expect(await history()).toHaveLength(1);
  });

  test("a second payload with a device removed and a virtual NIC added shows up as events and one history entry", async () => {
    const collected = await agent(["collect"]);
    const change = simulateChange(JSON.parse(collected.stdout) as HardwarePayload);
    removed = change.removed;
    const { hash, result } = await pushAsMachine(credentialsYaml, change.payload);
    expect(result).toMatchObject({ changed: true, content_hash: hash });

    const [newest, ...older] = await history();
    expect(older).toHaveLength(1);
    expect(newest!.content_hash).toBe(hash);
    // Pulling a disk may also update its controller (a PCI "storage" device with no disk left).
    expect(result.changes).toBe(newest!.changes.length);
    expect(newest!.changes.map(({ kind, action, name }) => ({ kind, action, name }))).toEqual(
      expect.arrayContaining([
        { kind: removed.kind, action: "removed", name: removed.name },
        { kind: "interface", action: "added", name: VIRTUAL_NIC.name },
      ]),
    );
    const { events } = await cli.json<EventsPage>(["events", "query", `id=${systemId}`]);
    const descriptions = events.map((event) => event.description);
    expect(descriptions).toContainEqual(
      expect.stringMatching(new RegExp(`${removed.name}.* was removed on node ${systemId}$`)),
    );
    expect(descriptions).toContain(`interface ${VIRTUAL_NIC.name} was added on node ${systemId}`);
    const stored = storedHardware(await cli.readMachine(systemId));
    expect(stored.nics.get(VIRTUAL_NIC.name)).toBe(VIRTUAL_NIC.mac);
    expect(
      removed.kind === "block_device" ? stored.disks.has(removed.name) : stored.pci.has(removed.name),
    ).toBe(false);
  });

  test("release drops the virtual interfaces, keeps the physical devices and revokes the agent's token", async () => {
    const before = await cli.readMachine(systemId);
    const interfaces = before.interface_set as Array<{ name: string; is_virtual: boolean }>;
    expect(interfaces.find((nic) => nic.name === VIRTUAL_NIC.name)?.is_virtual).toBe(true);

    const released = await cli.json<MachineJson>(["machine", "release", systemId]);
    expect(released).toMatchObject({ status_name: "Ready", enable_hw_sync: false });

    const after = await cli.readMachine(systemId);
    const physical = interfaces.filter((nic) => !nic.is_virtual).map((nic) => nic.name);
    expect((after.interface_set as Array<{ name: string }>).map((nic) => nic.name).sort()).toEqual(
      physical.sort(),
    );
    const [was, is] = [storedHardware(before), storedHardware(after)];
    expect(comparable({ ...is, nics: new Map() })).toEqual(comparable({ ...was, nics: new Map() }));
    const [releaseEntry] = await history();
    expect(releaseEntry!.changes).toContainEqual(
      expect.objectContaining({ kind: "interface", action: "removed", name: VIRTUAL_NIC.name }),
    );

    const refused = await agent(["run", "--config", credentialsFile, "--state-dir", stateDir]);
    expect(refused.code, describeResult(refused)).toBe(2);
    expect(refused.stderr).toContain("HWS_AUTH_REJECTED");
  });

  test("the agent in --compat mode pushes over MAAS's op=signal wire and the machine becomes Deployed", async () => {
    // A second machine: its boot interface gets a MAC of its own, since MACs are unique per region.
    const compatId = await cli.createMachine(`e2e-compat-${engine}`, "52:54:00:e2:e0:c1");
    await cli.deploy(compatId, "10m");
    const compatCredentials = join(dir.path, "compat-creds.yml");
    writeFileSync(compatCredentials, file(await readVendorData(cli, compatId), CREDENTIALS_PATH).content, {
      mode: 0o600,
    });
    const compatState = join(dir.path, "compat-state");
    const pushed = await agent([
      "run",
      "--compat",
      "--config",
      compatCredentials,
      "--state-dir",
      compatState,
    ]);
    expect(pushed.code, describeResult(pushed)).toBe(0);
    expect(pushed.stderr).toMatch(/hardware sent to MAAS \(op=signal, sha256:[0-9a-f]{64}\)/);
    const status = JSON.parse((await agent(["status", "--state-dir", compatState, "--json"])).stdout);
    expect(status).toMatchObject({ state: { result: "synced", mode: "compat" }, spooled: null });

    const machine = await cli.readMachine(compatId);
    expect(machine).toMatchObject({ status_name: "Deployed", sync_interval: 600, is_sync_healthy: true });
    expect(Date.parse(machine.next_sync!) - Date.parse(machine.last_sync!)).toBe(600_000);
    const stored = storedHardware(machine);
    expect(comparable({ ...stored, nics: new Map() })).toEqual(comparable({ ...host, nics: new Map() }));
    for (const [name, mac] of host.nics) expect(stored.nics.get(name), name).toBe(mac);
  });
});
