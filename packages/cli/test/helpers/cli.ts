// How the CLI's tests run `maas`: in-process (argv → `run()` with captured streams), or as the real
// bundle in a child process. Either way with a config dir of its own, no colour and no retries.
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { runProcess } from "@hwsync/testkit/process";
import type { Metafile } from "esbuild";
import { afterAll, beforeAll, onTestFinished } from "vitest";
import { buildCli } from "../../build.ts";
import { type CommandContext, createContext, type Env } from "../../src/context.ts";
import { run } from "../../src/main.ts";
import { type Format, Output } from "../../src/output.ts";
import { ProfileStore } from "../../src/profiles.ts";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of every test run: the given config dir, no colour, no retries. */
export function cliEnv(configDir: string, env: Env = {}): Env {
  return { NO_COLOR: "1", MAAS_HWSYNC_RETRIES: "0", ...env, MAAS_HWSYNC_CONFIG_DIR: configDir };
}

/** `admin machine deploy SYSTEM_ID FLAGS…`: the command the tests run most, as a user types it. */
export function deployArgv(systemId: string, ...flags: string[]): string[] {
  return ["admin", "machine", "deploy", systemId, ...flags];
}

/** `admin maas set-config name=NAME value=VALUE`. */
export function setConfigArgv(name: string, value: string): string[] {
  return ["admin", "maas", "set-config", `name=${name}`, `value=${value}`];
}

/** A fresh config dir; the caller removes it (`removeDir`). */
export function makeConfigDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "maas-cli-test-"));
}

export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** A throw-away config dir, removed when the test ends. */
export async function tempConfigDir(): Promise<string> {
  const dir = await makeConfigDir();
  onTestFinished(() => removeDir(dir));
  return dir;
}

/** A stream that keeps what is written; with `tty`, it also takes the cursor calls a spinner makes. */
function capture(tty: boolean) {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
  });
  const cursor = { cursorTo: () => true, clearLine: () => true, moveCursor: () => true };
  return Object.assign(stream, tty ? cursor : {}, { isTTY: tty, columns: 120, text: () => text });
}

export interface RunOptions {
  /** Config dir shared between calls; a fresh temporary one when omitted. */
  configDir?: string;
  env?: Env;
  stdin?: string;
  /** Pretend stdout is a terminal (tables by default). */
  tty?: boolean;
  /** Pretend stderr is a terminal (spinners). */
  ttyErr?: boolean;
  now?: Date;
}

/** Runs the CLI in-process with injected streams and environment. */
export async function runCli(argv: string[], options: RunOptions = {}): Promise<CliResult> {
  const configDir = options.configDir ?? (await tempConfigDir());
  const stdout = capture(options.tty ?? false);
  const stderr = capture(options.ttyErr ?? false);
  const code = await run(argv, {
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    stdout,
    stderr,
    env: cliEnv(configDir, options.env),
    now: options.now ? () => options.now! : undefined,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** An Output writing to a string, as render and output tests need it. */
export function testOutput(options: { format?: Format; now?: Date } = {}): {
  output: Output;
  stdout(): string;
} {
  let text = "";
  const output = new Output({
    stdout: { write: (chunk: string) => (text += chunk) },
    stderr: { write: () => true },
    env: { NO_COLOR: "1" },
    format: options.format ?? "table",
    now: () => options.now ?? new Date(),
  });
  return { output, stdout: () => text };
}

/** A CommandContext over a config dir, for building commands without running them. */
export function testContext(configDir: string): CommandContext {
  return createContext({
    env: cliEnv(configDir),
    stdin: Readable.from([]),
    output: testOutput().output,
    profiles: new ProfileStore(configDir),
    signal: new AbortController().signal,
    debug: false,
    profileName: undefined,
  });
}

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface BuiltCli {
  /** The bin shim, next to the bundle it runs. */
  bin: string;
  /** What esbuild put in which output file. */
  metafile: Metafile;
}

/**
 * Builds the real bundle with build.ts into a temporary package folder (bin/ + dist/), so test
 * files can build in parallel without touching packages/cli/dist.
 */
export async function buildBinary(): Promise<BuiltCli> {
  const root = await mkdtemp(join(tmpdir(), "maas-cli-build-"));
  const metafile = await buildCli(join(root, "dist"));
  await mkdir(join(root, "bin"));
  const bin = join(root, "bin", "maas.js");
  await copyFile(join(packageDir, "bin", "maas.js"), bin);
  return { bin, metafile };
}

export interface SpawnOptions {
  configDir: string;
  env?: Env;
  input?: string;
  timeoutMs?: number;
}

/** `node bin/maas.js …` in a child process with only PATH and HOME of this environment. */
export async function spawnCli(bin: string, args: string[], options: SpawnOptions): Promise<CliResult> {
  const result = await runProcess(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...cliEnv(options.configDir, options.env) },
    input: options.input,
    timeoutMs: options.timeoutMs ?? 20_000,
  });
  return {
    code: result.code ?? (result.signal === "SIGINT" ? 130 : -1),
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

export interface BuiltCliSession extends BuiltCli {
  configDir: string;
  /** Runs the built `maas` with this session's config dir. */
  maas(args: string[], input?: string, env?: Env): Promise<CliResult>;
}

/** The built binary and a config dir for the whole file: built in beforeAll, removed in afterAll. */
export function useBuiltCli(env: Env = {}): BuiltCliSession {
  const session = {} as BuiltCliSession;
  beforeAll(async () => {
    const [built, configDir] = await Promise.all([buildBinary(), makeConfigDir()]);
    Object.assign(session, built, { configDir });
  });
  afterAll(() => removeDir(session.configDir));
  session.maas = (args, input, extra = {}) =>
    spawnCli(session.bin, args, { configDir: session.configDir, input, env: { ...env, ...extra } });
  return session;
}
