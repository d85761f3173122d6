// fast-check generators for the fuzzer: hostile strings, broken hardware payloads, poisoned forms,
// garbled OAuth headers and WebSocket frames. Every generator that targets a state-changing
// endpoint carries a "poison" (a field the region must refuse), so a case the region accepts and
// applies is a bug, not luck.
import { gzipSync } from "node:zlib";
import { COLLECTOR_SECTIONS, canonicalJson, isValidTimeSpan, parseIntervalSeconds } from "@hwsync/shared";
import { type FilePart, multipartBody } from "@hwsync/testkit/push";
import fc from "fast-check";
import { payloadFor, percentBytes } from "./helpers.ts";

/** Strings known to break naive code: NUL, lone surrogates, bidi overrides, escapes, injections. */
const HOSTILE = [
  "",
  " ",
  "\u0000",
  "\ud800",
  "\udfff",
  "\ud83d",
  "\u202e",
  "\u200b",
  "\ufeff",
  "\uffff",
  "\ufffe",
  "😀",
  "e\u0301\u0301\u0301",
  "𝕏𝖄",
  "\r\n",
  "\n\n",
  "%",
  "%00",
  "%zz",
  "%E0%A4%A",
  "%ED%A0%80",
  "' OR 1=1 --",
  '"; DROP TABLE machines; --',
  "$1",
  "../../etc/passwd",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell probe, meant literally.
  "${jndi:ldap://x}",
  "<script>alert(1)</script>",
  "\\",
  "\\u0000",
  "\x7f",
  "\x1b[31m",
  "__proto__",
  "constructor",
  "NaN",
  "Infinity",
  "-1",
  "9".repeat(40),
  "1e309",
  "true",
  "null",
];

/** Any UTF-16 code units, lone surrogates included (fc's default units are well-formed). */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));

/** Keys that find Object.prototype's members in a plain-object lookup table. */
export const PROTOTYPE_KEYS = [
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "prototype",
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 3, arbitrary: fc.string({ unit: codeUnit, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.array(fc.constantFrom(...HOSTILE), { maxLength: 6 }).map((a) => a.join("")) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
  { weight: 1, arbitrary: fc.integer({ min: 256, max: 20_000 }).map((n) => "x".repeat(n)) },
);

/** A JSON value of a random type, for "wrong-typed" replacements. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(-1, 0, 2 ** 53, -(2 ** 63), 1e308, 0.5, -0.0),
  hostileString,
  fc.array(fc.oneof(fc.integer(), hostileString, fc.constant(null)), { maxLength: 5 }),
  fc.dictionary(hostileString, fc.oneof(fc.integer(), hostileString), { maxKeys: 4 }),
);

// ---------------------------------------------------------------------------------------------
// Hardware payloads (fast path)

export interface PushCase {
  kind: string;
  /** What was done to the payload, for a readable counterexample. */
  note?: string;
  /** Bytes on the wire (gzipped when content-encoding says so). */
  body: Buffer;
  headers: Record<string, string>;
}

const BASE_DOC = payloadFor(424242);
const BASE_BYTES = Buffer.from(canonicalJson(BASE_DOC));

function leafPaths(
  value: unknown,
  prefix: Array<string | number> = [],
  out: Array<Array<string | number>> = [],
) {
  out.push(prefix);
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) leafPaths(item, [...prefix, i], out);
  } else if (value && typeof value === "object")
    for (const [key, item] of Object.entries(value)) leafPaths(item, [...prefix, key], out);
  return out;
}
const PATHS = leafPaths(BASE_DOC).filter((path) => path.length > 0);

function setPath(doc: any, path: Array<string | number>, value: unknown, remove: boolean): void {
  let node = doc;
  for (const key of path.slice(0, -1)) node = node[key];
  const last = path[path.length - 1]!;
  if (remove) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
}

function jsonHeaders(bytes: Buffer, gzip: boolean): { body: Buffer; headers: Record<string, string> } {
  return {
    body: gzip ? gzipSync(bytes) : bytes,
    headers: { "content-type": "application/json", ...(gzip ? { "content-encoding": "gzip" } : {}) },
  };
}

