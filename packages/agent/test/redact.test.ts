import { expect, test } from "vitest";
import { MAX_STORED_ERROR_CHARS, redactSecrets, storableText } from "../src/redact.ts";

const SECRET = "Uv78Wx90Yz12Ab34Cd56Ef78Gh90Ij12";

test.each([
  ["a registered value", `token ${SECRET} rejected`, `token [redacted] rejected`],
  [
    "an echoed OAuth header",
    'Authorization: OAuth oauth_nonce="1", oauth_consumer_key="ck", oauth_token="tk", oauth_signature="%26sig"',
    'Authorization: OAuth oauth_nonce="[redacted]", oauth_consumer_key="[redacted]", oauth_token="[redacted]", oauth_signature="[redacted]"',
  ],
  [
    "query parameters",
    "GET /x?oauth_token=abc&oauth_signature=%26def&op=y",
    "GET /x?oauth_token=[redacted]&oauth_signature=[redacted]&op=y",
  ],
  [
    "a credentials file",
    "token_key: abc\ntoken_secret: 'def'",
    "token_key: [redacted]\ntoken_secret: '[redacted]'",
  ],
  [
    "JSON",
    '{"consumer_key": "abc", "token_secret":"def"}',
    '{"consumer_key": "[redacted]", "token_secret":"[redacted]"}',
  ],
  ["an API key", `key Ab12Cd34Ef56Gh78Ij:Kl90Mn12Op34Qr56St:${SECRET}.`, "key [redacted]."],
  ["a bearer token", "Authorization: Bearer eyJabc.def", "Authorization: Bearer [redacted]"],
])("redacts %s", (_name, text, expected) => {
  expect(redactSecrets(text, [SECRET])).toBe(expected);
});

test("leaves ordinary region messages alone", () => {
  const text = "Authorization Error: 'Invalid access token' (401); Machine is not deployed";
  expect(redactSecrets(text)).toBe(text);
});

test("stored text is one line of at most 500 characters", () => {
  const stored = storableText(`first\nsecond\r\n\u001b[31m${"z".repeat(2000)}`);
  expect(stored.length).toBe(MAX_STORED_ERROR_CHARS);
  expect(stored.startsWith("first second  [31mzzz")).toBe(true);
  expect(stored.endsWith("…")).toBe(true);
  expect(stored).not.toMatch(/[\n\r\u001b]/);
});
