import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// What a section hands back: tables for people, figures and verdicts for the JSON file.

export interface Table {
  title: string;
  columns: string[];
  rows: Array<Array<string | number>>;
}

export interface Target {
  /** e.g. "collect ≤ 1.0× lshw -json (wall)". */
  name: string;
  /** The measured figure as shown, e.g. "0.84×". */
  measured: string;
  met: boolean;
  /** Why it is missed, or what the figure rests on. */
  note?: string;
}

export interface SectionResult {
  section: string;
  tables: Table[];
  targets: Target[];
  notes: string[];
  /** Raw figures (medians and samples) for the JSON file. */
  data: Record<string, unknown>;
}

export function newSection(section: string): SectionResult {
  return { section, tables: [], targets: [], notes: [], data: {} };
}

/** A Markdown table: pastes straight into docs/benchmarks.md and reads fine in a terminal. */
function renderTable(table: Table): string {
  const cells = [table.columns, ...table.rows.map((row) => row.map(String))];
  const widths = table.columns.map((_, column) =>
    Math.max(...cells.map((row) => (row[column] ?? "").length)),
  );
  const line = (row: string[]) =>
    `| ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(" | ")} |`;
  const rule = `|${widths.map((width, column) => (column === 0 ? `${"-".repeat(width + 1)}-` : `-${"-".repeat(width)}:`)).join("|")}|`;
  return [`**${table.title}**`, "", line(cells[0]!), rule, ...cells.slice(1).map(line)].join("\n");
}

function renderTargets(targets: Target[]): string {
  if (targets.length === 0) return "";
  return renderTable({
    title: "Targets",
    columns: ["target", "measured", "verdict", "note"],
    rows: targets.map((t) => [t.name, t.measured, t.met ? "met" : "MISSED", t.note ?? ""]),
  });
}

export function renderSection(result: SectionResult): string {
  const parts = [`## ${result.section}`, ...result.tables.map(renderTable)];
  const targets = renderTargets(result.targets);
  if (targets) parts.push(targets);
  if (result.notes.length > 0) parts.push(result.notes.map((note) => `- ${note}`).join("\n"));
  return `${parts.join("\n\n")}\n`;
}

/** bench/results/<timestamp>-<mode>.json (gitignored). */
export function writeResults(root: string, mode: string, payload: unknown): string {
  const dir = join(root, "bench/results");
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = join(dir, `${stamp}-${mode}.json`);
  writeFileSync(file, `${JSON.stringify(payload, null, 2)}\n`);
  return file;
}

// Formatting helpers shared by the sections.
export const ms = (value: number) =>
  Number.isFinite(value) ? `${value.toFixed(value < 10 ? 1 : 0)} ms` : "—";
export const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;
export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
export const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : "—");
export const perSecond = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : "—");
