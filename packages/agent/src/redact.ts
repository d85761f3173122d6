/**
 * Whatever the region (or anything posing as it) sends back may echo our credentials: a proxy
 * that prints the request headers, a 401 page quoting the token. Text from outside passes
 * through here before it reaches the log, state.json or `status`.
 */

/** Stored error text is capped: state.json is read by `status` and by people, not archived. */
export const MAX_STORED_ERROR_CHARS = 500;

const MARK = "[redacted]";

/** `oauth_signature="%26secret"`, `oauth_token=abc` (header, query or form): keeps the name. */
const OAUTH_PARAM =
  /\b(oauth_(?:signature|token|consumer_key|consumer_secret|token_secret|nonce|verifier|callback))(\s*=\s*)("[^"]*"|'[^']*'|[^\s&,;"')]+)/gi;
/** `token_secret: abc`, `"consumer_key": "abc"`, `token_key=abc`: credentials files, JSON, forms. */
const CREDENTIAL_FIELD =
  /\b(consumer_key|consumer_secret|token_key|token_secret|api_key|password)(["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s&,;"'}\])]+)/gi;
/** `Authorization: Bearer …` / `Basic …` (OAuth headers are covered parameter by parameter). */
const AUTH_SCHEME = /\b(authorization\s*[:=]\s*)(Bearer|Basic|Token)\s+[^\s,;"']+/gi;
/** A MAAS API key or machine token written as `consumer_key:token_key:token_secret`. */
const API_KEY = /\b[A-Za-z0-9]{18}:[A-Za-z0-9]{18}:[A-Za-z0-9]{32}\b/g;

/**
 * Replaces every known secret value and everything shaped like a credential with `[redacted]`.
 * `secrets` are exact values (the token secret and keys of this run); very short values are
 * ignored, as they would blank out unrelated text.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  // A whole key first: a known value blanked inside `a:b:c` would hide the rest of it.
  let out = text.replace(API_KEY, MARK);
  for (const secret of secrets) {
    if (secret.length >= 6) out = out.split(secret).join(MARK);
  }
  return out
    .replace(OAUTH_PARAM, blankValue)
    .replace(CREDENTIAL_FIELD, blankValue)
    .replace(AUTH_SCHEME, (_match, prefix: string, scheme: string) => `${prefix}${scheme} ${MARK}`);
}

/** `name=value` → `name=[redacted]`, keeping quotes; a value already redacted stays as it is. */
function blankValue(match: string, name: string, separator: string, value: string): string {
  if (value.includes(MARK)) return match;
  const quote = value.startsWith('"') || value.startsWith("'") ? value[0] : "";
  return `${name}${separator}${quote}${MARK}${quote}`;
}

/** Redacted, on one line, and at most `max` characters: what may be stored of a foreign text. */
export function storableText(
  text: string,
  secrets: readonly string[] = [],
  max = MAX_STORED_ERROR_CHARS,
): string {
  // One line: a stored message must not forge extra lines in `status` or the journal.
  const clean = redactSecrets(text, secrets)
    .replace(/\s*[\r\n]+\s*/g, " ")
    .replace(/\p{Cc}/gu, " ");
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}
