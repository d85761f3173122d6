import { ErrorCode, HwsError } from "@hwsync/shared/errors";

/** A request the region refused or could not answer; `fields` holds per-field validation messages. */
export class RegionRequestError extends HwsError {
  readonly fields: Record<string, string[]> | undefined;
  readonly status: number | undefined;
  constructor(
    code: ErrorCode,
    message: string,
    options: { fields?: Record<string, string[]>; status?: number; cause?: unknown } = {},
  ) {
    super(code, message, { cause: options.cause });
    this.name = "RegionRequestError";
    this.fields = options.fields;
    this.status = options.status;
  }
}

// MAAS sends validation errors as JSON text of {field: [messages]} inside the error string
// (docs/maas-compatibility.md#websocket); anything else is a plain sentence.
export function parseWsError(method: string, error: unknown): RegionRequestError {
  const text = typeof error === "string" ? error : JSON.stringify(error);
  const fields = parseFieldErrors(text);
  if (fields) {
    const message = Object.values(fields).flat().join(" ");
    return new RegionRequestError(ErrorCode.VALIDATION_FAILED, message, { fields });
  }
  if (/permission denied|not authenticated|login required/i.test(text)) {
    return new RegionRequestError(ErrorCode.AUTH_REJECTED, `${method}: ${text}`);
  }
  return new RegionRequestError(ErrorCode.API_STATUS, text || `${method} failed without a message`);
}

function parseFieldErrors(text: string): Record<string, string[]> | undefined {
  if (!text.trimStart().startsWith("{")) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return undefined;
    const fields: Record<string, string[]> = {};
    for (const [field, messages] of Object.entries(parsed)) {
      fields[field] = (Array.isArray(messages) ? messages : [messages]).map(String);
    }
    return fields;
  } catch {
    return undefined;
  }
}
