import { codeForStatus, ErrorCode, HwsError, isHwsError } from "@hwsync/shared";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";

export interface RegionErrorOptions {
  /** Field → messages: sent as a 400 JSON body, MAAS's MAASAPIValidationError shape. */
  fields?: Record<string, string[]>;
  /** The exact text/plain body, when it differs from the message (e.g. an empty 403). */
  body?: string;
  headers?: Record<string, string>;
  code?: ErrorCode;
  cause?: unknown;
}

/** An error a route raises on purpose; the one error handler turns it into a MAAS-shaped reply. */
export class RegionError extends HwsError {
  readonly status: number;
  readonly fields: Record<string, string[]> | undefined;
  readonly body: string | undefined;
  readonly headers: Record<string, string> | undefined;
  constructor(status: number, message: string, options: RegionErrorOptions = {}) {
    super(options.code ?? (status === 400 ? ErrorCode.VALIDATION_FAILED : codeForStatus(status)), message, {
      cause: options.cause,
    });
    this.name = "RegionError";
    this.status = status;
    this.fields = options.fields;
    this.body = options.body;
    this.headers = options.headers;
  }
}

export function badRequest(message: string): RegionError {
  return new RegionError(400, message);
}

/** 400 `{"field": ["message"]}`. */
export function validationError(fields: Record<string, string[]>): RegionError {
  const summary = Object.entries(fields)
    .map(([field, messages]) => `${field}: ${messages.join(" ")}`)
    .join("; ");
  return new RegionError(400, summary, { fields });
}

export function notFound(model = "Machine"): RegionError {
  return new RegionError(404, `No ${model} matches the given query.`);
}

export function conflict(message: string): RegionError {
  return new RegionError(409, message);
}

export function forbidden(message = ""): RegionError {
  return new RegionError(403, message || "Forbidden", { body: message });
}

export function unauthorized(message: string, headers?: Record<string, string>): RegionError {
  return new RegionError(401, message, { headers });
}

export function payloadTooLarge(message: string): RegionError {
  return new RegionError(413, message);
}

/** `Unrecognised signature: method=GET op=foo`, MAAS's answer to an unknown method/op pair. */
export function unrecognisedSignature(method: string, op: string | undefined): RegionError {
  return badRequest(`Unrecognised signature: method=${method} op=${op ?? "None"}`);
}

const TEXT = "text/plain; charset=utf-8";

/**
 * The one place errors become HTTP replies. RegionError → its status and body; fastify's own
 * client errors (bad body, too large) → their 4xx with a plain message; anything else is a bug:
 * logged with its stack, answered 500 without leaking the message.
 */
export function handleError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  reportInternal: (error: unknown, request: FastifyRequest) => void = defaultReport,
): FastifyReply {
  if (
    error instanceof RegionError ||
    (isHwsError(error) && typeof (error as RegionError).status === "number")
  ) {
    const regionError = error as RegionError;
    if (regionError.headers) reply.headers(regionError.headers);
    if (regionError.fields) {
      return reply.code(regionError.status).type("application/json").send(regionError.fields);
    }
    return reply
      .code(regionError.status)
      .type(TEXT)
      .send(regionError.body ?? regionError.message);
  }
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return reply.code(status).type(TEXT).send(clientErrorText(fastifyError, request));
  }
  const database = databaseErrorReply(error);
  if (database) return handleError(database, request, reply, reportInternal);
  if (isHwsError(error)) {
    // A coded error from shared (e.g. a time span) that a route forgot to map: still the client's input.
    return reply
      .code(400)
      .type(TEXT)
      .send((error as Error).message);
  }
  reportInternal(error, request);
  return reply.code(500).type(TEXT).send("Internal server error");
}

// pg's own messages when a pooled connection dies under a query or cannot be opened.
const CONNECTION_LOST =
  /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/;
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
]);

/**
 * Database errors that are not bugs. A value PostgreSQL cannot store (SQLSTATE class 22: a NUL
 * byte, a number out of range) is the client's 400. A lost or refused connection (class 08,
 * 57P01-57P03 shutdown/restart, a reset socket) is a 503 with Retry-After, MAAS's answer to
 * trouble behind the API: agents retry it, and the pool reconnects on the next query.
 */
export function databaseErrorReply(error: unknown): RegionError | null {
  if (error instanceof RegionError) return null;
  const code = String((error as { code?: unknown })?.code ?? "");
  const message = String((error as { message?: unknown })?.message ?? "");
  if (/^22[0-9A-Z]{3}$/.test(code)) {
    return badRequest(
      `The request holds a value the database cannot store (${message}). Remove NUL characters and invalid Unicode, and keep numbers in range.`,
    );
  }
  if (
    /^08[0-9A-Z]{3}$/.test(code) ||
    /^57P0[123]$/.test(code) ||
    SOCKET_CODES.has(code) ||
    CONNECTION_LOST.test(message)
  ) {
    return new RegionError(503, "The region's database is unavailable right now; retry in a few seconds.", {
      headers: { "Retry-After": "5" },
      cause: error,
    });
  }
  return null;
}

function defaultReport(error: unknown, request: FastifyRequest): void {
  const stack = error instanceof Error ? error.stack : String(error);
  process.stderr.write(
    `maas-region: internal error on ${request.method} ${request.url.split("?")[0]} (${request.id}): ${stack}\n`,
  );
}

function clientErrorText(error: Partial<FastifyError>, request: FastifyRequest): string {
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return `Request body is larger than the limit of ${request.routeOptions.bodyLimit ?? "?"} bytes.`;
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return `Unsupported Content-Type: ${request.headers["content-type"] ?? "(none)"}. Send application/x-www-form-urlencoded or multipart/form-data.`;
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return "Body is empty but Content-Type is application/json. Send a JSON document or no Content-Type.";
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return "Content-Length does not match the body.";
    default:
      return error.message ?? "Bad Request";
  }
}