const garbage = fc
  .record({ bytes: fc.uint8Array({ maxLength: 2048 }), mode: fc.constantFrom("raw", "gzip-of", "fake-gzip") })
  .map(({ bytes, mode }): PushCase => {
    const data = Buffer.from(bytes);
    if (mode === "fake-gzip") return { kind: "garbage", body: data, headers: { "content-encoding": "gzip" } };
    return { kind: "garbage", ...jsonHeaders(data, mode === "gzip-of") };
  });

const truncated = fc
  .record({ cut: fc.nat({ max: BASE_BYTES.length - 1 }), gzip: fc.boolean(), cutGzip: fc.boolean() })
  .map(({ cut, gzip, cutGzip }): PushCase => {
    if (cutGzip) {
      const zipped = gzipSync(BASE_BYTES);
      return {
        kind: "truncated-gzip",
        body: zipped.subarray(0, Math.floor((cut / BASE_BYTES.length) * zipped.length)),
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
      };
    }
    return { kind: "truncated", ...jsonHeaders(BASE_BYTES.subarray(0, cut), gzip) };
  });

const wrongTyped = fc
  .array(
    fc.record({
      path: fc.nat({ max: PATHS.length - 1 }),
      value: anyJson,
      remove: fc.constantFrom(false, false, false, true),
    }),
    { minLength: 1, maxLength: 3 },
  )
  .map((mutations): PushCase => {
    const doc = structuredClone(BASE_DOC);
    for (const mutation of mutations) {
      try {
        setPath(doc, PATHS[mutation.path]!, mutation.value, mutation.remove);
      } catch {
        // An earlier mutation removed this path's parent: skip it.
      }
    }
    const note = mutations
      .map(
        (m) =>
          `${m.remove ? "remove" : "set"} ${PATHS[m.path]!.join(".")}${m.remove ? "" : `=${JSON.stringify(m.value)?.slice(0, 60)}`}`,
      )
      .join("; ");
    return { kind: "wrong-typed", note, ...jsonHeaders(Buffer.from(canonicalJson(doc)), true) };
  });

export function oversized(maxPayloadBytes: number): fc.Arbitrary<PushCase> {
  const bomb = gzipSync(Buffer.alloc(maxPayloadBytes * 2, 0x20));
  return fc
    .record({ extra: fc.integer({ min: 1, max: maxPayloadBytes / 4 }), mode: fc.constantFrom("pad", "bomb") })
    .map(({ extra, mode }): PushCase => {
      if (mode === "bomb") {
        return {
          kind: "gzip-bomb",
          body: bomb,
          headers: { "content-type": "application/json", "content-encoding": "gzip" },
        };
      }
      const padded = Buffer.concat([
        Buffer.from(`{"pad":"${"p".repeat(maxPayloadBytes + extra - BASE_BYTES.length)}",`),
        BASE_BYTES.subarray(1),
      ]);
      return { kind: "oversized", ...jsonHeaders(padded, extra % 2 === 0) };
    });
}

const deep = fc
  .record({
    depth: fc.integer({ min: 500, max: 20_000 }),
    shape: fc.constantFrom("array", "object"),
    where: fc.constantFrom("top", "system", "cpu"),
  })
  .map(({ depth, shape, where }): PushCase => {
    const nested =
      shape === "array"
        ? `${"[".repeat(depth)}${"]".repeat(depth)}`
        : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
    const text = BASE_BYTES.toString("utf8");
    const anchor = where === "top" ? "{" : where === "system" ? '"system":{' : '"cpu":{';
    const at = text.indexOf(anchor) + anchor.length;
    const body = `${text.slice(0, at)}"zz_deep":${nested},${text.slice(at)}`;
    return {
      kind: "deeply-nested",
      note: `${shape} depth ${depth} in ${where}`,
      ...jsonHeaders(Buffer.from(body), true),
    };
  });

const STRING_PATHS = PATHS.filter((path) => {
  let node: any = BASE_DOC;
  for (const key of path) node = node[key];
  return typeof node === "string";
});

