import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { installCommand } from "../src/commands/install.ts";
import { runCommand } from "../src/commands/run.ts";
import { loadCredentials } from "../src/credentials.ts";
import { useAgentSession } from "./fixtures/agent-session.ts";
import { MACHINE_TOKEN } from "./fixtures/region.ts";

// The files a machine may hold: MAAS's own credentials YAML (vendor-data of 3.2.7+, the token
// file `maas-run-scripts get-machine-token` wrote for 3.2.0–3.2.6, cloud-init's reporting
// config with its extra keys), and the JSON or YAML our CLI prints for `machine get-token`.

const session = useAgentSession();
const { file } = session;

const KEYS = {
  consumer_key: "Ab12Cd34Ef56Gh78Ij",
  token_key: "Kl90Mn12Op34Qr56St",
  token_secret: "Uv78Wx90Yz12Ab34Cd56Ef78Gh90Ij12",
};
const ENDPOINT = "http://10.0.0.2:5248/MAAS/metadata/status/abc123";
const EXPECTED = {
  consumerKey: KEYS.consumer_key,
  tokenKey: KEYS.token_key,
  tokenSecret: KEYS.token_secret,
  consumerSecret: "",
  endpoint: ENDPOINT,
  baseUrl: "http://10.0.0.2:5248",
};

const reporting = (extra = "") =>
  `reporting:\n  maas:\n    consumer_key: ${KEYS.consumer_key}\n    endpoint: ${ENDPOINT}\n    token_key: ${KEYS.token_key}\n    token_secret: ${KEYS.token_secret}\n${extra}`;

describe("MAAS's own files are read unchanged", () => {
  test.each([
    ["the vendor-data file of MAAS 3.2.7+", reporting()],
    // `maas-run-scripts get-machine-token` (the 3.2.0–3.2.6 units) dumps get_token's answer plus the endpoint.
    ["the 3.2.0–3.2.6 token file", reporting()],
    [
      "cloud-init's reporting config, with the keys MAAS adds around the token",
      `datasource:\n  MAAS:\n    consumer_key: ${KEYS.consumer_key}\n    metadata_url: http://10.0.0.2:5248/MAAS/metadata/\n    token_key: ${KEYS.token_key}\n    token_secret: ${KEYS.token_secret}\n${reporting("    type: webhook\n    level: DEBUG\n")}`,
    ],
    ["an empty consumer_secret", reporting("    consumer_secret: ''\n")],
    ["a null consumer_secret", reporting("    consumer_secret: null\n")],
    [
      "the same mapping written as JSON",
      JSON.stringify({ reporting: { maas: { ...KEYS, endpoint: ENDPOINT } } }),
    ],
    ["Windows line endings", reporting().replace(/\n/g, "\r\n")],
  ])("%s", (_name, text) => {
    expect(loadCredentials(file("creds.yml", text))).toEqual(EXPECTED);
  });

  test("a token that YAML 1.2 would read as a number is kept as written", () => {
    const text = reporting().replace(KEYS.token_key, "123e45678901234567");
    expect(loadCredentials(file("creds.yml", text)).tokenKey).toBe("123e45678901234567");
  });
});

describe("the token our CLI prints (`maas PROFILE machine get-token ID --format json|yaml`)", () => {
  const json = `${JSON.stringify(KEYS, null, 4)}\n`;
  const yaml = `consumer_key: ${KEYS.consumer_key}\ntoken_key: ${KEYS.token_key}\ntoken_secret: ${KEYS.token_secret}\n`;

  test.each([
    ["JSON", json],
    ["YAML", yaml],
  ])("%s with --endpoint", (_name, text) => {
    expect(loadCredentials(file("token.json", text), { endpoint: ENDPOINT })).toEqual(EXPECTED);
  });

  test("without --endpoint: names the file and the flag", () => {
    const path = file("token.json", json);
    expect(() => loadCredentials(path)).toThrowError(
      expect.objectContaining({
        code: "HWS_CREDENTIALS_INVALID",
        message: expect.stringMatching(new RegExp(`^${path}: .*no endpoint.*--endpoint`)),
      }),
    );
  });

  test("`null` (a machine without a token) says so", () => {
    const path = file("token.json", "null\n");
    expect(() => loadCredentials(path, { endpoint: ENDPOINT })).toThrowError(/has no token.*deploy/i);
  });

  test("--endpoint must be an http(s) URL", () => {
    expect(() => loadCredentials(file("token.json", json), { endpoint: "10.0.0.2:5248" })).toThrowError(
      expect.objectContaining({ code: "HWS_USAGE", message: expect.stringContaining("--endpoint") }),
    );
  });

  test("--endpoint overrides the endpoint in MAAS's file, as MAAS's own --metadata-url does", () => {
    const creds = loadCredentials(file("creds.yml", reporting()), {
      endpoint: "http://[fd00::2]:5248/MAAS/",
    });
    expect(creds.baseUrl).toBe("http://[fd00::2]:5248");
  });

  test("run pushes with it end to end", async () => {
    const region = await session.region();
    const path = file("token.json", `${JSON.stringify(MACHINE_TOKEN_JSON, null, 4)}\n`);
    const outcome = await runCommand(session.context().ctx, {
      config: path,
      endpoint: `${region.url}/MAAS/`,
      stateDir: session.stateDir,
      root: session.tree.root,
      budget: "5s",
    });
    expect(outcome).toMatchObject({ mode: "fast", changed: true });
  });

  test("install turns it into MAAS's credentials file", async () => {
    const path = file("token.json", json);
    const root = join(session.dir, "root");
    const result = await installCommand(session.context().ctx, {
      config: path,
      endpoint: ENDPOINT,
      root,
      binary: "/usr/local/bin/maas-hw-sync",
    });
    expect(loadCredentials(result.credentials)).toEqual(EXPECTED);
    expect(readFileSync(result.credentials, "utf8")).toMatch(/^reporting:\n {2}maas:\n/);
  });
});

const MACHINE_TOKEN_JSON = {
  consumer_key: MACHINE_TOKEN.consumerKey,
  token_key: MACHINE_TOKEN.tokenKey,
  token_secret: MACHINE_TOKEN.tokenSecret,
};

describe("errors name the file, the missing key and the accepted shapes", () => {
  test("reporting.maas without token_secret", () => {
    const path = file("creds.yml", reporting().replace(/ {4}token_secret: .*\n/, ""));
    expect(() => loadCredentials(path)).toThrowError(
      expect.objectContaining({
        code: "HWS_CREDENTIALS_INVALID",
        message: expect.stringMatching(new RegExp(`^${path}: .*reporting\\.maas\\.token_secret`)),
        hint: expect.stringMatching(/reporting:.*maas:.*get-token/s),
      }),
    );
  });

  test("a flat token without token_key", () => {
    const path = file("token.json", JSON.stringify({ consumer_key: "a", token_secret: "b" }));
    expect(() => loadCredentials(path, { endpoint: ENDPOINT })).toThrowError(/token_key/);
  });

  test.each([
    ["a YAML list", "- a\n- b\n"],
    ["unrelated YAML", "hello: world\n"],
    ["broken YAML", "reporting: [\n"],
    ["an empty file", ""],
  ])("%s", (_name, text) => {
    const path = file("creds.yml", text);
    expect(() => loadCredentials(path)).toThrowError(
      expect.objectContaining({
        code: "HWS_CREDENTIALS_INVALID",
        message: expect.stringContaining(path),
        hint: expect.stringMatching(/reporting:.*get-token/s),
      }),
    );
  });
});
