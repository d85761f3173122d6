import type { FastifyInstance, FastifyRequest } from "fastify";
import { type RegionError, regionError } from "./errors.ts";

/** Form fields as fastify gives query strings: one string, or an array for repeated keys. */
export type FormBody = Record<string, string | string[]>;

/** A multipart part that carried a filename (a `key@=file` argument, an `op=signal` result file). */
export interface FormFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

declare module "fastify" {
  interface FastifyRequest {
    /** File parts of a multipart body, in order; empty for other bodies. */
    formFiles: FormFile[];
  }
  interface FastifyContextConfig {
    /**
     * Hand the body to the route as the Buffer received, whatever its Content-Type or
     * Content-Encoding (gzip stays compressed): the hardware-sync push hashes and inflates it
     * itself, and skips both when the hash says nothing changed.
     */
    rawBody?: boolean;
  }
}

function malformed(message: string): RegionError {
  return regionError("HWS_REQUEST_MALFORMED", { message });
}

// MAAS forms carry a handful of fields; a body with more is a mistake or an attack.
const MAX_FIELDS = 1000;

/**
 * Content parsers: URL-encoded and multipart forms (plain parts or the Python CLI's base64
 * parts) become a FormBody, JSON becomes its value, and routes marked `rawBody` get a Buffer.
 * Anything else arrives as a Buffer the form-reading routes ignore (MAAS does the same).
 */
export function registerBodyParsers(app: FastifyInstance): void {
  app.decorateRequest("formFiles", {
    getter(this: FastifyRequest & { _formFiles?: FormFile[] }) {
      return this._formFiles ?? [];
    },
    setter(this: FastifyRequest & { _formFiles?: FormFile[] }, value: FormFile[]) {
      this._formFiles = value;
    },
  });
  app.removeAllContentTypeParsers();

  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "buffer" },
    (request, body, done) => {
      if (isRaw(request)) return done(null, body);
      try {
        done(null, parseUrlEncoded((body as Buffer).toString("utf8")));
      } catch (error) {
        done(error as Error);
      }
    },
  );

  app.addContentTypeParser("multipart/form-data", { parseAs: "buffer" }, (request, body, done) => {
    if (isRaw(request)) return done(null, body);
    try {
      const parsed = parseMultipart(body as Buffer, String(request.headers["content-type"] ?? ""));
      request.formFiles = parsed.files;
      done(null, parsed.fields);
    } catch (error) {
      done(error as Error);
    }
  });

  const parseJson = (
    request: FastifyRequest,
    body: Buffer,
    done: (error: Error | null, value?: unknown) => void,
  ) => {
    if (isRaw(request)) return done(null, body);
    if (body.length === 0) return done(null, {});
    try {
      done(null, JSON.parse(body.toString("utf8")));
    } catch (error) {
      done(malformed(`Body is not valid JSON: ${(error as Error).message}`));
    }
  };
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) =>
    parseJson(request, body as Buffer, done),
  );
  app.addContentTypeParser(/^application\/[\w.-]+\+json$/, { parseAs: "buffer" }, (request, body, done) =>
    parseJson(request, body as Buffer, done),
  );

  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
}

function isRaw(request: FastifyRequest): boolean {
  return request.routeOptions.config?.rawBody === true;
}

