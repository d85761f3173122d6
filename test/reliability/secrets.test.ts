// Secrets stay secret: the region's request log (--log), the agent's stderr and state files and the
// CLI's messages never carry a token secret, a password or a session id, even when the request put
// them in a URL; every file that holds credentials is owner-only.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAdmin, getOrCreateApiKey } from "@hwsync/region";
import {
  type ApiCredentials,
  buildAuthorizationHeader,
  parseApiKey,
  plaintextSignature,
  renderMachineCredentials,
} from "@hwsync/shared";
import {
  BUILT,
  openTestDatabase,
  POSTGRES_URL,
  runCli,
  runProcess,
  type TestDatabase,
} from "@hwsync/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parse as parseYaml } from "yaml";
import { call, deployMachine, type RegionProcess, report, requireBuilt, spawnRegion } from "./helpers.ts";

const ADMIN_PASSWORD = "Adm1n-S3cret-Passw0rd-4-logs";
const API = "/MAAS/api/2.0";

function oauthQuery(creds: ApiCredentials): string {
  return new URLSearchParams({
    oauth_nonce: String(Math.random()).slice(2),
    oauth_timestamp: String(Math.floor(Date.now() / 1000)),
    oauth_version: "1.0",
    oauth_signature_method: "PLAINTEXT",
    oauth_consumer_key: creds.consumerKey,
    oauth_token: creds.tokenKey,
    oauth_signature: plaintextSignature("", creds.tokenSecret),
  }).toString();
}

function modeOf(path: string): string {
  return (statSync(path).mode & 0o777).toString(8).padStart(4, "0");
}

