import { ERROR_CODE_HEADER, isHwsError } from "@hwsync/shared";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { RegionError, regionError } from "./errors.ts";

const TEXT = "text/plain; charset=utf-8";

/** Sends a coded error as its reply: status, the table's headers, the code header, the body. */
export function sendRegionError(reply: FastifyReply, error: RegionError): FastifyReply {
  reply.code(error.status).header(ERROR_CODE_HEADER, error.code);
  if (error.headers) reply.headers(error.headers);
  if (error.fields) return reply.type("application/json").send(error.fields);
  return reply.type(TEXT).send(error.body ?? error.message);
}

/**
 * The one place errors become HTTP replies. A RegionError → its status and body; fastify's own
 * client errors (bad body, too large) and database errors that are not bugs → their coded
 * error; anything else is a bug: reported with its stack, answered 500 without the message.
 */
export function handleError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  reportInternal: (error: unknown, request: FastifyRequest) => void = defaultReport,
): FastifyReply {
  const coded = toRegionError(error, request);
  if (coded) return sendRegionError(reply, coded);
  reportInternal(error, request);
  return sendRegionError(reply, regionError("HWS_INTERNAL_ERROR", undefined, { cause: error }));
}

function toRegionError(error: unknown, request: FastifyRequest): RegionError | null {
  if (error instanceof RegionError) return error;
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return clientError(fastifyError, request);
  }
  const database = databaseError(error);
  if (database) return database;
  // A coded error from shared (e.g. a time span) that a route forgot to map: still the client's input.
  if (isHwsError(error)) return regionError("HWS_BAD_REQUEST", { message: error.message }, { cause: error });
  return null;
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
 * 57P01-57P03 shutdown/restart, a reset socket) is a 503 with Retry-After: agents retry it, and
 * the pool reconnects on the next query.
 */
export function databaseError(error: unknown): RegionError | null {
  if (error instanceof RegionError) return null;
  const code = String((error as { code?: unknown })?.code ?? "");
  const message = String((error as { message?: unknown })?.message ?? "");
  if (/^22[0-9A-Z]{3}$/.test(code)) return regionError("HWS_VALUE_NOT_STORABLE", { detail: message });
  if (
    /^08[0-9A-Z]{3}$/.test(code) ||
    /^57P0[123]$/.test(code) ||
    SOCKET_CODES.has(code) ||
    CONNECTION_LOST.test(message)
  ) {
    return regionError("HWS_DATABASE_UNAVAILABLE", undefined, { cause: error });
  }
  return null;
}

function defaultReport(error: unknown, request: FastifyRequest): void {
  const stack = error instanceof Error ? error.stack : String(error);
  process.stderr.write(
    `maas-region: internal error on ${request.method} ${request.url.split("?")[0]} (${request.id}): ${stack}\n`,
  );
}

/** Fastify's own 4xx (body parsing, limits, URLs) as the table's codes. */
function clientError(error: Partial<FastifyError>, request: FastifyRequest): RegionError {
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return regionError("HWS_PAYLOAD_TOO_LARGE", { limitBytes: request.routeOptions.bodyLimit ?? 0 });
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return regionError("HWS_CONTENT_TYPE_UNSUPPORTED", {
        contentType: request.headers["content-type"] ?? "(none)",
      });
    case "FST_ERR_NOT_FOUND":
      return regionError("HWS_ROUTE_NOT_FOUND", {
        method: request.method,
        path: request.url.split("?")[0] ?? "",
      });
    case "FST_ERR_MAX_PARAM_LENGTH":
      return regionError("HWS_URL_TOO_LONG", { path: request.url.split("?")[0] ?? "" });
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return regionError("HWS_REQUEST_MALFORMED", {
        message:
          "Body is empty but Content-Type is application/json. Send a JSON document or no Content-Type.",
      });
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return regionError("HWS_REQUEST_MALFORMED", { message: "Content-Length does not match the body." });
    default:
      return regionError("HWS_REQUEST_MALFORMED", { message: error.message ?? "Bad Request" });
  }
}
