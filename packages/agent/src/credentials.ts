import { readFileSync } from "node:fs";
import { ErrorCode, HwsError } from "@hwsync/shared/errors";
import type { MachineCredentials } from "@hwsync/shared/wire/credentials";
import { parse as parseYaml } from "yaml";

// The machine's token, from whichever file the machine has:
// - MAAS's own `/etc/maas/maas-machine-creds.yml` (`reporting.maas.{consumer_key, endpoint,
//   token_key, token_secret}`), as vendor-data writes it (3.2.7+), as `maas-run-scripts
//   get-machine-token` wrote it for the 3.2.0–3.2.6 units, or inside cloud-init's reporting
//   config, with whatever other keys MAAS puts around it (`type: webhook`, `datasource`, …);
// - the token our CLI prints (`maas PROFILE machine get-token ID --format json|yaml`):
//   `{consumer_key, token_key, token_secret}`, with the endpoint from `--endpoint`.

export interface CredentialsOptions {
  /** The region or rack URL; overrides the file's endpoint, as MAAS's `--metadata-url` does. */
  endpoint?: string;
}

const TOKEN_KEYS = ["consumer_key", "token_key", "token_secret"] as const;

const ACCEPTED_SHAPES =
  "Accepted: MAAS's credentials YAML (reporting: maas: {consumer_key, endpoint, token_key, token_secret}, as in /etc/maas/maas-machine-creds.yml), " +
  "or the token `maas PROFILE machine get-token SYSTEM_ID --format json` prints ({consumer_key, token_key, token_secret}) together with --endpoint http://RACK:5248/MAAS/.";

export function loadCredentials(path: string, options: CredentialsOptions = {}): MachineCredentials {
  return readCredentialsFile(path, options).credentials;
}

export interface CredentialsFile {
  credentials: MachineCredentials;
  /** The file as read. */
  text: string;
  /** True for MAAS's own layout (`reporting.maas`), false for a bare token. */
  maasLayout: boolean;
}

export function readCredentialsFile(path: string, options: CredentialsOptions = {}): CredentialsFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new HwsError(
      ErrorCode.CONFIG_INVALID,
      `cannot read the credentials file ${path}: ${code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (error as Error).message}`,
      {
        hint: "Pass --config with the machine credentials YAML MAAS wrote (default /etc/maas/maas-machine-creds.yml).",
      },
    );
  }
  return { text, ...parseCredentials(text, path, options) };
}

/** `text` as read from `path` (named in every error) → the credentials the agent signs with. */
function parseCredentials(
  text: string,
  path: string,
  options: CredentialsOptions,
): { credentials: MachineCredentials; maasLayout: boolean } {
  const invalid = (problem: string) =>
    new HwsError(ErrorCode.CREDENTIALS_INVALID, `${path}: ${problem}`, { hint: ACCEPTED_SHAPES });
  let document: unknown;
  try {
    // Every scalar as the string it is written as: a token that YAML would read as a number
    // (`123e45…`) or a boolean stays the text the region issued. JSON is YAML too.
    document = parseYaml(text, { schema: "failsafe" });
  } catch (error) {
    throw invalid(`not valid YAML or JSON: ${(error as Error).message.split("\n")[0]}`);
  }
  if (document === "null" || document === "~") {
    throw new HwsError(
      ErrorCode.CREDENTIALS_INVALID,
      `${path}: the machine has no token (get-token printed null); deploy it first`,
      { hint: "Deploy the machine with hardware sync enabled first, then fetch its token again." },
    );
  }
  if (!isMapping(document)) throw invalid("not a machine credentials file: expected a mapping of keys");

  let fields: Record<string, unknown>;
  let where: string;
  if ("reporting" in document) {
    const maas = isMapping(document.reporting) ? document.reporting.maas : undefined;
    if (!isMapping(maas)) throw invalid("missing reporting.maas (the mapping that holds the token)");
    fields = maas;
    where = "reporting.maas.";
  } else if (TOKEN_KEYS.some((key) => key in document)) {
    fields = document;
    where = "";
  } else {
    throw invalid(
      "not a machine credentials file: neither reporting.maas nor consumer_key/token_key/token_secret",
    );
  }

  const value = (key: string): string => {
    const found = fields[key];
    if (typeof found !== "string" || found.trim() === "") throw invalid(`missing ${where}${key}`);
    return found.trim();
  };
  const [consumerKey, tokenKey, tokenSecret] = TOKEN_KEYS.map(value) as [string, string, string];
  const endpoint = options.endpoint ?? (typeof fields.endpoint === "string" ? fields.endpoint.trim() : "");
  if (!endpoint) {
    throw invalid(
      `holds a machine token but no endpoint: pass --endpoint with the region or rack URL (e.g. --endpoint http://10.0.0.2:5248/MAAS/)`,
    );
  }
  const url = parseEndpoint(
    endpoint,
    options.endpoint !== undefined ? "--endpoint" : `${path}: ${where}endpoint`,
  );
  const secret = fields.consumer_secret;
  const credentials: MachineCredentials = {
    consumerKey,
    tokenKey,
    tokenSecret,
    // MAAS's consumer secrets are empty; YAML may write that as '', ~ or null.
    consumerSecret:
      typeof secret === "string" && !["", "~", "null", "Null", "NULL"].includes(secret) ? secret : "",
    endpoint,
    baseUrl: `${url.protocol}//${url.host}`,
  };
  return { credentials, maasLayout: where !== "" };
}

function parseEndpoint(endpoint: string, source: string): URL {
  let url: URL | null = null;
  try {
    url = new URL(endpoint);
  } catch {
    // Reported below.
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || !url.host) {
    const code = source === "--endpoint" ? ErrorCode.USAGE : ErrorCode.CREDENTIALS_INVALID;
    throw new HwsError(code, `${source} must be an http:// or https:// URL, got '${endpoint}'`, {
      hint: "Use the region or rack controller's address, e.g. http://10.0.0.2:5248/MAAS/.",
    });
  }
  return url;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
