import { execFile } from "node:child_process";
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { parseMachineCredentials } from "@hwsync/shared";
import { ENGINES, raw, useTestRegion } from "@hwsync/testkit";
import { describe, expect, onTestFinished, test } from "vitest";
import { parse } from "yaml";
import { fakeClock } from "../../src/clock.ts";
import { AGENT_PATH } from "../../src/services/vendor-data.ts";
import { deployedMachine } from "../helpers/sync-region.ts";

const run = promisify(execFile);

interface WriteFile {
  path: string;
  content: string;
  permissions: string;
  owner?: string;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "hwsync-vendor-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes the cloud-config's files under a fake root, with the units systemd needs to resolve. */
function materialize(files: WriteFile[]): string {
  const root = tempDir();
  for (const file of files) {
    const target = join(root, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    chmodSync(target, Number.parseInt(file.permissions, 8));
  }
  // The agent the fetch script would have installed, and the targets its units pull in.
  mkdirSync(join(root, dirname(AGENT_PATH)), { recursive: true });
  writeFileSync(join(root, AGENT_PATH), "#!/bin/sh\n", { mode: 0o755 });
  const units = join(root, "usr/lib/systemd/system");
  mkdirSync(units, { recursive: true });
  for (const name of readdirSync("/usr/lib/systemd/system")) {
    const source = join("/usr/lib/systemd/system", name);
    if (/\.(target|slice)$/.test(name) && statSync(source).isFile()) cpSync(source, join(units, name));
  }
  return root;
}

// The interval → timer-lines table lives with the renderer: packages/shared/test/systemd-units.test.ts.

describe.each(ENGINES)("vendor-data on %s", (engine) => {
  const t = useTestRegion({ engine, clock: fakeClock(new Date()) });

  async function vendorData(creds = null as null | Parameters<typeof raw>[1]["key"], systemId?: string) {
    const path = systemId
      ? `/MAAS/api/2.0/machines/${systemId}/?op=vendor_data`
      : "/MAAS/metadata/latest/meta-data/vendor-data";
    const reply = await raw(t, { path, key: creds });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toBe("application/x-yaml; charset=utf-8");
    const outer = parse(reply.text) as Record<string, string>;
    expect(Object.keys(outer)).toEqual(["cloud-init"]);
    expect(outer["cloud-init"]!.startsWith("#cloud-config\n")).toBe(true);
    return {
      text: outer["cloud-init"]!,
      config: parse(outer["cloud-init"]!) as { write_files: WriteFile[]; runcmd: string[] },
    };
  }

  test("a hw-sync machine gets units, fetch script and credentials that systemd and cloud-init accept", async () => {
    const machine = await deployedMachine(t, { syncInterval: "10m" });
    const { text, config } = await vendorData(machine.creds);
    expect(config.write_files.map((file) => [file.path, file.permissions])).toEqual([
      ["/lib/systemd/system/maas_hardware_sync.timer", "0644"],
      ["/lib/systemd/system/maas_hardware_sync.service", "0644"],
      ["/usr/local/lib/maas-hw-sync/fetch-agent", "0755"],
      ["/etc/maas/maas-machine-creds.yml", "0600"],
    ]);
    expect(config.runcmd).toEqual([
      "systemctl daemon-reload",
      "systemctl start maas_hardware_sync.timer",
      "systemctl enable maas_hardware_sync.timer",
    ]);
    const [timer, service, , credentials] = config.write_files;
    // The machine's own interval, not the global 15m.
    expect(timer!.content).toContain("OnCalendar=*-*-* *:00/10:00\n");
    expect(service!.content).toContain(
      `ExecStartPre=-/usr/local/lib/maas-hw-sync/fetch-agent ${t.region.url}\n`,
    );
    expect(service!.content).toContain(
      `ExecStart=${AGENT_PATH} run --config /etc/maas/maas-machine-creds.yml\n`,
    );
    const parsedCredentials = parseMachineCredentials(credentials!.content);
    expect(parsedCredentials).toMatchObject({
      tokenKey: machine.creds.tokenKey,
      tokenSecret: machine.creds.tokenSecret,
      consumerKey: machine.creds.consumerKey,
      endpoint: `${t.region.url}/metadata/status/${machine.systemId}`,
    });

    const dir = tempDir();
    writeFileSync(join(dir, "cloud-config.yaml"), text);
    const schema = await run("cloud-init", ["schema", "--config-file", join(dir, "cloud-config.yaml")]);
    expect(schema.stdout).toContain("Valid cloud-config");

    const root = materialize(config.write_files);
    const verify = await run("systemd-analyze", [
      "verify",
      `--root=${root}`,
      join(root, "lib/systemd/system/maas_hardware_sync.service"),
      join(root, "lib/systemd/system/maas_hardware_sync.timer"),
    ]);
    expect(verify.stderr).toBe("");
    await run("sh", ["-n", join(root, "usr/local/lib/maas-hw-sync/fetch-agent")]);
  });

  test("an interval the wall clock cannot step gets a monotonic timer that systemd accepts", async () => {
    const machine = await deployedMachine(t, { syncInterval: "1h30m" });
    const { config } = await vendorData(machine.creds);
    expect(config.write_files[0]!.content).toContain("OnUnitActiveSec=5400\n");
    const root = materialize(config.write_files);
    const verify = await run("systemd-analyze", [
      "verify",
      `--root=${root}`,
      join(root, "lib/systemd/system/maas_hardware_sync.timer"),
    ]);
    expect(verify.stderr).toBe("");
  });

  test("operators read the same vendor-data with op=vendor_data", async () => {
    const machine = await deployedMachine(t);
    const fromMachine = await vendorData(machine.creds);
    const fromAdmin = await vendorData(t.adminCredentials, machine.systemId);
    expect(fromAdmin.config).toEqual(fromMachine.config);
  });

  test("a machine deployed without hardware sync gets an empty cloud-config", async () => {
    const machine = await deployedMachine(t, { enableHwSync: false });
    const { config } = await vendorData(machine.creds);
    expect(config).toEqual({});
  });

  test("a user's key cannot read machine vendor-data from the metadata API", async () => {
    const reply = await raw(t, {
      path: "/MAAS/metadata/latest/meta-data/vendor-data",
      key: t.adminCredentials,
    });
    expect([reply.status, reply.text]).toEqual([403, "Not authenticated as a known node."]);
  });
});