describe("secrets in logs, messages and files", () => {
  let database: TestDatabase;
  let region: RegionProcess;
  let admin: ApiCredentials;
  let work: string;
  const secrets: string[] = [ADMIN_PASSWORD];
  const checked: Record<string, number> = {};
  let leaks = 0;

  /** Asserts no known secret occurs in `text`, and counts what was checked. */
  function expectNoSecret(where: string, text: string): void {
    checked[where] = (checked[where] ?? 0) + text.length;
    for (const secret of secrets) {
      if (text.includes(secret)) {
        leaks += 1;
        throw new Error(`${where} contains a secret (${secret.slice(0, 4)}…)`);
      }
    }
  }

  beforeAll(async () => {
    requireBuilt("agent", "cli");
    work = mkdtempSync(join(tmpdir(), "hwsync-secrets-"));
    database = await openTestDatabase("postgres");
    await createAdmin(database.db, { username: "admin", password: ADMIN_PASSWORD, email: "a@example.com" });
    admin = parseApiKey(await getOrCreateApiKey(database.db, "admin"));
    secrets.push(admin.tokenSecret);
    region = await spawnRegion({ databaseUrl: POSTGRES_URL, schema: database.schema!, log: true });
  });

  afterAll(async () => {
    report("secrets", { bytesChecked: checked, secretsKnown: secrets.length, leaks });
    await region?.stop();
    await database?.close();
    rmSync(work, { recursive: true, force: true });
  });

  test("the region's request log and answers never carry a secret, wherever the client put it", async () => {
    const machine = await deployMachine(region.origin, admin);
    secrets.push(machine.creds.tokenSecret);
    const answers: string[] = [];
    const keep = async (reply: Promise<{ status: number; text: string }>, status: number) => {
      const { status: got, text } = await reply;
      expect(got, text).toBe(status);
      answers.push(text);
    };
    // OAuth in the query string and in the form body: valid requests whose URL holds the secret.
    await keep(call(region.origin, `${API}/machines/?${oauthQuery(admin)}`), 200);
    await keep(call(region.origin, `${API}/users/?op=whoami&${oauthQuery(admin)}`), 200);
    await keep(
      call(region.origin, `${API}/maas/?op=set_config`, {
        form: {
          name: "maas_name",
          value: "secrets-test",
          ...Object.fromEntries(new URLSearchParams(oauthQuery(admin))),
        },
      }),
      200,
    );
    // A near miss (the real secret plus one character) and the machine's secret on the user API.
    await keep(
      call(region.origin, `${API}/machines/`, {
        headers: {
          authorization: buildAuthorizationHeader({ ...admin, tokenSecret: `${admin.tokenSecret}x` }),
        },
      }),
      401,
    );
    await keep(call(region.origin, `${API}/machines/?${oauthQuery(machine.creds)}`), 401);
    // Passwords: in the form (right and wrong) and, carelessly, in the query string.
    await keep(
      call(region.origin, "/MAAS/accounts/authenticate/", {
        form: { username: "admin", password: "wrong-password-1" },
      }),
      401,
    );
    secrets.push("wrong-password-1");
    await keep(
      call(region.origin, `/MAAS/accounts/authenticate/?username=admin&password=${ADMIN_PASSWORD}`, {
        form: {},
      }),
      400,
    );
    const login = await call(region.origin, "/MAAS/accounts/login/", {
      form: { username: "admin", password: ADMIN_PASSWORD },
    });
    expect(login.status).toBe(200);
    const session = /sessionid=([^;]+)/.exec(login.headers.get("set-cookie") ?? "")?.[1];
    expect(session).toBeTruthy();
    secrets.push(session!);
    await keep(
      call(region.origin, `${API}/users/?op=whoami`, { headers: { cookie: `sessionid=${session}` } }),
      200,
    );
    await keep(call(region.origin, `${API}/users/?op=whoami&sessionid=${session}`), 401);

    // Give the log stream a moment to flush the last lines; the assertion itself is not timed.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const log = region.output();
    if (process.env.HWSYNC_SHOW_LOG) console.log(log);
    expect(log).toContain('"url"');
    expectNoSecret("region log", log);
    for (const answer of answers) expectNoSecret("region answers", answer);
  });

  test("the agent's stderr, state file and status never carry the token secret", async () => {
    const machine = await deployMachine(region.origin, admin);
    secrets.push(machine.creds.tokenSecret);
    const yaml = renderMachineCredentials({
      consumerKey: machine.creds.consumerKey,
      tokenKey: machine.creds.tokenKey,
      tokenSecret: machine.creds.tokenSecret,
      endpoint: `${region.url}/metadata/status/${machine.systemId}`,
    });
    const config = join(work, "creds.yml");
    writeFileSync(config, yaml, { mode: 0o600 });
    const stateDir = join(work, "state");
    const agent = (args: string[]) =>
      runProcess(BUILT.agent, [...args, "--config", config, "--state-dir", stateDir, "--debug"], {
        env: { ...process.env, JOURNAL_STREAM: "" },
        timeoutMs: 60_000,
      });

    const synced = await agent(["run", "--budget", "20s"]);
    expect(synced.code).toBe(0);
    const released = await call(region.origin, `${API}/machines/${machine.systemId}/?op=release`, {
      creds: admin,
      form: {},
    });
    expect(released.status).toBe(200);
    const revoked = await agent(["run", "--budget", "5s"]);
    expect(revoked.code).toBe(2);
    expect(revoked.stderr).toMatch(/401/);
    // A dead endpoint: the transient path, retries and a spooled payload.
    writeFileSync(config, yaml.replace(region.url.replace("/MAAS", ""), "http://127.0.0.1:9"), {
      mode: 0o600,
    });
    const unreachable = await agent(["run", "--budget", "3s"]);
    expect(unreachable.code).toBe(75);
    const status = await runProcess(BUILT.agent, ["status", "--state-dir", stateDir, "--json"]);

    for (const [where, result] of Object.entries({ synced, revoked, unreachable, status })) {
      expectNoSecret(`agent ${where} stderr`, result.stderr);
      expectNoSecret(`agent ${where} stdout`, result.stdout);
    }
    expectNoSecret("agent state.json", readFileSync(join(stateDir, "state.json"), "utf8"));
    expect(modeOf(stateDir)).toBe("0700");
    expect(modeOf(join(stateDir, "state.json"))).toBe("0600");
    expect(modeOf(join(stateDir, "unsent-payload.json"))).toBe("0600");
  });

  test("the CLI's failed login names no secret, and its profile file is owner-only", async () => {
    const configDir = join(work, "cli");
    const wrongSecret = "WrongSecretWrongSecretWrongSecr1";
    secrets.push(wrongSecret);
    const refused = await runCli(
      ["login", "bad", region.url, `${admin.consumerKey}:${admin.tokenKey}:${wrongSecret}`],
      {
        configDir,
      },
    );
    expect(refused.code).not.toBe(0);
    expectNoSecret("cli refused login", refused.stdout + refused.stderr);
    const key = `${admin.consumerKey}:${admin.tokenKey}:${admin.tokenSecret}`;
    const accepted = await runCli(["login", "good", region.url, "-"], { configDir, input: key });
    expect(accepted.code).toBe(0);
    expectNoSecret("cli login output", accepted.stdout + accepted.stderr);
    const listed = await runCli(["list"], { configDir });
    expectNoSecret("cli list", listed.stdout + listed.stderr);
    expect(modeOf(configDir)).toBe("0700");
    expect(modeOf(join(configDir, "profiles.json"))).toBe("0600");
  });

  test("agent install writes the credentials 0600, even over a world-readable file", async () => {
    const root = join(work, "root");
    const source = join(work, "source-creds.yml");
    writeFileSync(
      source,
      "reporting:\n  maas:\n    consumer_key: ck\n    endpoint: http://r/MAAS/metadata/status/x\n    token_key: tk\n    token_secret: ts0123456789\n",
    );
    chmodSync(source, 0o644);
    const install = (args: string[] = []) =>
      runProcess(BUILT.agent, [
        "install",
        "--config",
        source,
        "--root",
        root,
        "--binary",
        "/usr/bin/true",
        ...args,
      ]);
    expect((await install()).code).toBe(0);
    const target = join(root, "etc/maas/maas-machine-creds.yml");
    expect(modeOf(target)).toBe("0600");
    chmodSync(target, 0o666);
    expect((await install(["--interval", "5m"])).code).toBe(0);
    expect(modeOf(target)).toBe("0600");
  });

  test("the vendor-data a deploy hands the machine writes its credentials file 0600", async () => {
    const machine = await deployMachine(region.origin, admin);
    const vendor = await call(region.origin, `${API}/machines/${machine.systemId}/?op=vendor_data`, {
      creds: admin,
    });
    expect(vendor.status).toBe(200);
    // MAAS's shape: a YAML document whose `cloud-init` key holds the cloud-config text.
    const cloudConfig = (parseYaml(vendor.text) as { "cloud-init": string })["cloud-init"];
    const files =
      (
        parseYaml(cloudConfig) as {
          write_files?: Array<{ path: string; permissions?: string; content?: string }>;
        }
      ).write_files ?? [];
    const creds = files.filter((file) => file.content?.includes(machine.creds.tokenSecret));
    expect(creds.map((file) => [file.path, file.permissions])).toEqual([
      ["/etc/maas/maas-machine-creds.yml", "0600"],
    ]);
  });
});