function addValue(target: FormBody, name: string, value: string): void {
  const existing = target[name];
  if (existing === undefined) target[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else target[name] = [existing, value];
}

function tooMany(): Error {
  return malformed(`Too many form fields: at most ${MAX_FIELDS} are accepted.`);
}

/** `a=1&a=2&b=x` → `{a: ["1","2"], b: "x"}`; malformed escapes are kept literally, never thrown. */
export function parseUrlEncoded(text: string): FormBody {
  const out: FormBody = Object.create(null);
  let count = 0;
  for (const [name, value] of new URLSearchParams(text)) {
    if (++count > MAX_FIELDS) throw tooMany();
    addValue(out, name, value);
  }
  return out;
}

export interface MultipartResult {
  fields: FormBody;
  files: FormFile[];
}

/**
 * A small multipart/form-data reader over the buffered body. It decodes the
 * `Content-Transfer-Encoding: base64` parts the Python `maas` CLI sends (email.mime), accepts
 * CRLF or bare LF line ends, and reports any malformed input as a 400 naming what is wrong.
 */
export function parseMultipart(body: Buffer, contentType: string): MultipartResult {
  const boundary = headerParam(contentType, "boundary");
  if (!boundary) {
    throw malformed("multipart/form-data body without a boundary parameter in Content-Type.");
  }
  const delimiter = Buffer.from(`--${boundary}`);
  const fields: FormBody = Object.create(null);
  const files: FormFile[] = [];
  let position = body.indexOf(delimiter);
  if (position < 0) throw malformed(`multipart body does not contain its boundary '${boundary}'.`);
  let count = 0;
  for (;;) {
    let cursor = position + delimiter.length;
    if (body[cursor] === 0x2d && body[cursor + 1] === 0x2d) break; // closing "--boundary--"
    const lineEnd = body.indexOf(0x0a, cursor);
    if (lineEnd < 0) throw malformed("multipart body ends without its closing boundary.");
    cursor = lineEnd + 1;
    const next = findDelimiter(body, delimiter, cursor);
    if (!next) throw malformed("multipart body ends without its closing boundary.");
    if (++count > MAX_FIELDS) throw tooMany();
    readPart(body.subarray(cursor, next.partEnd), fields, files);
    position = next.delimiterStart;
  }
  return { fields, files };
}

function findDelimiter(
  body: Buffer,
  delimiter: Buffer,
  from: number,
): { partEnd: number; delimiterStart: number } | null {
  let search = from;
  for (;;) {
    const at = body.indexOf(delimiter, search);
    if (at < 0) return null;
    // A delimiter only counts at the start of a line; the line break before it belongs to it.
    if (at === from) return { partEnd: at, delimiterStart: at };
    if (body[at - 1] === 0x0a) {
      const partEnd = at >= 2 && body[at - 2] === 0x0d ? at - 2 : at - 1;
      return { partEnd: Math.max(partEnd, from), delimiterStart: at };
    }
    search = at + 1;
  }
}

function readPart(part: Buffer, fields: FormBody, files: FormFile[]): void {
  let headerEnd = part.indexOf("\r\n\r\n");
  let separator = 4;
  const lfOnly = part.indexOf("\n\n");
  if (headerEnd < 0 || (lfOnly >= 0 && lfOnly < headerEnd)) {
    headerEnd = lfOnly;
    separator = 2;
  }
  let headerText: string;
  let content: Buffer;
  if (part[0] === 0x0a || (part[0] === 0x0d && part[1] === 0x0a)) {
    headerText = "";
    content = part.subarray(part[0] === 0x0a ? 1 : 2);
  } else if (headerEnd < 0) {
    throw malformed("multipart part has no blank line between its headers and its content.");
  } else {
    headerText = part.subarray(0, headerEnd).toString("latin1");
    content = part.subarray(headerEnd + separator);
  }
  const headers = parsePartHeaders(headerText);
  const disposition = headers["content-disposition"] ?? "";
  const name = headerParam(disposition, "name");
  if (name === undefined) {
    throw malformed(
      'multipart part without a name: each part needs Content-Disposition: form-data; name="…".',
    );
  }
  const data = decodeTransfer(content, headers["content-transfer-encoding"], name);
  const filename = headerParam(disposition, "filename");
  const contentType =
    headers["content-type"] ?? (filename === undefined ? "text/plain" : "application/octet-stream");
  if (filename !== undefined) {
    files.push({ field: name, filename, contentType, data });
    return;
  }
  const charset = (headerParam(contentType, "charset") ?? "utf-8").toLowerCase();
  const text =
    charset === "iso-8859-1" || charset === "latin1" ? data.toString("latin1") : data.toString("utf8");
  addValue(fields, name, text);
}

function parsePartHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = Object.create(null);
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (!line) continue;
    if ((line.startsWith(" ") || line.startsWith("\t")) && last) {
      headers[last] += ` ${line.trim()}`; // folded header line
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) throw malformed(`multipart part has a malformed header line: '${line.slice(0, 80)}'.`);
    last = line.slice(0, colon).trim().toLowerCase();
    headers[last] = line.slice(colon + 1).trim();
  }
  return headers;
}

function decodeTransfer(content: Buffer, encoding: string | undefined, name: string): Buffer {
  const kind = (encoding ?? "").trim().toLowerCase();
  if (kind === "base64") {
    const text = content.toString("latin1").replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
      throw malformed(`multipart part '${name}' says Content-Transfer-Encoding: base64 but is not base64.`);
    }
    return Buffer.from(text, "base64");
  }
  if (kind === "quoted-printable") {
    const text = content
      .toString("latin1")
      .replace(/=\r?\n/g, "")
      .replace(/=([0-9A-Fa-f]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    return Buffer.from(text, "latin1");
  }
  return content;
}

/** Reads `name` from a header value like `form-data; name="a"; filename=b` (quotes optional). */
export function headerParam(header: string, name: string): string | undefined {
  const pattern = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, "i");
  const match = pattern.exec(header);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, "$1") : match[2];
}

/** The request's form fields (URL-encoded, multipart, or the top level of a JSON object). */
export function formFields(request: FastifyRequest): FormBody {
  const body = request.body;
  if (!body || typeof body !== "object" || Buffer.isBuffer(body) || Array.isArray(body))
    return Object.create(null);
  const out: FormBody = Object.create(null);
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value === "string") out[key] = value;
    else if (Array.isArray(value)) out[key] = value.map((item) => toText(item));
    else if (value !== undefined && value !== null) out[key] = toText(value);
  }
  return out;
}

function toText(value: unknown): string {
  return typeof value === "string"
    ? value
    : typeof value === "object"
      ? JSON.stringify(value)
      : String(value);
}

/** The query string as a FormBody. */
export function queryFields(request: FastifyRequest): FormBody {
  return (request.query ?? {}) as FormBody;
}

/** First value of a field, or undefined. */
export function firstValue(source: FormBody, name: string): string | undefined {
  const value = source[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Every value of a (repeatable) field, in order. */
export function allValues(source: FormBody, name: string): string[] {
  const value = source[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** MAAS reads `op` from the query string or the form body. */
export function requestOp(request: FastifyRequest): string | undefined {
  return firstValue(queryFields(request), "op") ?? firstValue(formFields(request), "op");
}

const TRUE_WORDS = new Set(["true", "t", "yes", "y", "on", "1"]);
const FALSE_WORDS = new Set(["false", "f", "no", "n", "off", "0"]);

/** MAAS's boolean strings (case-insensitive); undefined when the text is neither. */
export function parseBoolean(value: string | boolean): boolean | undefined {
  if (typeof value === "boolean") return value;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}
