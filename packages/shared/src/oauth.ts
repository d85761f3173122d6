import { randomBytes, timingSafeEqual } from "node:crypto";
import { ErrorCode, HwsError } from "./errors.ts";

/** A MAAS API key, `consumer_key:token_key:token_secret` (the consumer secret is always empty). */
export interface ApiCredentials {
  consumerKey: string;
  tokenKey: string;
  tokenSecret: string;
  /** Empty for every key MAAS issues; the on-machine four-part form may set it. */
  consumerSecret: string;
}

/**
 * Parses `consumer:token:secret`. The four-part on-machine form (`…:consumer_secret`) is accepted
 * only with `allowConsumerSecret`, as `maas-run-scripts --machine-token` does.
 */
export function parseApiKey(key: string, options: { allowConsumerSecret?: boolean } = {}): ApiCredentials {
  const parts = key.trim().split(":");
  const allowed = options.allowConsumerSecret ? [3, 4] : [3];
  if (!allowed.includes(parts.length) || parts.slice(0, 3).some((part) => part === "")) {
    throw new HwsError(
      ErrorCode.API_KEY_INVALID,
      `Malformed credentials string. Expected 3 colon-separated items (consumer_key:token_key:token_secret), got ${parts.length}.`,
      {
        hint: "Copy the whole API key from the MAAS UI (user preferences → API keys) or `maas-region apikey`.",
      },
    );
  }
  const [consumerKey, tokenKey, tokenSecret, consumerSecret = ""] = parts as [
    string,
    string,
    string,
    string?,
  ];
  return { consumerKey, tokenKey, tokenSecret, consumerSecret };
}

/** Joins credentials back into the three-part key form. */
export function formatApiKey(credentials: ApiCredentials): string {
  return `${credentials.consumerKey}:${credentials.tokenKey}:${credentials.tokenSecret}`;
}

/** RFC 5849 §3.6 percent-encoding: everything but ALPHA, DIGIT, `-._~`. */
export function oauthPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** PLAINTEXT signature before header encoding: `encode(consumer_secret)&encode(token_secret)`. */
export function plaintextSignature(consumerSecret: string, tokenSecret: string): string {
  return `${oauthPercentEncode(consumerSecret)}&${oauthPercentEncode(tokenSecret)}`;
}

export interface SignOptions {
  /** Unix seconds; defaults to now. The agent passes now + measured clock skew. */
  timestamp?: number;
  nonce?: string;
}

/**
 * The `Authorization` header exactly as MAAS's own clients send it: no realm, this parameter
 * order, `", "` separators, values quoted and percent-encoded. Sign every attempt afresh: the
 * region stores nonces and refuses a replay.
 */
export function buildAuthorizationHeader(credentials: ApiCredentials, options: SignOptions = {}): string {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const nonce = options.nonce ?? `${randomBytes(8).readBigUInt64BE()}${timestamp}`;
  const params: Array<[string, string]> = [
    ["oauth_nonce", nonce],
    ["oauth_timestamp", String(timestamp)],
    ["oauth_version", "1.0"],
    ["oauth_signature_method", "PLAINTEXT"],
    ["oauth_consumer_key", credentials.consumerKey],
    ["oauth_token", credentials.tokenKey],
    ["oauth_signature", plaintextSignature(credentials.consumerSecret, credentials.tokenSecret)],
  ];
  return `OAuth ${params.map(([name, value]) => `${name}="${oauthPercentEncode(value)}"`).join(", ")}`;
}

/** The six OAuth parameters the region needs, as received (decoded). */
export interface OAuthParams {
  consumerKey: string;
  tokenKey: string;
  signature: string;
  signatureMethod: string;
  timestamp: string;
  nonce: string;
  version: string | undefined;
}

const REQUIRED = [
  "oauth_consumer_key",
  "oauth_token",
  "oauth_signature",
  "oauth_signature_method",
  "oauth_timestamp",
  "oauth_nonce",
] as const;

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Reads OAuth parameters from an `Authorization: OAuth …` header in any order, with or without
 * `realm`, quoted or not. Returns null when the header is absent or not an OAuth header.
 */
export function parseAuthorizationHeader(header: string | undefined): Record<string, string> | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (!/^OAuth(\s|$)/i.test(trimmed)) return null;
  const params: Record<string, string> = {};
  for (const piece of trimmed.slice(5).split(",")) {
    const eq = piece.indexOf("=");
    if (eq < 0) continue;
    const name = piece.slice(0, eq).trim();
    // MAAS skips anything mentioning realm; clients add it in different places.
    if (!name || name.includes("realm")) continue;
    let value = piece.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    params[name] = safeDecode(value);
  }
  return params;
}

/**
 * Picks the OAuth parameters from header, query or form (MAAS looks in all three). Returns null
 * when any of the six required ones is missing.
 */
export function collectOAuthParams(
  ...sources: Array<Record<string, unknown> | null | undefined>
): OAuthParams | null {
  const merged: Record<string, string> = {};
  for (const source of sources) {
    if (!source) continue;
    for (const [name, value] of Object.entries(source)) {
      if (!name.startsWith("oauth_") || name in merged) continue;
      const first = Array.isArray(value) ? value[0] : value;
      if (typeof first === "string") merged[name] = first;
    }
  }
  if (REQUIRED.some((name) => merged[name] === undefined)) return null;
  return {
    consumerKey: merged.oauth_consumer_key!,
    tokenKey: merged.oauth_token!,
    signature: merged.oauth_signature!,
    signatureMethod: merged.oauth_signature_method!,
    timestamp: merged.oauth_timestamp!,
    nonce: merged.oauth_nonce!,
    version: merged.oauth_version,
  };
}

/** Constant-time comparison of a received PLAINTEXT signature with the expected one. */
export function verifyPlaintextSignature(
  received: string,
  consumerSecret: string,
  tokenSecret: string,
): boolean {
  const expected = Buffer.from(plaintextSignature(consumerSecret, tokenSecret));
  // Clients percent-encode once more in the header; parseAuthorizationHeader has decoded that.
  const actual = Buffer.from(received);
  if (actual.length !== expected.length) {
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(actual, expected);
}

/** Random alphanumeric key material of MAAS's sizes (18 for keys, 32 for secrets). */
export function generateKeyMaterial(length: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = randomBytes(length * 2);
  let out = "";
  for (const byte of bytes) {
    // Reject the top of the range so every character is equally likely.
    if (byte >= 248) continue;
    out += alphabet[byte % 62];
    if (out.length === length) break;
  }
  return out.length === length ? out : generateKeyMaterial(length);
}
