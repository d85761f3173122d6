// The unattended hardware-sync story behind `npm run demo`: every step runs the real binaries
// (the `maas` CLI and the agent's single binary) against the region started by scripts/start.ts.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type HardwarePayload, parseMachineCredentials } from "@hwsync/shared";
import { BUILT, type ProcessResult, runCli, runProcess } from "@hwsync/testkit/process";
import { signedPush } from "@hwsync/testkit/push";

const ROOT = resolve(import.meta.dirname, "../..");

/** The agent's single binary with an empty environment, as systemd runs it. */
function agentCommand(args: string[]): Promise<ProcessResult> {
  return runProcess(BUILT.agent, args, { env: {}, timeoutMs: 300_000 });
}

export interface DemoOptions {
  url: string;
  profile: string;
  configDir: string | undefined;
  systemId: string;
  apiKey: string;
}

const isTty = process.stdout.isTTY === true && !process.env.NO_COLOR;
const bold = (text: string) => (isTty ? `\x1b[1m${text}\x1b[22m` : text);

function step(title: string): void {
  process.stdout.write(`\n${bold(`▶ ${title}`)}\n`);
}

async function show(
  command: string,
  pending: Promise<ProcessResult>,
  expectStatus = 0,
): Promise<ProcessResult> {
  const result = await pending;
  process.stdout.write(
    `$ ${command}\n${result.stdout}${result.stdout.endsWith("\n") || !result.stdout ? "" : "\n"}`,
  );
  if (result.stderr.trim()) process.stdout.write(result.stderr.replace(/^/gm, "  ").trimEnd() + "\n");
  if (result.code !== expectStatus)
    throw new Error(`\`${command}\` exited ${result.code} (expected ${expectStatus})`);
  return result;
}