// Strings the region looks up in tables (OS names, architectures, device classes): a plain-object
// table answers `constructor` with Object's own members unless the lookup checks own keys.
const ENVIRONMENT_PATHS = STRING_PATHS.filter((path) => path[0] === "environment");
const prototypeKeys = fc
  .array(
    fc.record({
      path: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...ENVIRONMENT_PATHS) },
        { weight: 1, arbitrary: fc.constantFrom(...STRING_PATHS) },
      ),
      key: fc.constantFrom(...PROTOTYPE_KEYS),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((replacements): PushCase => {
    const doc = structuredClone(BASE_DOC);
    for (const { path, key } of replacements) setPath(doc, path, key, false);
    const note = replacements.map(({ path, key }) => `${path.join(".")}=${key}`).join("; ");
    return { kind: "prototype-keys", note, ...jsonHeaders(Buffer.from(canonicalJson(doc)), true) };
  });

const unicode = fc
  .record({
    replacements: fc.array(
      fc.record({ path: fc.nat({ max: STRING_PATHS.length - 1 }), value: hostileString }),
      {
        minLength: 1,
        maxLength: 5,
      },
    ),
    rawBytes: fc.option(
      fc.constantFrom([0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]),
    ),
  })
  .map(({ replacements, rawBytes }): PushCase => {
    const doc = structuredClone(BASE_DOC);
    for (const { path, value } of replacements) setPath(doc, STRING_PATHS[path]!, value, false);
    let bytes = Buffer.from(canonicalJson(doc));
    if (rawBytes) {
      // Invalid UTF-8 inside the first string value: the bytes a broken collector could emit.
      const at = bytes.indexOf('":"') + 3;
      bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(rawBytes), bytes.subarray(at)]);
    }
    const note = replacements
      .map(({ path, value }) => `${STRING_PATHS[path]!.join(".")}=${JSON.stringify(value).slice(0, 40)}`)
      .join("; ");
    return {
      kind: "unicode",
      note: `${note}${rawBytes ? ` raw=${rawBytes}` : ""}`,
      ...jsonHeaders(bytes, true),
    };
  });

const headerValue = fc.oneof(
  hostileString.filter((value) => /^[\t\x20-\x7e\x80-\xff]*$/.test(value)),
  fc.constantFrom("sha256:", "sha256:XYZ", `sha256:${"A".repeat(64)}`, `sha256:${"0".repeat(63)}`, "md5:abc"),
  fc.constantFrom("gzip", "br", "deflate", "gzip, gzip", "identity, gzip", "x-gzip", "compress", "*"),
);

const hostileHeaders = fc
  .record({
    hash: fc.option(headerValue),
    encoding: fc.option(headerValue),
    type: fc.option(headerValue),
    gzip: fc.boolean(),
  })
  .filter(({ hash, encoding }) => hash !== null || encoding !== null)
  .map(({ hash, encoding, type, gzip }): PushCase => {
    const base = jsonHeaders(BASE_BYTES, gzip);
    const headers = { ...base.headers };
    if (hash !== null) headers["x-hwsync-content-hash"] = hash;
    if (encoding !== null) headers["content-encoding"] = encoding;
    if (type !== null) headers["content-type"] = type;
    return { kind: "hostile-headers", body: base.body, headers };
  });

// Valid payloads that leave classes unreported, the way a broken collector does: sections null or
// absent, collectors named in collector_errors (their sections left out, or sent empty anyway), and
// now and then a real removal from a class that is reported. The region may apply them; the oracle
// (fuzz-oracle.ts) checks that only the reported classes lost anything.
const SECTION_PATHS: ReadonlyArray<readonly string[]> = [
  ["resources", "storage"],
  ["resources", "storage", "disks"],
  ["resources", "network"],
  ["networks"],
  ["resources", "pci"],
  ["resources", "pci", "devices"],
  ["resources", "gpu"],
  ["resources", "usb"],
  ["resources", "usb", "devices"],
  ["resources", "cpu"],
  ["resources", "memory"],
  ["resources", "system"],
];
const FAILING_COLLECTORS = (Object.keys(COLLECTOR_SECTIONS) as Array<keyof typeof COLLECTOR_SECTIONS>).filter(
  (name) => name !== "environment",
);
const REMOVALS: Record<string, readonly string[]> = {
  disk: ["resources", "storage", "disks"],
  usb: ["resources", "usb", "devices"],
  pci: ["resources", "pci", "devices"],
};

