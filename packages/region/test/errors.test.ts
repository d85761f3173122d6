import { readFileSync } from "node:fs";
import { ErrorCode } from "@hwsync/shared";
import { describe, expect, test } from "vitest";
import { REGION_ERRORS, type RegionErrorCode, regionError } from "../src/errors.ts";

const CLIENT_SIDE = "— (client side)";

/** The rows of the markdown table whose header starts with `| Code |`, as trimmed cells. */
function codeTable(markdown: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => /^\|\s*Code\s*\|/.test(line));
  if (start < 0) throw new Error("docs/errors.md has no `| Code |` table");
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    // A `\|` inside a cell is a literal pipe (GFM), not a column break.
    const cells = line
      .trim()
      .slice(1, -1)
      .split(/(?<!\\)\|/);
    rows.push(cells.map((cell) => cell.trim()));
  }
  return rows;
}

const doc = readFileSync(new URL("../../../docs/errors.md", import.meta.url), "utf8");
const rows = codeTable(doc);
const regionCodes = Object.keys(REGION_ERRORS) as RegionErrorCode[];
const sharedCodes = new Set<string>(Object.values(ErrorCode));

describe("docs/errors.md against the region's error table", () => {
  test("every row has the table's four columns and one backquoted code", () => {
    for (const row of rows) {
      expect(row, row.join(" | ")).toHaveLength(4);
      expect(row[0], row.join(" | ")).toMatch(/^`HWS_[A-Z0-9_]+`$/);
    }
  });

  test("every code the region raises has a row, with the table's HTTP status", () => {
    const documented = new Map(rows.map((row) => [row[0]!.slice(1, -1), row[1]!]));
    for (const code of regionCodes) {
      expect(documented.get(code), `${code} in docs/errors.md`).toBe(String(REGION_ERRORS[code].status));
    }
  });

  test("every other row names a client-side code that shared's ErrorCode defines", () => {
    for (const [cell, http] of rows) {
      const code = cell!.slice(1, -1);
      if ((regionCodes as string[]).includes(code)) continue;
      expect(sharedCodes.has(code), `${code} is not in shared's ErrorCode: nobody raises it`).toBe(true);
      expect(http, `${code} is not raised by the region: mark it "${CLIENT_SIDE}"`).toBe(CLIENT_SIDE);
    }
  });

  test("no code is documented twice", () => {
    const codes = rows.map((row) => row[0]);
    expect(codes).toEqual([...new Set(codes)]);
  });
});

describe("the region's error table", () => {
  test("every code is one of shared's ErrorCode values, so clients can name it", () => {
    for (const code of regionCodes) expect(sharedCodes.has(code), code).toBe(true);
  });

  test("a RegionError takes its status, message and headers from its code's row", () => {
    const error = regionError("HWS_MACHINE_NOT_SYNCABLE", {
      systemId: "abc123",
      status: "Allocated",
      reason: "status",
      wire: "signal",
    });
    expect([error.code, error.status, error.message]).toEqual([
      "HWS_MACHINE_NOT_SYNCABLE",
      409,
      "Machine status isn't valid (status is Allocated)",
    ]);
    expect(regionError("HWS_DATABASE_UNAVAILABLE").headers).toEqual({ "Retry-After": "5" });
    expect(regionError("HWS_VALIDATION_FAILED", { fields: { a: ["x", "y"], b: ["z"] } })).toMatchObject({
      status: 400,
      message: "a: x y; b: z",
      fields: { a: ["x", "y"], b: ["z"] },
    });
  });
});
