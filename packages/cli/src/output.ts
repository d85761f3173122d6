import { ErrorCode, HwsError } from "@hwsync/shared/errors";
import type { Renderer, RenderKit, Style } from "./render/kit.ts";

const FORMATS = ["json", "yaml", "table"] as const;
export type Format = (typeof FORMATS)[number];

export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const PLAIN: Style = {
  bold: (text) => text,
  dim: (text) => text,
  green: (text) => text,
  red: (text) => text,
  yellow: (text) => text,
  cyan: (text) => text,
};

/**
 * Colour level for a stream: NO_COLOR (any value, per no-color.org) wins, then FORCE_COLOR, then
 * TERM=dumb, then whether the stream is a terminal. chalk alone ignores NO_COLOR, hence our own.
 */
export function colorLevel(stream: OutStream, env: Record<string, string | undefined>): 0 | 1 | 2 | 3 {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === "0" || force === "false") return 0;
    if (/^[1-3]$/.test(force)) return Number(force) as 1 | 2 | 3;
    return 1;
  }
  if (env.TERM === "dumb" || !stream.isTTY) return 0;
  if (env.COLORTERM === "truecolor" || env.COLORTERM === "24bit") return 3;
  return /-256(color)?$/.test(env.TERM ?? "") ? 2 : 1;
}

/** `--format` > `$MAAS_HWSYNC_FORMAT` > table on a terminal, JSON otherwise (like MAAS's CLI). */
export function resolveFormat(
  flag: string | undefined,
  env: Record<string, string | undefined>,
  stdout: OutStream,
): Format {
  const chosen = flag ?? env.MAAS_HWSYNC_FORMAT;
  if (chosen === undefined || chosen === "") return stdout.isTTY ? "table" : "json";
  if (!(FORMATS as readonly string[]).includes(chosen)) {
    const source = flag === undefined ? "MAAS_HWSYNC_FORMAT" : "--format";
    throw new HwsError(
      ErrorCode.USAGE,
      `${source} '${chosen}' is not a format. Use one of: ${FORMATS.join(", ")}.`,
    );
  }
  return chosen as Format;
}

/** stdout carries only data; notes, progress and errors go to stderr. Colour lives only here. */
export class Output {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly format: Format;
  readonly stdoutColor: 0 | 1 | 2 | 3;
  readonly stderrColor: 0 | 1 | 2 | 3;
  private readonly now: () => Date;

  constructor(options: {
    stdout: OutStream;
    stderr: OutStream;
    env: Record<string, string | undefined>;
    format: Format;
    now: () => Date;
  }) {
    this.stdout = options.stdout;
    this.stderr = options.stderr;
    this.format = options.format;
    this.now = options.now;
    this.stdoutColor = colorLevel(options.stdout, options.env);
    this.stderrColor = colorLevel(options.stderr, options.env);
  }

  /** Prints a result: JSON/YAML with MAAS's field names, or the renderer's table on `table`. */
  async data<T>(value: T, render?: Renderer<T>): Promise<void> {
    if (this.format === "json") {
      // 4-space indent: what MAAS's region sends and its CLI prints verbatim.
      this.stdout.write(`${JSON.stringify(value, null, 4)}\n`);
      return;
    }
    if (this.format === "yaml") {
      const yaml = await import("yaml");
      // The bundle sees yaml's CommonJS build: its functions may sit on `default`.
      const stringify = yaml.stringify ?? (yaml as unknown as { default: typeof yaml }).default.stringify;
      this.stdout.write(stringify(value));
      return;
    }
    const kit = await this.kit(this.stdoutColor);
    const { renderValue } = await import("./render/value.ts");
    const text = render ? render(value, kit) : renderValue(value, kit);
    if (text !== "") this.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  /** A line for the person at the terminal (stderr), never parsed by scripts. */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  /** A styled warning on stderr. */
  async warn(text: string): Promise<void> {
    const style = await loadStyle(this.stderrColor);
    this.stderr.write(`${style.yellow("warning:")} ${text}\n`);
  }

  async kit(level: 0 | 1 | 2 | 3 = this.stdoutColor): Promise<RenderKit> {
    const [style, table] = await Promise.all([loadStyle(level), loadTable(level)]);
    return { style, table, now: this.now() };
  }
}

/** Chalk only when colour is on: NO_COLOR runs never load it. */
export async function loadStyle(level: 0 | 1 | 2 | 3): Promise<Style> {
  if (level === 0) return PLAIN;
  const { Chalk } = await import("chalk");
  const chalk = new Chalk({ level });
  return {
    bold: (text) => chalk.bold(text),
    dim: (text) => chalk.dim(text),
    green: (text) => chalk.green(text),
    red: (text) => chalk.red(text),
    yellow: (text) => chalk.yellow(text),
    cyan: (text) => chalk.cyan(text),
  };
}

async function loadTable(level: 0 | 1 | 2 | 3): Promise<RenderKit["table"]> {
  const { default: Table } = await import("cli-table3");
  const style = await loadStyle(level);
  const none = "";
  return (head, rows) => {
    const table = new Table({
      head: head.map((title) => style.bold(title)),
      // kubectl-like: no borders, two spaces between columns, so output stays grep-able.
      chars: {
        top: none,
        "top-mid": none,
        "top-left": none,
        "top-right": none,
        bottom: none,
        "bottom-mid": none,
        "bottom-left": none,
        "bottom-right": none,
        left: none,
        "left-mid": none,
        mid: none,
        "mid-mid": none,
        right: none,
        "right-mid": none,
        middle: "  ",
      },
      style: { "padding-left": 0, "padding-right": 0, head: [], border: [] },
    });
    table.push(...rows);
    return table
      .toString()
      .split("\n")
      .map((line) => line.trimEnd())
      .join("\n");
  };
}
