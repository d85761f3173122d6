// A region that finishes deployments at once (--deploy-immediately): until the machine's first
// hardware report arrives, the CLI must show it as never synced and not healthy, not as
// "healthy, last sync just now".
import { parseMachineCredentials } from "@hwsync/shared";
import { fixture, signedPush, startRegion, type TestRegion } from "@hwsync/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { useBuiltCli } from "./helpers/cli.ts";

const { maas } = useBuiltCli();
let region: TestRegion;
let machine: string;

beforeAll(async () => {
  region = await startRegion({ config: { deployImmediately: true } });
  machine = await region.createMachine("web-08");
});

afterAll(async () => {
  await region?.close();
});

describe("maas against a region that deploys immediately", () => {
  test("a deployed machine with no hardware report is never synced and unhealthy", async () => {
    expect((await maas(["login", "admin", region.url, "-"], `${region.adminKey}\n`)).code).toBe(0);
    const deploy = await maas([
      "admin",
      "machine",
      "deploy",
      machine,
      "--enable-hw-sync",
      "--sync-interval",
      "15m",
    ]);
    expect(deploy.code, deploy.stderr).toBe(0);
    const list = await maas(["admin", "machines", "read", "--format", "table"]);
    expect(list.stdout).toMatch(new RegExp(`^web-08 +${machine} +Deployed +on +15m +never +unhealthy$`, "m"));
    const read = await maas(["admin", "machine", "read", machine, "--format", "table"]);
    expect(read.stdout).toMatch(/last sync +never/);
    expect(read.stdout).toMatch(/sync health +unhealthy/);
    expect(read.stdout).not.toContain("just now");
  });

  test("the first report makes it synced just now and healthy", async () => {
    const credentials = parseMachineCredentials(await region.machineCredentialsYaml(machine));
    const pushed = await signedPush(region, credentials, fixture("machine-resources-x86.json"));
    expect(pushed.status, pushed.text).toBe(200);
    const list = await maas(["admin", "machines", "read", "--format", "table"]);
    expect(list.stdout).toMatch(
      new RegExp(`^web-08 +${machine} +Deployed +on +15m +just now +healthy$`, "m"),
    );
  });
});
