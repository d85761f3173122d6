import { type ErrorCode, HwsError, isHwsError } from "@hwsync/shared";

// Every error the region answers on purpose, in one table: code → HTTP status → message. Routes
// and services raise by code (`regionError("HWS_MACHINE_NOT_FOUND")`); error-handler.ts turns the
// error into the reply and names the code in the X-Hwsync-Error-Code header, which our clients
// match on (MAAS's clients ignore it). Bodies stay exactly MAAS's where MAAS has one
// (docs/maas-compatibility.md#error-bodies). docs/errors.md lists the same table; a test keeps
// the two in step.

interface ErrorSpec<P> {
  status: number;
  message: (params: P) => string;
  /** A 400 in MAAS's validation shape: the body is `{"field": ["message", …]}` as JSON. */
  fields?: (params: P) => Record<string, string[]>;
  /** The exact text body when it differs from the message (MAAS's wording, or empty). */
  body?: (params: P) => string;
  headers?: Readonly<Record<string, string>>;
}

type Fields = Record<string, string[]>;

/** `field: message message; field2: message`: a one-line summary of validation fields. */
export function summarizeFields(fields: Fields): string {
  return Object.entries(fields)
    .map(([field, messages]) => `${field}: ${messages.join(" ")}`)
    .join("; ");
}

// OAuth failures say which scheme to use, as MAAS's piston does.
const WWW_AUTHENTICATE = { "WWW-Authenticate": 'OAuth realm="OAuth"' } as const;