const partial = fc
  .record({
    gaps: fc.array(
      fc.record({ path: fc.constantFrom(...SECTION_PATHS), how: fc.constantFrom("null", "absent") }),
      { maxLength: 3 },
    ),
    failed: fc.subarray(FAILING_COLLECTORS, { maxLength: 3 }),
    sentAnyway: fc.boolean(),
    removal: fc.option(fc.constantFrom(...Object.keys(REMOVALS))),
    variant: fc.nat({ max: 3 }),
  })
  .filter(({ gaps, failed }) => gaps.length + failed.length > 0)
  .map(({ gaps, failed, sentAnyway, removal, variant }): PushCase => {
    const doc = payloadFor(424242, variant);
    const at = (path: readonly string[]) => {
      let node: any = doc;
      for (const key of path.slice(0, -1)) node = node?.[key];
      return node && typeof node === "object" ? node : null;
    };
    if (removal) {
      const path = REMOVALS[removal]!;
      const list = at(path)?.[path[path.length - 1]!];
      if (Array.isArray(list)) list.pop();
    }
    for (const gap of gaps) {
      const parent = at(gap.path);
      const key = gap.path[gap.path.length - 1]!;
      if (!parent) continue;
      if (gap.how === "null") parent[key] = null;
      else delete parent[key];
    }
    for (const collector of failed) {
      for (const section of COLLECTOR_SECTIONS[collector]) {
        const path = section.split(".");
        const parent = at(path);
        const key = path[path.length - 1]!;
        if (!parent) continue;
        if (!sentAnyway) delete parent[key];
        else if (parent[key] && typeof parent[key] === "object") {
          // A producer that names the failure but still sends an empty list: nothing may go.
          for (const [name, value] of Object.entries(parent[key]))
            if (Array.isArray(value)) parent[key][name] = [];
        }
      }
    }
    if (failed.length > 0) {
      doc.collector_errors = failed.map((collector) => ({
        collector,
        code: "HWS_COLLECT_FAILED",
        message: `${collector}: EIO`,
      }));
    }
    const note = [
      ...gaps.map((gap) => `${gap.how} ${gap.path.join(".")}`),
      ...failed.map((collector) => `failed ${collector}${sentAnyway ? " (sent anyway)" : ""}`),
      ...(removal ? [`removed one ${removal}`] : []),
      `variant ${variant}`,
    ].join("; ");
    return { kind: "partial", note, ...jsonHeaders(Buffer.from(canonicalJson(doc)), variant % 2 === 0) };
  });

/** Counterexamples print as kind, note, headers and the first bytes, not as a 100 kB Buffer. */
function printable(pushCase: PushCase): PushCase {
  return Object.assign(pushCase, {
    [fc.toStringMethod]: () =>
      `${pushCase.kind} ${pushCase.note ?? ""} headers=${JSON.stringify(pushCase.headers)} bytes=${pushCase.body.length} head=${JSON.stringify(pushCase.body.subarray(0, 80).toString("latin1"))}`,
  });
}

export function pushCases(maxPayloadBytes: number): fc.Arbitrary<PushCase> {
  return fc
    .oneof(
      garbage,
      truncated,
      wrongTyped,
      oversized(maxPayloadBytes),
      deep,
      unicode,
      prototypeKeys,
      hostileHeaders,
      partial,
    )
    .map(printable);
}

// ---------------------------------------------------------------------------------------------
// Forms

export type Form = Array<[string, string]>;

const fieldName = fc.oneof(fc.constantFrom("op", "comment", "hostname", "name", "value", "x"), hostileString);