export async function runDemo(options: DemoOptions): Promise<void> {
  const { profile, systemId, configDir } = options;
  const maas = (args: string[], format = "table"): Promise<ProcessResult> => {
    const full = [profile, ...args, "--format", format];
    return show(`maas ${full.join(" ")}`, runCli(full, { configDir }));
  };
  const workDir = join(ROOT, ".data", "demo");
  mkdirSync(workDir, { recursive: true });

  step("1. Deploy the machine with hardware sync (interval 15m)");
  await maas(["machine", "deploy", systemId, "--enable-hw-sync", "--sync-interval", "15m"]);

  step("2. What the deployed machine gets: systemd units + credentials (cloud-init vendor-data)");
  const vendorData = await runCli([profile, "machine", "vendor-data", systemId, "--format", "json"], {
    configDir,
  });
  if (vendorData.code === 0)
    process.stdout.write(
      `${String(JSON.parse(vendorData.stdout)).split("\n").slice(0, 14).join("\n")}\n  …\n`,
    );
  const token = JSON.parse((await maas(["machine", "get-token", systemId], "json")).stdout) as Record<
    string,
    string
  >;
  const credentialsFile = join(workDir, "maas-machine-creds.yml");
  writeFileSync(
    credentialsFile,
    [
      "reporting:",
      "  maas:",
      `    consumer_key: ${token.consumer_key}`,
      `    endpoint: ${options.url}/metadata/status/${systemId}`,
      `    token_key: ${token.token_key}`,
      `    token_secret: ${token.token_secret}`,
      "",
    ].join("\n"),
    { mode: 0o600 },
  );

  step("3. The agent (one self-contained binary) collects this machine's real hardware and pushes it");
  await show(
    `maas-hw-sync run --config ${credentialsFile}`,
    agentCommand(["run", "--config", credentialsFile, "--state-dir", join(workDir, "agent")]),
  );

  step("4. The region's record: Deployed, last_sync / next_sync set, sync healthy");
  // The full machine JSON is long: show the hardware-sync fields of it, then the readable table.
  const read = await runCli([profile, "machine", "read", systemId, "--format", "json"], { configDir });
  if (read.code !== 0) throw new Error(`machine read failed: ${read.stderr}`);
  const machine = JSON.parse(read.stdout) as Record<string, unknown>;
  process.stdout.write(`$ maas ${profile} machine read ${systemId} --format json   (hardware-sync fields)\n`);
  for (const key of [
    "status_name",
    "enable_hw_sync",
    "sync_interval",
    "last_sync",
    "next_sync",
    "is_sync_healthy",
  ]) {
    process.stdout.write(`  ${key.padEnd(16)} ${JSON.stringify(machine[key])}\n`);
  }
  if (machine.is_sync_healthy !== true || machine.status_name !== "Deployed") {
    throw new Error("the machine should be Deployed with a healthy sync after the first push");
  }
  await maas(["machine", "hardware", systemId]);

  step("5. A simulated change: a PCI card pulled, a USB stick plugged in, an SR-IOV VF created");
  const collected = await agentCommand(["collect"]);
  if (collected.code !== 0) throw new Error(`agent collect failed: ${collected.stderr}`);
  const payload = simulateChange(JSON.parse(collected.stdout));
  const credentials = parseMachineCredentials(readFileSync(credentialsFile, "utf8"));
  const pushed = await signedPush(credentials.baseUrl, credentials, payload, { gzip: false });
  if (pushed.status !== 200) throw new Error(`the push answered ${pushed.status}: ${pushed.text}`);
  process.stdout.write(`  pushed a changed payload: ${JSON.stringify(pushed.json())}\n`);
  await maas(["events", "query", `id=${systemId}`, "limit=3"], "json");
  await maas(["machine", "hardware-history", systemId]);

  step("6. Release: physical devices stay, virtual ones (the VF) are dropped, hw sync is reset");
  await maas(["machine", "release", systemId]);
  const after = JSON.parse((await maas(["machine", "hardware", systemId], "json")).stdout) as {
    interfaces?: Array<{ name: string }>;
  };
  const names = (after.interfaces ?? []).map((nic) => nic.name);
  process.stdout.write(`  interfaces after release: ${names.join(", ") || "(none)"}\n`);
  if (names.includes("demo-vf0")) throw new Error("the virtual function should have been dropped on release");
  process.stdout.write(`\n${bold("✔ demo finished")}\n`);
}

/** Removes one PCI device, adds a USB stick and one SR-IOV VF netdev. */
export function simulateChange(payload: HardwarePayload): HardwarePayload {
  const resources = payload.resources;
  // Pull the last PCI function that no NIC or disk sits on, so the change is exactly one removal.
  const inUse = new Set<string>(
    (resources.network?.cards ?? [])
      .map((card) => card.pci_address ?? "")
      .filter((address) => address !== ""),
  );
  for (const disk of resources.storage?.disks ?? []) {
    const address = /^pci-([0-9a-f:.]+)/.exec(disk.device_path ?? "")?.[1];
    if (address) inUse.add(address);
  }
  const pci = resources.pci?.devices ?? [];
  const removable = pci.findLastIndex((device) => !inUse.has(device.pci_address));
  if (removable >= 0) pci.splice(removable, 1);
  resources.usb ??= { devices: [] };
  resources.usb.devices ??= [];
  resources.usb.devices.push({
    bus_address: 9,
    device_address: 7,
    vendor_id: "0781",
    product_id: "5567",
    vendor: "SanDisk Corp.",
    product: "Cruzer Blade",
    speed: 480,
    interfaces: [
      {
        class: "Mass Storage",
        class_id: 8,
        driver: "usb-storage",
        number: 0,
        subclass: "SCSI",
        subclass_id: 6,
      },
    ],
  });
  payload.networks ??= {};
  payload.networks["demo-vf0"] = {
    type: "broadcast",
    hwaddr: "02:00:5e:10:00:01",
    state: "up",
    addresses: [],
    bond: null,
    bridge: null,
    vlan: null,
  };
  return payload;
}