export const REGION_ERRORS = {
  // 400: the request is wrong.
  HWS_BAD_REQUEST: { status: 400, message: (p: { message: string }) => p.message },
  HWS_REQUEST_MALFORMED: { status: 400, message: (p: { message: string }) => p.message },
  HWS_VALIDATION_FAILED: {
    status: 400,
    message: (p: { fields: Fields }) => summarizeFields(p.fields),
    fields: (p: { fields: Fields }) => p.fields,
  },
  HWS_UNRECOGNISED_SIGNATURE: {
    status: 400,
    message: (p: { method: string; op: string | undefined }) =>
      `Unrecognised signature: method=${p.method} op=${p.op ?? "None"}`,
  },
  HWS_HW_SYNC_OS_UNSUPPORTED: {
    status: 400,
    message: () => "enable_hw_sync: Hardware sync is only supported for Linux based image deploys.",
    fields: () => ({ enable_hw_sync: ["Hardware sync is only supported for Linux based image deploys."] }),
  },
  HWS_CONTENT_HASH_MISMATCH: {
    status: 400,
    message: (p: { declared: string; actual: string }) =>
      `Content hash mismatch: x-hwsync-content-hash says ${p.declared} but the uncompressed body hashes to ${p.actual}.`,
  },
  HWS_PAYLOAD_NOT_JSON: {
    status: 400,
    message: (p: { parseError: string | null }) =>
      p.parseError === null
        ? "Empty body: send the machine-resources JSON document."
        : `Hardware payload is not valid JSON: ${p.parseError}`,
  },
  HWS_INVENTORY_INVALID: {
    status: 400,
    message: (p: { fields: Fields }) => summarizeFields(p.fields),
    fields: (p: { fields: Fields }) => p.fields,
  },
  HWS_OAUTH_PARAMS_INVALID: {
    status: 400,
    message: () => "oauth_timestamp is not an integer number of seconds",
    body: () =>
      "'Bad Request: the following problems were found among the auth params: oauth_timestamp has an unexpected type'",
  },
  HWS_VALUE_NOT_STORABLE: {
    status: 400,
    message: (p: { detail: string }) =>
      `The request holds a value the database cannot store (${p.detail}). Remove NUL characters and invalid Unicode, and keep numbers in range.`,
  },

  // 401: no credentials, or credentials the region does not accept.
  HWS_UNAUTHORIZED: {
    status: 401,
    // MAAS answers an anonymous call to an authenticated handler with the odd body "Forbidden".
    message: (p: { detail?: string } = {}) => (p.detail ? `Forbidden: ${p.detail}` : "Forbidden"),
  },
  HWS_OAUTH_REJECTED: {
    status: 401,
    message: (p: { detail: string }) => `Authorization Error: '${p.detail}'`,
    headers: WWW_AUTHENTICATE,
  },
  HWS_OAUTH_CONSUMER_MISMATCH: {
    status: 401,
    message: () => "Authorization Error: Invalid API key.",
    headers: WWW_AUTHENTICATE,
  },
  // The issue asks 401 for bad credentials; MAAS's authenticate view says 403 (both mean "refused").
  HWS_LOGIN_FAILED: { status: 401, message: () => "Invalid username or password." },

  // 403: authenticated, but not allowed.
  HWS_FORBIDDEN: {
    status: 403,
    message: (p: { message?: string } = {}) => p.message || "Forbidden",
    body: (p: { message?: string } = {}) => p.message ?? "",
  },
  HWS_ADMIN_REQUIRED: { status: 403, message: () => "This method is reserved for admin users." },
  HWS_MACHINE_TOKEN_REQUIRED: { status: 403, message: () => "Not authenticated as a known node." },

  // 404: nothing there.
  HWS_MACHINE_NOT_FOUND: { status: 404, message: () => "No Machine matches the given query." },
  HWS_NOT_FOUND: {
    status: 404,
    message: (p: {
      model:
        | "User"
        | "Token"
        | "Zone"
        | "ResourcePool"
        | "Domain"
        | "Tag"
        | "Node"
        | "Interface"
        | "BlockDevice";
    }) => `No ${p.model} matches the given query.`,
  },
  HWS_ROUTE_NOT_FOUND: {
    status: 404,
    message: (p: { method: string; path: string }) => `Not Found: ${p.method} ${p.path}`,
  },
  HWS_METADATA_VERSION_UNKNOWN: {
    status: 404,
    message: (p: { version: string }) => `Unknown metadata version '${p.version}'. Use 2012-03-01 or latest.`,
  },
  HWS_AGENT_ARCH_UNKNOWN: {
    status: 404,
    message: (p: { arch: string }) =>
      `Unknown architecture '${p.arch}'. The agent is built for amd64 and arm64.`,
  },
  HWS_AGENT_NOT_BUILT: {
    status: 404,
    message: (p: { arch: string; path: string }) =>
      `No agent binary for ${p.arch}: ${p.path} does not exist. Build it with \`npm run build:agent\` (add \`-- --all\` for arm64).`,
  },

  // 409: the machine is in the wrong state for this.
  HWS_MACHINE_NOT_SYNCABLE: {
    status: 409,
    message: (p: {
      systemId: string;
      status: string;
      reason: "status" | "hw_sync_off";
      wire: "push" | "signal";
    }) => {
      if (p.reason === "hw_sync_off") {
        return `Hardware sync is not enabled for machine ${p.systemId}. Deploy it with enable_hw_sync=true to report hardware.`;
      }
      // MAAS's own answer to a signal from a state it does not accept one in.
      if (p.wire === "signal") return `Machine status isn't valid (status is ${p.status})`;
      return `Machine ${p.systemId} is ${p.status}: hardware sync is accepted only from Deployed or Deploying machines.`;
    },
  },
  HWS_MACHINE_NOT_DEPLOYABLE: {
    status: 409,
    message: (p: { status: string }) => `Can't deploy a machine that is in the '${p.status}' state`,
  },
  HWS_MACHINE_ALLOCATED_TO_OTHER: {
    status: 409,
    message: () => "Can't allocate a machine belonging to another user.",
  },
  HWS_MACHINE_NOT_RELEASABLE: {
    status: 409,
    message: (p: { status: string }) => `Machine cannot be released in its current state ('${p.status}').`,
  },
  HWS_TAG_DEFINITION_MISMATCH: {
    status: 409,
    message: (p: { supplied: string; current: string }) =>
      `Definition supplied '${p.supplied}' doesn't match current definition '${p.current}'`,
  },
  HWS_MACHINE_TOKEN_MISSING: {
    status: 409,
    message: (p: { systemId: string }) =>
      `Machine ${p.systemId} has no metadata token, so its agent could not authenticate. Release it and deploy again with enable_hw_sync=true.`,
  },

  // 413–415: the body or URL is too big, or encoded in a way we do not read.
  HWS_PAYLOAD_TOO_LARGE: {
    status: 413,
    message: (p: { limitBytes: number; hardware?: "raw" | "inflated" }) =>
      p.hardware === undefined
        ? `Request body is larger than the limit of ${p.limitBytes} bytes.`
        : `Hardware payload is larger than the region's limit of ${p.limitBytes} bytes${p.hardware === "inflated" ? " once inflated" : ""}. Raise it with maas-region start --max-payload, or drop collector extras.`,
  },
  HWS_URL_TOO_LONG: {
    status: 414,
    message: (p: { path: string }) => `A part of the URL ${p.path} is longer than 256 characters.`,
  },
  HWS_CONTENT_ENCODING_UNSUPPORTED: {
    status: 415,
    message: (p: { encoding: string }) =>
      `Content-Encoding '${p.encoding}' is not supported; send the body as is or gzip it.`,
  },
  HWS_CONTENT_TYPE_UNSUPPORTED: {
    status: 415,
    message: (p: { contentType: string }) =>
      `Unsupported Content-Type: ${p.contentType}. Send application/x-www-form-urlencoded or multipart/form-data.`,
  },

  // 5xx: the region cannot answer now.
  HWS_INTERNAL_ERROR: { status: 500, message: () => "Internal server error" },
  // MAAS's answer to trouble behind the API; agents retry it.
  HWS_DATABASE_UNAVAILABLE: {
    status: 503,
    message: () => "The region's database is unavailable right now; retry in a few seconds.",
    headers: { "Retry-After": "5" },
  },
  HWS_WEB_UI_NOT_BUILT: {
    status: 503,
    message: () => "The web UI is not built. Run `npm run build -w @hwsync/web`, then reload this page.",
  },
} as const satisfies { [C in ErrorCode]?: ErrorSpec<never> };

