import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

// The repository must stand alone: a clone with nothing beside it builds, tests and reads. These
// checks find what would break that — a path that leaves the repository, an absolute path of the
// machine it was written on, a citation of a document the repository does not hold — and the
// anchors of docs/maas-compatibility.md that comments cite. Patterns are spelt with escapes so
// this file does not match its own rules.

export interface Finding {
  /** Repository-relative path, `/`-separated. */
  file: string;
  line: number;
  problem: string;
}

/** Folders never scanned when git cannot list the files: installs, builds, local data. */
const UNTRACKED_DIRS = new Set([".git", "node_modules", "dist", ".data", "coverage", "test-results"]);
const UNTRACKED_PATHS = new Set(["bench/results"]);

/**
 * The repository's files, `/`-separated and relative to `root`: what git tracks plus new files it
 * does not ignore, or, without git, every file outside installs and build outputs.
 */
export function repositoryFiles(root: string): string[] {
  let listed: string[] | undefined;
  try {
    const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      maxBuffer: 64 * 1024 * 1024,
    });
    listed = out.split("\0").filter((name) => name !== "");
  } catch {
    listed = undefined; // no git, or not a checkout (an unpacked archive): walk the tree instead
  }
  const files = listed ?? walk(root, root);
  // A file deleted but not yet committed is still listed by git.
  return [...new Set(files)].filter((file) => existsSync(join(root, file))).sort();
}

function walk(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const inRepository = relative(root, path).split(sep).join("/");
    if (UNTRACKED_DIRS.has(entry.name) || UNTRACKED_PATHS.has(inRepository)) continue;
    if (entry.isDirectory()) out.push(...walk(root, path));
    else if (entry.isFile()) out.push(inRepository);
  }
  return out;
}

/** The text of a repository file, or undefined for binaries (a NUL byte) and oversized files. */
export function readText(root: string, file: string): string | undefined {
  const path = join(root, file);
  if (statSync(path).size > 8 * 1024 * 1024) return undefined;
  const bytes = readFileSync(path);
  if (bytes.includes(0)) return undefined;
  return bytes.toString("utf8");
}

const SECTION = "\u00a7";
const CODE_FILE = /\.(?:[cm]?[jt]sx?)$/;
const MARKDOWN_FILE = /\.md$/;

/** Folders of the reference material that lives beside a checkout, never inside it. */
const OUTSIDE_FOLDER = /\.\.\/shared(?:\/|\b)/;
/** The outside documents by name. */
const OUTSIDE_DOCUMENT = /\bmaas-wire-(?:api|sync)\b|\bhardware-sync\.md\b/;
/** A section sign followed by a section number. */
const SECTION_NUMBER = new RegExp(String.raw`${SECTION}\s*\d+(?:\.\d+)*(?:[–-]\d+(?:\.\d+)*)?`, "g");
/** "spec" in the text before a section sign: a citation of a specification. */
const SPEC_WORD = /\bspec(?:ification)?\b/i;
/**
 * A public standard named just before a section sign ("RFC 9110", "PCI Express Base spec"): a
 * document anyone can read, not the reference kept beside the checkout.
 */
const STANDARD_BEFORE = /\b(?:RFC|IEEE|ISO|POSIX|ECMA|PCI|PCIe|USB|SMBIOS|ACPI|UEFI|IETF)\b[\w .-]{0,40}$/i;

/** Where an absolute path starts: not inside a word, a URL's path or a relative path. */
const PATH_START = String.raw`(?<![\w.~-])/`;
/** Absolute paths of the machines we work on. Not: /etc, /usr, /lib, /sys, /dev, /var on a deployed machine. */
const MACHINE_PATHS: Array<{ pattern: RegExp; what: string; markdownOnly?: boolean }> = [
  { pattern: new RegExp(`${PATH_START}work/`), what: "a path under /work of this machine" },
  { pattern: new RegExp(`${PATH_START}root(?:/|\\b(?![-.]))`), what: "the home folder of root" },
  { pattern: new RegExp(`${PATH_START}home/[\\w.-]+`), what: "a user's home folder" },
  { pattern: new RegExp(`${PATH_START}tmp/`), what: "a path under /tmp", markdownOnly: true },
];

/**
 * Deliberate exceptions, each with its reason: a file and the exact text allowed there. Keep it
 * short; a path that leaves the repository is never one of them.
 */
export const ALLOWED: ReadonlyArray<{ file: string; text: string; why: string }> = [
  {
    file: "packages/cli/test/profiles.test.ts",
    text: ["", "home", "u"].join("/"),
    why: "a made-up home folder passed to resolveConfigDir, not a path read from this machine",
  },
];

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Whether a path, resolved against the file's folder, leaves the repository. */
function climbsOut(root: string, file: string, pieces: string[]): boolean {
  const target = resolve(root, dirname(file), ...pieces);
  const inside = relative(root, target);
  return inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside);
}

interface Literal {
  value: string;
  offset: number;
}

/** String literals (quotes or backticks without `${`) starting at `from`, up to the closing paren. */
function callArguments(text: string, from: number): Literal[] {
  const out: Literal[] = [];
  let depth = 1;
  for (let i = from; i < text.length && depth > 0; i++) {
    const char = text[i];
    if (char === "(") depth++;
    else if (char === ")") depth--;
    else if (char === '"' || char === "'" || char === "`") {
      const end = text.indexOf(char, i + 1);
      if (end < 0) break;
      const value = text.slice(i + 1, end);
      if (depth === 1 && !value.includes("${")) out.push({ value, offset: i });
      i = end;
    }
  }
  return out;
}

const RELATIVE = /^\.\.?(?:\/|$)/;

