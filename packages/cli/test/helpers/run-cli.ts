import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { onTestFinished } from "vitest";
import { run } from "../../src/main.ts";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Config dir shared between calls; a fresh temporary one when omitted. */
  configDir?: string;
  env?: Record<string, string | undefined>;
  stdin?: string;
  /** Pretend stdout is a terminal (tables by default). */
  tty?: boolean;
  /** Pretend stderr is a terminal (spinners). */
  ttyErr?: boolean;
  now?: Date;
}

/** A throw-away config dir, removed when the test ends. */
export async function tempConfigDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "maas-cli-test-"));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function capture(tty: boolean) {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
  });
  // The cursor calls a spinner makes on a terminal; no-ops here, so only the text is kept.
  const cursor = { cursorTo: () => true, clearLine: () => true, moveCursor: () => true };
  return Object.assign(stream, tty ? cursor : {}, { isTTY: tty, columns: 120, text: () => text });
}

/** Runs the CLI in-process with injected streams and environment (no colour unless asked). */
export async function runCli(argv: string[], options: RunOptions = {}): Promise<CliResult> {
  const configDir = options.configDir ?? (await tempConfigDir());
  const stdout = capture(options.tty ?? false);
  const stderr = capture(options.ttyErr ?? false);
  const code = await run(argv, {
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    stdout,
    stderr,
    env: { NO_COLOR: "1", MAAS_HWSYNC_RETRIES: "0", ...options.env, MAAS_HWSYNC_CONFIG_DIR: configDir },
    now: options.now ? () => options.now! : undefined,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
