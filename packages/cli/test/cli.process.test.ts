// The built `maas` (bin shim + esbuild bundle from build.ts) as a process, against a MAAS-shaped
// region on 127.0.0.1: what belongs to the process — exit codes, stdout vs stderr, files on disk.
import { readFile, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { startProcess } from "@hwsync/testkit/process";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { cliEnv, deployArgv, setConfigArgv, spawnCli, tempConfigDir, useBuiltCli } from "./helpers/cli.ts";
import { API_KEY, type FakeRegion, startFakeRegion } from "./helpers/fake-region.ts";

const cli = useBuiltCli({ MAAS_HWSYNC_POLL_MS: "20" });
const { maas } = cli;
let region: FakeRegion;

beforeAll(async () => {
  region = await startFakeRegion({ deployPolls: 1 });
});

afterAll(() => region.close());

describe("the maas binary", () => {
  test("logs in with the key on stdin and stores the profile with mode 0600", async () => {
    const result = await maas(["login", "admin", region.url, "-"], `${API_KEY}\n`);
    expect(result).toEqual({
      code: 0,
      stdout: "",
      stderr: `You are now logged in to the MAAS server at ${region.url}api/2.0/ with the profile name 'admin'.\nFor help with the available commands, try: maas admin --help\n`,
    });
    if (process.platform !== "win32")
      expect((await stat(join(cli.configDir, "profiles.json"))).mode & 0o777).toBe(0o600);
  });

  test("refuses a bad key with exit 3 and the server's message", async () => {
    const result = await maas(["login", "bad", region.url, "ck1234:tk5678:nope"]);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `error HWS_AUTH_REJECTED [GET] ${region.url}api/2.0/users/?op=whoami: 401 Unauthorized: Authorization Error: 'Invalid signature' Hint: the region rejected the API key; copy it again from the MAAS UI (your user > API keys) or \`maas-region apikey\`\n`,
    );
  });

  test("lists machines with hw sync and health as a plain table under NO_COLOR", async () => {
    const result = await maas(["admin", "machines", "read", "--format", "table"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "HOSTNAME  SYSTEM_ID  STATUS    HW SYNC  INTERVAL  LAST SYNC  HEALTH
      web-07    abc123     Deployed  on       15m       1m ago     healthy
      db-01     def456     Deployed  on       15m       3h ago     unhealthy
      spare-02  ghi789     Ready     off      -         -          -
      fresh-01  new001     Ready     off      -         -          -
      "
    `);
  });

  test("prints JSON when stdout is a pipe", async () => {
    const result = await maas(["admin", "machine", "read", "abc123"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      system_id: "abc123",
      enable_hw_sync: true,
      sync_interval: 900,
    });
  });

  test("deploys with the friendly flags and waits until Deployed", async () => {
    const result = await maas(deployArgv("new001", "--enable-hw-sync", "--sync-interval", "15m", "--wait"));
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(result.stdout)).toMatchObject({
      status_name: "Deployed",
      enable_hw_sync: true,
      sync_interval: 900,
    });
  });

  test("releases, then deploys with the classic key=value form", async () => {
    const released = await maas(["admin", "machine", "release", "new001"]);
    expect(released.code).toBe(0);
    expect(JSON.parse(released.stdout)).toMatchObject({
      status_name: "Ready",
      enable_hw_sync: false,
      sync_interval: null,
    });
    const deployed = await maas(deployArgv("new001", "enable_hw_sync=true", "sync_interval=1h"));
    expect(deployed.code).toBe(0);
    expect(JSON.parse(deployed.stdout)).toMatchObject({ status_name: "Deploying", sync_interval: 3600 });
    expect(region.requests.at(-1)).toMatchObject({
      query: "op=deploy",
      form: [
        ["enable_hw_sync", "true"],
        ["sync_interval", "3600"],
      ],
    });
  });

  test("sets and reads hardware_sync_interval", async () => {
    expect(await maas(setConfigArgv("hardware_sync_interval", "30m"))).toEqual({
      code: 0,
      stdout: '"OK"\n',
      stderr: "",
    });
    expect((await maas(["admin", "maas", "get-config", "name=hardware_sync_interval"])).stdout).toBe(
      '"30m"\n',
    );
  });

  test("refuses a bad interval with exit 2 and sends nothing", async () => {
    const before = region.requests.length;
    const result = await maas(deployArgv("ghi789", "--enable-hw-sync", "--sync-interval", "15 parsecs"));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "error HWS_TIME_SPAN_INVALID --sync-interval: '15 parsecs' is not a valid interval.",
    );
    expect(region.requests.length).toBe(before);
  });

  test("an unknown machine exits 4 with the server's message on stderr only", async () => {
    const result = await maas(["admin", "machine", "read", "nope"]);
    expect(result).toMatchObject({ code: 4, stdout: "" });
    expect(result.stderr).toContain("404 Not Found: No Machine matches the given query.");
  });

  test("an unknown profile exits 4", async () => {
    const result = await maas(["prod", "machine", "read", "abc123"]);
    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      "error HWS_PROFILE_NOT_FOUND profile 'prod' not found: run maas login prod URL KEY (maas list shows the profiles you have)\n",
    );
  });

  test("usage errors exit 2 and point at --help", async () => {
    const result = await maas(["admin", "machine", "deploy"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("error: missing required argument 'system_id'\n(add --help for usage)\n");
  });

  test("--help and --version exit 0 on stdout", async () => {
    const help = await maas(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("maas PROFILE RESOURCE ACTION [ARGS...] [name=value...]");
    expect((await maas(["--version"])).stdout).toBe("0.1.0\n");
  });

  test("a region that is down exits 5", async () => {
    const down = await startFakeRegion();
    await down.close();
    const result = await spawnCli(cli.bin, ["login", "gone", down.url, API_KEY], {
      configDir: await tempConfigDir(),
    });
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(
      /^error HWS_NET_UNREACHABLE \[GET\] .*: ECONNREFUSED .*Hint: Check that the region is running and the URL is right\.\n$/,
    );
  });

  test("SIGINT exits 130", async () => {
    // A deploy --wait that never finishes, interrupted once it is polling.
    const slow = await startFakeRegion({ deployPolls: 1_000_000 });
    const configDir = await tempConfigDir();
    const env = { MAAS_HWSYNC_POLL_MS: "20" };
    expect((await spawnCli(cli.bin, ["login", "x", slow.url, API_KEY], { configDir, env })).code).toBe(0);
    const child = startProcess(process.execPath, [cli.bin, "x", "machine", "deploy", "new001", "--wait"], {
      env: { PATH: process.env.PATH, ...cliEnv(configDir, env) },
    });
    while (slow.requests.filter((request) => request.method === "GET").length < 5)
      await new Promise((r) => setTimeout(r, 20));
    child.child.kill("SIGINT");
    const { code } = await child.exited;
    await slow.close();
    expect(code).toBe(130);
    expect(child.stderr()).toBe("\ninterrupted\n");
  });

  test("--help loads the command registry but no command module", async () => {
    // Every module Node loads is written to a file by a loader hook preloaded with --import.
    const dir = await tempConfigDir();
    const loaded = join(dir, "loaded.txt");
    const hook = join(dir, "trace-loads.mjs");
    await writeFile(
      hook,
      `import { appendFileSync } from "node:fs";
import { registerHooks } from "node:module";
registerHooks({
  load(url, context, nextLoad) {
    appendFileSync(${JSON.stringify(loaded)}, url + "\\n");
    return nextLoad(url, context);
  },
});
`,
    );
    const help = await maas(["--help"], undefined, { NODE_OPTIONS: `--import=${pathToFileURL(hook).href}` });
    expect(help.code, help.stderr).toBe(0);
    const files = new Set(
      (await readFile(loaded, "utf8"))
        .split("\n")
        .filter(Boolean)
        .map((url) => basename(url)),
    );
    const chunksOf = (source: RegExp) =>
      Object.entries(cli.metafile.outputs)
        .filter(
          ([file, output]) =>
            file.endsWith(".js") && Object.keys(output.inputs).some((input) => source.test(input)),
        )
        .map(([file]) => basename(file));
    expect(chunksOf(/packages\/cli\/src\/registry\.ts$/).filter((chunk) => files.has(chunk))).toHaveLength(1);
    expect(
      chunksOf(/packages\/cli\/src\/(commands\/|complete\.ts$|api\.ts$)/).filter((chunk) => files.has(chunk)),
    ).toEqual([]);
  });
});