/** Relative paths a code file uses: module specifiers, `new URL(…, import.meta.url)`, join/resolve. */
function codePaths(text: string): Array<{ pieces: string[]; offset: number; shown: string }> {
  const out: Array<{ pieces: string[]; offset: number; shown: string }> = [];
  for (const match of text.matchAll(
    /\b(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)(["'])([^"'\n]+)\1/g,
  )) {
    const path = match[2]!;
    if (RELATIVE.test(path)) out.push({ pieces: [path], offset: match.index, shown: path });
  }
  for (const match of text.matchAll(/\b(?:join|resolve|URL)\s*\(/g)) {
    const literals = callArguments(text, match.index + match[0].length);
    const pieces = literals.map((literal) => literal.value).filter((value) => !value.startsWith("/"));
    const first = literals.find((literal) => RELATIVE.test(literal.value));
    if (first && pieces.length > 0) out.push({ pieces, offset: first.offset, shown: pieces.join(", ") });
  }
  return out;
}

/** Link targets of a markdown file: inline links and images, and reference definitions. */
function markdownLinks(text: string): Array<{ target: string; offset: number }> {
  const out: Array<{ target: string; offset: number }> = [];
  for (const match of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    out.push({ target: match[1]!, offset: match.index });
  }
  for (const match of text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)) {
    out.push({ target: match[1]!, offset: match.index });
  }
  return out;
}

function safeDecode(target: string): string {
  try {
    return decodeURI(target);
  } catch {
    return target;
  }
}

/** Every way `text` (the content of repository file `file`) reaches outside the repository. */
export function boundaryFindings(root: string, file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  const add = (offset: number, problem: string) =>
    findings.push({ file, line: lineOf(text, offset), problem });
  const markdown = MARKDOWN_FILE.test(file);
  const code = CODE_FILE.test(file);
  const allowedHere = ALLOWED.filter((entry) => entry.file === file).map((entry) => entry.text);

  let offset = 0;
  for (const line of text.split("\n")) {
    const problems: string[] = [];
    const outsideFolder = OUTSIDE_FOLDER.exec(line);
    if (outsideFolder) problems.push(`names the folder beside the checkout (${outsideFolder[0]})`);
    const document = OUTSIDE_DOCUMENT.exec(line);
    if (document) problems.push(`names a document outside the repository (${document[0]})`);
    for (const match of line.matchAll(SECTION_NUMBER)) {
      const before = line.slice(0, match.index);
      if (STANDARD_BEFORE.test(before)) continue;
      if (SPEC_WORD.test(before)) {
        problems.push(`cites ${match[0]} of the outside spec`);
        break;
      }
      // Markdown may number its own sections ("see section 2"); code has none to point at.
      if (code) {
        problems.push(`cites ${match[0]} of no named standard`);
        break;
      }
    }
    for (const { pattern, what, markdownOnly } of MACHINE_PATHS) {
      if (markdownOnly && !markdown) continue;
      const match = pattern.exec(line);
      if (match && !allowedHere.includes(match[0])) problems.push(`names ${what} (${match[0]})`);
    }
    if (problems.length > 0) add(offset, problems.join("; "));
    offset += line.length + 1;
  }

  if (code) {
    for (const path of codePaths(text)) {
      if (climbsOut(root, file, path.pieces))
        add(path.offset, `a relative path leaves the repository (${path.shown})`);
    }
  }
  if (markdown) {
    for (const link of markdownLinks(text)) {
      const target = link.target.replace(/[#?].*$/, "");
      if (target === "" || /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("/")) continue;
      if (climbsOut(root, file, [safeDecode(target)])) {
        add(link.offset, `a link leaves the repository (${link.target})`);
      }
    }
  }
  return findings;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function githubAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, "")
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The anchors of a markdown document's headings (outside fenced code), in order. */
export function headingAnchors(markdown: string, level?: number): string[] {
  const anchors: string[] = [];
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(?:```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const match = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (match && (level === undefined || match[1]!.length === level)) anchors.push(githubAnchor(match[2]!));
  }
  return anchors;
}

/**
 * Anchors a file cites in the markdown document named `docName` (e.g. `maas-compatibility.md`):
 * `…/<docName>#anchor` anywhere, and `](#anchor)` links inside the document itself.
 */
export function citedAnchors(
  text: string,
  docName: string,
  isTheDocument: boolean,
): Array<{ anchor: string; line: number }> {
  const out: Array<{ anchor: string; line: number }> = [];
  const name = docName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  for (const match of text.matchAll(new RegExp(String.raw`(?<![\w-])${name}#([\w-]+)`, "g"))) {
    out.push({ anchor: match[1]!, line: lineOf(text, match.index) });
  }
  if (isTheDocument) {
    for (const match of text.matchAll(/\]\(#([\w-]+)\)/g)) {
      out.push({ anchor: match[1]!, line: lineOf(text, match.index) });
    }
  }
  return out;
}

/** Links from a markdown file to a heading of another markdown file in the repository. */
export function markdownAnchorLinks(
  file: string,
  text: string,
): Array<{ target: string; anchor: string; line: number }> {
  const out: Array<{ target: string; anchor: string; line: number }> = [];
  for (const link of markdownLinks(text)) {
    const match = /^([^#?]+\.md)#([^?]+)$/.exec(link.target);
    if (!match || /^[a-z][a-z0-9+.-]*:/i.test(match[1]!)) continue;
    const target = join(dirname(file), safeDecode(match[1]!)).split(sep).join("/");
    out.push({ target, anchor: match[2]!, line: lineOf(text, link.offset) });
  }
  return out;
}
