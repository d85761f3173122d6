import { readFile } from "node:fs/promises";
import { ErrorCode, HwsError } from "@hwsync/shared/errors";

/** One `key=value` or `key@=path` argument, in the order given (MAAS allows repeated keys). */
export interface DataArg {
  key: string;
  value: string;
  /** Set for `key@=path`: `value` is then the path until the file is read. */
  isFile: boolean;
}

/** A file's content for `key@=path`, read by `readDataFiles`. */
export interface DataFile {
  key: string;
  path: string;
  content: Uint8Array;
}

/**
 * Splits `key=value` at the first `=` (so `comment=a=b` keeps `a=b`) and recognises `key@=path`,
 * as MAAS's CLI does. Anything else is a usage error naming the accepted forms.
 */
export function parseDataArgs(args: readonly string[]): DataArg[] {
  return args.map((arg) => {
    const eq = arg.indexOf("=");
    const rawKey = eq > 0 ? arg.slice(0, eq) : "";
    const isFile = rawKey.endsWith("@");
    const key = isFile ? rawKey.slice(0, -1) : rawKey;
    if (!/^[A-Za-z_][\w.-]*$/.test(key)) {
      throw new HwsError(
        ErrorCode.USAGE,
        `'${arg}' is not a name=value or name@=filename pair (e.g. enable_hw_sync=true, user_data@=cloud-init.yaml)`,
      );
    }
    return { key, value: arg.slice(eq + 1), isFile };
  });
}

/** Reads every `key@=path` file, with an error naming the argument when one can't be read. */
export async function readDataFiles(
  args: readonly DataArg[],
  read: (path: string) => Promise<Uint8Array> = readFile,
): Promise<DataFile[]> {
  const files: DataFile[] = [];
  for (const arg of args) {
    if (!arg.isFile) continue;
    files.push({
      key: arg.key,
      path: arg.value,
      content: await readArgFile(`${arg.key}@=${arg.value}`, arg.value, read),
    });
  }
  return files;
}

/** Reads a file named on the command line; a missing or unreadable file is a usage error. */
export async function readArgFile(
  label: string,
  path: string,
  read: (path: string) => Promise<Uint8Array> = readFile,
): Promise<Uint8Array> {
  try {
    return await read(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new HwsError(ErrorCode.USAGE, `cannot read ${label}: ${reason} (${path})`, {
      hint: "Check the path; it is relative to the current directory.",
      cause: error,
    });
  }
}

/** The value of the last `key=value` with this key, or undefined. */
export function lastValue(args: readonly DataArg[], key: string): string | undefined {
  for (let index = args.length - 1; index >= 0; index--) {
    const arg = args[index]!;
    if (arg.key === key && !arg.isFile) return arg.value;
  }
  return undefined;
}

// MAAS's form boolean (docs/maas-compatibility.md#deploy-release-and-the-machine-token): the
// region rejects anything else.
const TRUE_WORDS = new Set(["true", "t", "yes", "y", "on", "1"]);
const FALSE_WORDS = new Set(["false", "f", "no", "n", "off", "0"]);

/** MAAS's boolean strings, case-insensitive; undefined when the text is none of them. */
export function parseMaasBoolean(value: string): boolean | undefined {
  const lower = value.trim().toLowerCase();
  if (TRUE_WORDS.has(lower)) return true;
  if (FALSE_WORDS.has(lower)) return false;
  return undefined;
}