/** Random extra fields whose names avoid `reserved` (so they cannot override the poison). */
export function extras(reserved: string[]): fc.Arbitrary<Form> {
  return fc.array(
    fc.tuple(
      fieldName.filter((name) => !reserved.includes(name)),
      hostileString,
    ),
    {
      maxLength: 4,
    },
  );
}

const BOOLEAN_WORDS = new Set(["true", "t", "yes", "y", "on", "1", "false", "f", "no", "n", "off", "0"]);
const SLUG = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const DEPLOY_FIELDS = ["enable_hw_sync", "sync_interval", "osystem", "distro_series", "user_data"];

function refusedInterval(value: string): boolean {
  if (value === "") return false;
  try {
    parseIntervalSeconds(value);
    return false;
  } catch {
    return true;
  }
}

function refusedBase64(value: string): boolean {
  const compact = value.replace(/\s+/g, "");
  return compact !== "" && (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1);
}

/** A deploy form with at least one field the region must refuse. */
export const poisonedDeployForm: fc.Arbitrary<Form> = fc
  .record({
    poison: fc.oneof(
      hostileString
        .filter((v) => !BOOLEAN_WORDS.has(v.trim().toLowerCase()))
        .map((v): Form => [["enable_hw_sync", v]]),
      hostileString.filter(refusedInterval).map(
        (v): Form => [
          ["enable_hw_sync", "true"],
          ["sync_interval", v],
        ],
      ),
      hostileString.filter((v) => v !== "" && !SLUG.test(v)).map((v): Form => [["osystem", v]]),
      hostileString.filter((v) => v !== "" && !SLUG.test(v)).map((v): Form => [["distro_series", v]]),
      hostileString.filter(refusedBase64).map((v): Form => [["user_data", v]]),
    ),
    extra: extras(DEPLOY_FIELDS),
  })
  .map(({ poison, extra }) => [...extra, ...poison]);

const MAC = /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i;

export const poisonedCreateForm: fc.Arbitrary<Form> = fc
  .record({
    macs: fc.array(
      hostileString.filter((v) => !MAC.test(v.trim())),
      { minLength: 1, maxLength: 3 },
    ),
    hostname: hostileString,
    architecture: fc.oneof(fc.constant("amd64/generic"), hostileString),
    extra: extras(["mac_addresses", "hostname", "architecture"]),
  })
  .map(({ macs, hostname, architecture, extra }) => [
    ...extra,
    ["hostname", hostname],
    ["architecture", architecture],
    ...macs.map((mac): [string, string] => ["mac_addresses", mac]),
  ]);

export const poisonedConfigForm: fc.Arbitrary<Form> = fc.oneof(
  hostileString.map(
    (v): Form => [
      ["name", `zz_unknown_${v}`],
      ["value", v],
    ],
  ),
  hostileString
    .filter((v) => !isValidTimeSpan(v))
    .map(
      (v): Form => [
        ["name", "hardware_sync_interval"],
        ["value", v],
      ],
    ),
  extras(["name"]),
);

export const SIGNAL_STATUSES = [
  "OK",
  "FAILED",
  "WORKING",
  "COMMISSIONING",
  "TESTING",
  "TIMEDOUT",
  "INSTALLING",
  "APPLYING_NETCONF",
  "RELEASING",
  "DEPLOYING",
];

const notInteger = hostileString.filter((v) => v.trim() !== "" && !/^\s*-?\d+\s*$/.test(v));

