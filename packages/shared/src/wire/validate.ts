import type { z } from "zod";
import { ErrorCode, HwsError } from "../errors.ts";

/** One problem in a document, with the JSON path it sits at (`resources.storage.disks[2].size`). */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** Raised when a wire document does not match its schema; `issues` lists every problem. */
export class ValidationError extends HwsError {
  readonly issues: ValidationIssue[];
  constructor(what: string, issues: ValidationIssue[], code: ErrorCode = ErrorCode.VALIDATION_FAILED) {
    const first = issues.slice(0, 5).map((issue) => `${issue.path || "(root)"}: ${issue.message}`);
    const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : "";
    super(code, `invalid ${what}: ${first.join("; ")}${more}`);
    this.name = "ValidationError";
    this.issues = issues;
  }
}

/** Formats a zod path as a JSON path: `a.b[2].c`. */
export function formatJsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

/** Validates `data` against `schema`; throws ValidationError naming every bad path. */
export function validateWith<S extends z.ZodType>(
  schema: S,
  data: unknown,
  what: string,
  code: ErrorCode = ErrorCode.VALIDATION_FAILED,
): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw new ValidationError(
    what,
    result.error.issues.map((issue) => ({ path: formatJsonPath(issue.path), message: issue.message })),
    code,
  );
}
