import { cell, detail } from "./format.ts";
import type { RenderKit } from "./kit.ts";

// Columns for any array of objects from a generic command: the scalar fields of the first item,
// MAAS's identifying ones first. Anything nested stays available through --format json|yaml.
const PREFERRED = ["hostname", "system_id", "name", "id", "status_name", "description", "value"];
const MAX_COLUMNS = 8;

/** A readable view of any API answer: tables for lists, detail views for objects. */
export function renderValue(value: unknown, kit: RenderKit): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return renderList(value, kit);
  if (typeof value === "object") {
    // Scalars as a detail view; lists of objects (events/?op=query's `events`) as tables below.
    const entries = Object.entries(value as Record<string, unknown>);
    const isTable = (item: unknown) =>
      Array.isArray(item) && item.length > 0 && typeof item[0] === "object" && item[0] !== null;
    const blocks = [
      detail(
        entries.filter(([, item]) => !isTable(item)).map(([key, item]) => [key, cell(item)]),
        kit,
      ),
    ];
    for (const [key, item] of entries.filter(([, item]) => isTable(item))) {
      blocks.push(`${kit.style.bold(key)}\n${renderList(item as unknown[], kit)}`);
    }
    return blocks.filter(Boolean).join("\n\n");
  }
  return String(value);
}

function renderList(items: unknown[], kit: RenderKit): string {
  if (items.length === 0) return kit.style.dim("(no items)");
  const first = items[0];
  if (typeof first !== "object" || first === null || Array.isArray(first)) {
    return items.map((item) => cell(item)).join("\n");
  }
  const scalarKeys = Object.entries(first as Record<string, unknown>)
    .filter(([, item]) => item === null || typeof item !== "object")
    .map(([key]) => key);
  const columns = [
    ...PREFERRED.filter((key) => scalarKeys.includes(key)),
    ...scalarKeys.filter((key) => !PREFERRED.includes(key)),
  ].slice(0, MAX_COLUMNS);
  const rows = items.map((item) => columns.map((key) => cell((item as Record<string, unknown>)[key])));
  return kit.table(
    columns.map((key) => key.toUpperCase()),
    rows,
  );
}