/** An `op=signal` form the region must refuse: a bad status, or a good one with a bad field. */
export const poisonedSignalForm: fc.Arbitrary<{ form: Form; files: Array<[string, string, Buffer]> }> = fc
  .record({
    poison: fc.oneof(
      fc.constant<Form>([]),
      hostileString.filter((v) => !SIGNAL_STATUSES.includes(v)).map((v): Form => [["status", v]]),
      fc
        .tuple(
          fc.constantFrom(...SIGNAL_STATUSES),
          fc.constantFrom("exit_status", "script_result_id", "script_version_id", "result"),
          notInteger,
        )
        .map(
          ([status, field, v]): Form => [
            ["status", status],
            [field, v],
          ],
        ),
      fc
        .tuple(
          fc.constantFrom(...SIGNAL_STATUSES),
          hostileString.filter((v) => v.trim() !== "" && !Number.isFinite(Number(v))),
        )
        .map(
          ([status, v]): Form => [
            ["status", status],
            ["runtime", v],
          ],
        ),
      fc
        .tuple(
          fc.constantFrom(...SIGNAL_STATUSES),
          fc.oneof(
            hostileString.filter((v) => {
              try {
                const parsed = JSON.parse(v);
                return v !== "" && (parsed === null || typeof parsed !== "object" || Array.isArray(parsed));
              } catch {
                return v !== "";
              }
            }),
            fc.constantFrom("[]", "1", '"x"', "null", "{"),
          ),
        )
        .map(
          ([status, v]): Form => [
            ["status", status],
            ["power_parameters", v],
          ],
        ),
    ),
    extra: extras([
      "status",
      "exit_status",
      "script_result_id",
      "script_version_id",
      "result",
      "script_result",
      "runtime",
      "power_parameters",
      "power_type",
      "op",
    ]),
    files: fc.array(
      fc.tuple(
        hostileString,
        hostileString,
        fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
      ),
      { maxLength: 3 },
    ),
  })
  .map(({ poison, extra, files }) => ({ form: [...extra, ...poison], files }));

// ---------------------------------------------------------------------------------------------
// Body encodings of a form, well-formed or broken

export interface EncodedBody {
  body: Buffer;
  contentType: string;
}

/** Short counterexamples: the content type and the first bytes, never a whole body. */
export function shortPrint<T extends object>(value: T, describe: (value: T) => string): T {
  return Object.assign(value, { [fc.toStringMethod]: () => describe(value) });
}

function bodyHead(body: Buffer | undefined): string {
  if (!body) return "";
  return `bytes=${body.length} head=${JSON.stringify(body.subarray(0, 160).toString("latin1"))}`;
}

export function describeBody(value: { contentType?: string; body?: Buffer }): string {
  return `${value.contentType ?? ""} ${bodyHead(value.body)}`;
}