export type RegionErrorCode = keyof typeof REGION_ERRORS;

type ParamsOf<C extends RegionErrorCode> = Parameters<(typeof REGION_ERRORS)[C]["message"]>;

/** The arguments after the code: the message's parameters (optional when it takes none). */
type ErrorArgs<C extends RegionErrorCode> =
  [] extends ParamsOf<C>
    ? [params?: ParamsOf<C>[0], options?: RegionErrorOptions]
    : [params: ParamsOf<C>[0], options?: RegionErrorOptions];

export interface RegionErrorOptions {
  cause?: unknown;
}

/** An error the region raises on purpose; error-handler.ts turns it into its reply. */
export class RegionError extends HwsError {
  declare readonly code: RegionErrorCode;
  readonly status: number;
  /** Field → messages: sent as a JSON body, MAAS's MAASAPIValidationError shape. */
  readonly fields: Fields | undefined;
  /** The exact text/plain body, when it differs from the message (e.g. an empty 403). */
  readonly body: string | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;
  constructor(code: RegionErrorCode, params: unknown, options: RegionErrorOptions = {}) {
    const spec = REGION_ERRORS[code] as ErrorSpec<unknown>;
    super(code, spec.message(params), { cause: options.cause });
    this.name = "RegionError";
    this.status = spec.status;
    this.fields = spec.fields?.(params);
    this.body = spec.body?.(params);
    this.headers = spec.headers;
  }
}

/** The error for a code of the table, with its message's parameters. */
export function regionError<C extends RegionErrorCode>(code: C, ...args: ErrorArgs<C>): RegionError {
  const [params, options] = args;
  return new RegionError(code, params, options);
}

/** Whether the error carries this code: callers match on the code, never on the message. */
export function hasCode<C extends RegionErrorCode>(
  error: unknown,
  code: C,
): error is RegionError & { code: C } {
  return isHwsError(error) && error.code === code;
}
