// In-process runs of the whole CLI (argv → exit code, stdout, stderr) against a MAAS-shaped
// region on 127.0.0.1, asserting the exact requests.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { runCli, tempConfigDir } from "./helpers/cli.ts";
import { API_KEY, startFakeRegion } from "./helpers/fake-region.ts";
import { useLoggedInRegion } from "./helpers/session.ts";

const session = useLoggedInRegion();
const { maas, lastRequest } = session;

describe("login", () => {
  test("checks the key with a signed whoami, then fetches describe/ unsigned", async () => {
    const dir = await tempConfigDir();
    const result = await runCli(["login", "lab", session.region.url, API_KEY], { configDir: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `You are now logged in to the MAAS server at ${session.region.url}api/2.0/ with the profile name 'lab'.\nFor help with the available commands, try: maas lab --help\n`,
    );
    expect(
      session.region.requests.map((request) => `${request.method} ${request.path}?${request.query}`),
    ).toEqual(["GET /MAAS/api/2.0/users/?op=whoami", "GET /MAAS/api/2.0/describe/?"]);
    expect(session.region.requests[0]!.authorization).toMatch(
      /^OAuth oauth_nonce="\d+", oauth_timestamp="\d+", oauth_version="1\.0", oauth_signature_method="PLAINTEXT", oauth_consumer_key="ck1234", oauth_token="tk5678", oauth_signature="%26secret90"$/,
    );
    expect(session.region.requests[1]!.authorization).toBeUndefined();
  });

  test("a rejected key stores nothing and exits 3", async () => {
    const dir = await tempConfigDir();
    const result = await runCli(["login", "lab", session.region.url, "ck1234:tk5678:wrong"], {
      configDir: dir,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /^error HWS_AUTH_REJECTED \[GET\] .*users\/\?op=whoami: 401 Unauthorized: Authorization Error: 'Invalid signature' Hint: the region rejected the API key/,
    );
    expect((await runCli(["list"], { configDir: dir })).stdout).toBe("[]\n");
  });

  test("a malformed key is a usage error before any request", async () => {
    const result = await maas(["login", "lab", session.region.url, "not-a-key"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "error HWS_API_KEY_INVALID Malformed credentials string. Expected 3 colon-separated items",
    );
    expect(session.region.requests).toEqual([]);
  });

  test("an empty key makes an anonymous profile without a key check", async () => {
    const dir = await tempConfigDir();
    expect(
      (await runCli(["login", "anon", session.region.url, "-"], { configDir: dir, stdin: "\n" })).code,
    ).toBe(0);
    expect(session.region.requests.map((request) => request.path)).toEqual(["/MAAS/api/2.0/describe/"]);
    const list = await runCli(["list"], { configDir: dir });
    expect(JSON.parse(list.stdout)).toEqual([
      { name: "anon", url: `${session.region.url}api/2.0/`, username: null, credentials: null },
    ]);
  });

  test("no key and no terminal is a usage error", async () => {
    const result = await maas(["login", "lab", session.region.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "no API key given: pass it as the third argument, or '-' to read it from stdin",
    );
  });
});

describe("profiles", () => {
  test("list masks the secret unless --show-keys", async () => {
    expect(JSON.parse((await maas(["list"])).stdout)[0].credentials).toBe("ck1234:tk5678:****");
    expect(JSON.parse((await maas(["list", "--show-keys"])).stdout)[0].credentials).toBe(API_KEY);
  });

  test("logout forgets the profile; an unknown one exits 4", async () => {
    expect(await maas(["logout", "admin"])).toEqual({
      code: 0,
      stdout: "",
      stderr: "Logged out of 'admin'.\n",
    });
    const again = await maas(["logout", "admin"]);
    expect(again.code).toBe(4);
    expect(again.stderr).toContain("profile 'admin' not found: run maas login admin URL KEY");
  });

  test("an unknown profile exits 4 and says how to log in", async () => {
    const result = await maas(["prod", "machines", "read"]);
    expect(result).toMatchObject({ code: 4, stdout: "" });
    expect(result.stderr).toBe(
      "error HWS_PROFILE_NOT_FOUND profile 'prod' not found: run maas login prod URL KEY (maas list shows the profiles you have)\n",
    );
  });

  test("a region whose API hash differs from the stored description gets a refresh warning", async () => {
    const file = join(session.configDir, "profiles.json");
    const stored = JSON.parse(await readFile(file, "utf8"));
    stored.profiles.admin.descriptionHash = "0000";
    await writeFile(file, JSON.stringify(stored));
    const result = await maas(["admin", "machine", "get-token", "abc123"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `warning: the API on ${session.region.url}api/2.0/ differs from the description stored for 'admin': run maas refresh\n`,
    );
  });

  test("refresh fetches describe/ again for every profile", async () => {
    const result = await maas(["refresh"]);
    expect(result).toEqual({ code: 0, stdout: "", stderr: "Refreshed 'admin' (5 resources).\n" });
    expect(session.region.requests.map((request) => request.path)).toEqual(["/MAAS/api/2.0/describe/"]);
  });
});

describe("generic commands from the description", () => {
  test("events query id=… is a GET with op first", async () => {
    const result = await maas(["admin", "events", "query", "id=abc123"]);
    expect(JSON.parse(result.stdout).events[0].description).toBe("block device nvme0n1 was added");
    expect(lastRequest()).toMatchObject({
      method: "GET",
      path: "/MAAS/api/2.0/events/",
      query: "op=query&id=abc123",
    });
  });

  test("a POST with name@=file sends a multipart file part", async () => {
    const file = join(session.configDir, "note.txt");
    await writeFile(file, "hello");
    await maas(["admin", "machine", "power-parameters", "abc123", `blob@=${file}`]);
    expect(lastRequest()).toMatchObject({ method: "GET", query: "op=power_parameters&blob=hello" });
  });

  test("an action the region doesn't know is a usage error naming it", async () => {
    const result = await maas(["admin", "machine", "frobnicate", "abc123"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: unknown command 'frobnicate'");
  });

  test("a missing positional is a usage error", async () => {
    const result = await maas(["admin", "machine", "read"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: missing required argument 'system_id'");
  });

  test("PROFILE --help lists the resources of the description", async () => {
    const result = await maas(["admin", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: maas admin RESOURCE ACTION [ARGS...] [name=value...]");
    expect(result.stdout.match(/^ {2}(\S+) +\S/gm)?.map((line) => line.trim().split(/\s+/)[0])).toEqual([
      "-h,",
      "events",
      "maas",
      "machine",
      "machines",
      "users",
    ]);
  });

  test("RESOURCE --help lists friendly and generic actions together", async () => {
    const result = await maas(["admin", "machine", "--help"]);
    for (const action of [
      "deploy",
      "get-token",
      "hardware",
      "hardware-history",
      "power-parameters",
      "read",
      "release",
    ]) {
      expect(result.stdout).toMatch(new RegExp(`^  ${action}\\b`, "m"));
    }
  });
});

describe("output formats", () => {
  test("a terminal gets a table; NO_COLOR keeps it plain", async () => {
    const result = await maas(["admin", "machine", "get-token", "abc123"], { tty: true });
    expect(result.stdout).toBe("consumer_key  mck\ntoken_key     mtk\ntoken_secret  mts\n");
  });

  test("--format yaml anywhere on the line", async () => {
    const result = await maas(["--format", "yaml", "admin", "maas", "get-config", "name=maas_name"]);
    expect(result.stdout).toBe("lab\n");
  });

  test("an unknown --format exits 2", async () => {
    const result = await maas(["admin", "machines", "read", "--format=xml"]);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toContain("--format 'xml' is not a format. Use one of: json, yaml, table.");
  });
});

describe("network", () => {
  test("a region that is down exits 5", async () => {
    await session.region.close();
    const result = await maas(["admin", "machine", "read", "abc123"]);
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(
      /^error HWS_NET_UNREACHABLE \[GET\] http:\/\/127\.0\.0\.1:\d+\/MAAS\/api\/2\.0\/machines\/abc123\/: ECONNREFUSED .*Hint: Check that the region is running and the URL is right\.\n$/,
    );
    session.region = await startFakeRegion();
  });
});