/** A form as url-encoded, multipart (plain or base64 parts), or a structurally broken multipart. */
export function encodedForm(
  form: Form,
  files: Array<[string, string, Buffer]> = [],
): fc.Arbitrary<EncodedBody> {
  return fc
    .record({
      mode: fc.constantFrom("urlencoded", "multipart", "multipart-base64", "broken", "json"),
      boundary: fc.oneof(
        fc.constant("XyZzY-boundary"),
        hostileString.filter((b) => b.length > 0 && b.length < 70),
      ),
      cut: fc.nat(),
      brokenHow: fc.constantFrom("no-boundary", "truncate", "wrong-boundary", "garbage-headers"),
    })
    .map(
      ({ mode, boundary, cut, brokenHow }): EncodedBody =>
        shortPrint(encode(mode, boundary, cut, brokenHow), describeBody),
    );
  function encode(mode: string, boundary: string, cut: number, brokenHow: string): EncodedBody {
    if (mode === "urlencoded") {
      return {
        body: Buffer.from(new URLSearchParams(form).toString()),
        contentType: "application/x-www-form-urlencoded",
      };
    }
    if (mode === "json") {
      return {
        body: Buffer.from(JSON.stringify(Object.fromEntries(form))),
        contentType: "application/json",
      };
    }
    const safe = boundary.replace(/["\r\n]/g, "") || "b";
    const full = multipartBody(
      form,
      files.map(([name, filename, data]): FilePart => [name, data, filename]),
      { boundary: safe, base64Fields: mode === "multipart-base64" },
    ).body;
    if (mode !== "broken") return { body: full, contentType: `multipart/form-data; boundary="${safe}"` };
    switch (brokenHow) {
      case "no-boundary":
        return { body: full, contentType: "multipart/form-data" };
      case "truncate":
        return {
          body: full.subarray(0, cut % Math.max(1, full.length)),
          contentType: `multipart/form-data; boundary="${safe}"`,
        };
      case "wrong-boundary":
        return { body: full, contentType: `multipart/form-data; boundary="${safe}x"` };
      default:
        return {
          body: Buffer.from(
            `--${safe}\r\n\u0000garbage\r\nno colon here\r\n\r\n${"\ud800"}\r\n--${safe}--\r\n`,
          ),
          contentType: `multipart/form-data; boundary="${safe}"`,
        };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// OAuth headers

export interface KnownCreds {
  consumerKey: string;
  tokenKey: string;
  tokenSecret: string;
}

/** Authorization headers from plausible to absurd; some are valid by accident, which is fine. */
export function garbledAuthorization(creds: KnownCreds): fc.Arbitrary<string> {
  const now = () => String(Math.floor(Date.now() / 1000));
  const paramValue = fc.oneof(
    hostileString,
    fc.constantFrom(
      creds.consumerKey,
      creds.tokenKey,
      `&${creds.tokenSecret}x`,
      "%26",
      "PLAINTEXT",
      "HMAC-SHA1",
      "1.0",
      "2.0",
    ),
    fc.constant("__now__"),
  );
  const paramName = fc.oneof(
    fc.constantFrom(
      "oauth_consumer_key",
      "oauth_token",
      "oauth_signature",
      "oauth_signature_method",
      "oauth_timestamp",
      "oauth_nonce",
      "oauth_version",
      "realm",
    ),
    hostileString,
  );
  const structured = fc
    .record({
      scheme: fc.constantFrom("OAuth ", "oauth ", "OAuth", "OAuth  ", "Bearer ", "Basic ", ""),
      params: fc.array(fc.tuple(paramName, paramValue, fc.boolean()), { maxLength: 10 }),
      separator: fc.constantFrom(", ", ",", " ", ";"),
    })
    .map(
      ({ scheme, params, separator }) =>
        `${scheme}${params
          .map(([name, value, quoted]) => {
            const v = value === "__now__" ? now() : percentBytes(value);
            return quoted ? `${name}="${v}"` : `${name}=${v}`;
          })
          .join(separator)}`,
    );
  return fc
    .oneof(
      structured,
      hostileString,
      fc.integer({ min: 1000, max: 12_000 }).map((n) => `OAuth ${"a=b,".repeat(n / 4)}`),
    )
    .map((value) => value.replace(/[^\t\x20-\x7e\x80-\xff]/g, "?"));
}

// ---------------------------------------------------------------------------------------------
// WebSocket frames

const WS_METHODS = [
  "config.list",
  "config.get",
  "config.update",
  "machine.list",
  "machine.get",
  "machine.action",
  "user.auth_user",
];

export function wsFrames(foreignSystemIds: string[]): fc.Arbitrary<string | Buffer> {
  const params = fc.oneof(
    anyJson,
    fc.record({
      system_id: fc.oneof(fc.constantFrom(...foreignSystemIds), hostileString, anyJson),
      action: fc.oneof(fc.constantFrom("deploy", "release", "delete", ""), hostileString),
      name: fc.oneof(
        fc.constantFrom("maas_name", "hardware_sync_interval"),
        fc.constantFrom(...PROTOTYPE_KEYS),
        hostileString,
      ),
      value: anyJson,
      extra: fc.oneof(anyJson, fc.dictionary(hostileString, anyJson, { maxKeys: 4 })),
    }),
  );
  const request = fc
    .record({
      type: fc.oneof(fc.constant(0), anyJson),
      request_id: anyJson,
      method: fc.oneof(fc.constantFrom(...WS_METHODS), hostileString, anyJson),
      params,
    })
    .map((message) => JSON.stringify(message));
  const depth = fc.integer({ min: 100, max: 50_000 }).map((d) => `${"[".repeat(d)}${"]".repeat(d)}`);
  return fc.oneof(
    { weight: 5, arbitrary: request },
    { weight: 2, arbitrary: hostileString },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: depth },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b)) },
  );
}
