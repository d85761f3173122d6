import { describe, expect, test } from "vitest";
import {
  buildAuthorizationHeader,
  collectOAuthParams,
  formatApiKey,
  generateKeyMaterial,
  oauthPercentEncode,
  parseApiKey,
  parseAuthorizationHeader,
  verifyPlaintextSignature,
} from "../src/oauth.ts";

// The header MAAS's Python CLI sends for key ck:tk:ts (docs/maas-compatibility.md#authentication).
const CAPTURED =
  'OAuth oauth_nonce="20345628752095204881795541445", oauth_timestamp="1795541445", oauth_version="1.0", oauth_signature_method="PLAINTEXT", oauth_consumer_key="ck", oauth_token="tk", oauth_signature="%26ts"';

describe("parseApiKey", () => {
  test("splits consumer:token:secret with an empty consumer secret", () => {
    expect(parseApiKey("ck:tk:ts")).toEqual({
      consumerKey: "ck",
      tokenKey: "tk",
      tokenSecret: "ts",
      consumerSecret: "",
    });
    expect(formatApiKey(parseApiKey(" ck:tk:ts\n"))).toBe("ck:tk:ts");
  });

  test.each(["", "ck", "ck:tk", "ck:tk:ts:cs", "ck::ts", "a:b:c:d:e"])(
    "%j is refused as malformed",
    (key) => {
      expect(() => parseApiKey(key)).toThrowError(
        expect.objectContaining({
          code: "HWS_API_KEY_INVALID",
          message: expect.stringMatching(/Expected 3 colon-separated items/),
        }),
      );
    },
  );

  test("the on-machine four-part form is accepted when allowed", () => {
    expect(parseApiKey("ck:tk:ts:cs", { allowConsumerSecret: true }).consumerSecret).toBe("cs");
  });
});

describe("buildAuthorizationHeader", () => {
  test("matches the captured MAAS client header byte for byte", () => {
    const header = buildAuthorizationHeader(parseApiKey("ck:tk:ts"), {
      nonce: "20345628752095204881795541445",
      timestamp: 1795541445,
    });
    expect(header).toBe(CAPTURED);
  });

  test("uses a fresh nonce for every call", () => {
    const credentials = parseApiKey("ck:tk:ts");
    const nonces = new Set(
      Array.from(
        { length: 50 },
        () => parseAuthorizationHeader(buildAuthorizationHeader(credentials))?.oauth_nonce,
      ),
    );
    expect(nonces.size).toBe(50);
  });

  test("percent-encodes secrets that need it, and the server side round-trips them", () => {
    const credentials = { consumerKey: "c k", tokenKey: "t/k", tokenSecret: "s&e=c", consumerSecret: "x y" };
    const header = buildAuthorizationHeader(credentials, { nonce: "n", timestamp: 1 });
    expect(header).toContain('oauth_signature="x%2520y%26s%2526e%253Dc"');
    const params = collectOAuthParams(parseAuthorizationHeader(header));
    expect(params).toMatchObject({ consumerKey: "c k", tokenKey: "t/k", timestamp: "1", nonce: "n" });
    expect(verifyPlaintextSignature(params!.signature, "x y", "s&e=c")).toBe(true);
  });
});

describe("parseAuthorizationHeader", () => {
  test("reads the captured header", () => {
    const params = collectOAuthParams(parseAuthorizationHeader(CAPTURED));
    expect(params).toEqual({
      consumerKey: "ck",
      tokenKey: "tk",
      signature: "&ts",
      signatureMethod: "PLAINTEXT",
      timestamp: "1795541445",
      nonce: "20345628752095204881795541445",
      version: "1.0",
    });
    expect(verifyPlaintextSignature(params!.signature, "", "ts")).toBe(true);
    expect(verifyPlaintextSignature(params!.signature, "", "tz")).toBe(false);
    expect(verifyPlaintextSignature(params!.signature, "", "ts-longer")).toBe(false);
  });

  test("accepts any order, a realm anywhere and unquoted values (Go and libmaas clients)", () => {
    const header =
      'OAuth oauth_signature="%26ts", realm="MAAS+API", oauth_token=tk, oauth_consumer_key="ck", oauth_nonce="abc", oauth_timestamp="1", oauth_signature_method="PLAINTEXT"';
    const params = collectOAuthParams(parseAuthorizationHeader(header));
    expect(params).toMatchObject({ consumerKey: "ck", tokenKey: "tk", signature: "&ts", nonce: "abc" });
  });

  test.each([undefined, "", "Bearer abc", "Basic dXNlcjpwYXNz"])("%j is not an OAuth header", (header) => {
    expect(parseAuthorizationHeader(header)).toBeNull();
  });

  test("a header missing one of the six parameters yields no params", () => {
    const header = 'OAuth oauth_consumer_key="ck", oauth_token="tk", oauth_signature="%26ts"';
    expect(collectOAuthParams(parseAuthorizationHeader(header))).toBeNull();
  });

  test("parameters may come from the query or form instead of the header", () => {
    const query = {
      oauth_consumer_key: "ck",
      oauth_token: "tk",
      oauth_signature: "&ts",
      oauth_signature_method: "PLAINTEXT",
      oauth_timestamp: "5",
      oauth_nonce: ["n1", "n2"],
    };
    expect(collectOAuthParams(null, query)).toMatchObject({ nonce: "n1", timestamp: "5" });
  });
});

describe("key material", () => {
  test("is alphanumeric of the asked length", () => {
    expect(generateKeyMaterial(18)).toMatch(/^[A-Za-z0-9]{18}$/);
    expect(generateKeyMaterial(32)).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(generateKeyMaterial(32)).not.toBe(generateKeyMaterial(32));
  });

  test("percent-encoding follows RFC 5849 (unreserved kept, the rest encoded)", () => {
    expect(oauthPercentEncode("aZ09-._~")).toBe("aZ09-._~");
    expect(oauthPercentEncode("!*'() &=+/")).toBe("%21%2A%27%28%29%20%26%3D%2B%2F");
  });
});
