import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import {
  boundaryFindings,
  citedAnchors,
  type Finding,
  headingAnchors,
  markdownAnchorLinks,
  readText,
  repositoryFiles,
} from "./support/repository-boundary.ts";

// A clone with nothing beside it must build, test and read: no file may name a path outside the
// repository, an absolute path of the machine it was written on, or a section of a document the
// repository does not hold. MAAS's wire facts live in docs/maas-compatibility.md, whose level-2
// headings are the anchors code comments cite.

const ROOT = resolve(import.meta.dirname, "../../..");
const COMPATIBILITY_DOC = "docs/maas-compatibility.md";

/** The fixed headings of docs/maas-compatibility.md, as comments cite them. */
const COMPATIBILITY_ANCHORS = [
  "urls-and-request-encoding",
  "authentication",
  "the-api-description-and-maass-cli",
  "machine-object",
  "deploy-release-and-the-machine-token",
  "error-bodies",
  "hardware-sync-interval",
  "timer-schedule",
  "websocket",
  "vendor-data",
  "metadata-push",
  "signal",
  "payload",
  "applying-a-payload",
  "events",
  "release-and-redeploy",
  "known-maas-bugs-we-avoid",
];

const FILES = repositoryFiles(ROOT);
const TEXTS = new Map(
  FILES.flatMap((file) => {
    const text = readText(ROOT, file);
    return text === undefined ? [] : [[file, text] as const];
  }),
);

const show = (findings: Finding[]) => findings.map((f) => `${f.file}:${f.line}: ${f.problem}`);

describe("the repository stands alone", () => {
  test("lists the repository's files", () => {
    expect(FILES).toContain("package.json");
    expect(FILES).toContain(COMPATIBILITY_DOC);
    expect(FILES.some((file) => file.includes("node_modules/"))).toBe(false);
  });

  test("no file reaches outside the repository or cites a document it does not hold", () => {
    const findings = [...TEXTS].flatMap(([file, text]) => boundaryFindings(ROOT, file, text));
    expect(
      show(findings),
      "cite MAAS facts as docs/maas-compatibility.md#<anchor>; keep every path inside the repository",
    ).toEqual([]);
  });

  test(`${COMPATIBILITY_DOC} has exactly the fixed level-2 headings`, () => {
    expect(headingAnchors(readFileSync(join(ROOT, COMPATIBILITY_DOC), "utf8"), 2)).toEqual(
      COMPATIBILITY_ANCHORS,
    );
  });

  test(`every ${COMPATIBILITY_DOC}#anchor cited anywhere is a heading of it`, () => {
    const anchors = new Set(headingAnchors(readFileSync(join(ROOT, COMPATIBILITY_DOC), "utf8")));
    const missing = [...TEXTS].flatMap(([file, text]) =>
      citedAnchors(text, "maas-compatibility.md", file === COMPATIBILITY_DOC)
        .filter((cite) => !anchors.has(cite.anchor))
        .map((cite) => `${file}:${cite.line}: #${cite.anchor} is no heading of ${COMPATIBILITY_DOC}`),
    );
    expect(missing).toEqual([]);
  });

  test("every link to a heading of another markdown file finds it", () => {
    const broken = [...TEXTS].flatMap(([file, text]) =>
      file.endsWith(".md")
        ? markdownAnchorLinks(file, text)
            .filter((link) => {
              const target = TEXTS.get(link.target);
              return target === undefined
                ? !existsSync(join(ROOT, link.target))
                : !headingAnchors(target).includes(link.anchor);
            })
            .map((link) => `${file}:${link.line}: ${link.target}#${link.anchor} is not there`)
        : [],
    );
    expect(broken).toEqual([]);
  });
});

describe("the boundary checks", () => {
  const check = (file: string, text: string) =>
    boundaryFindings("/repo", file, text).map((f) => `${f.line}: ${f.problem}`);
  // Spelt in pieces so this file passes its own checks.
  const SECTION = "\u00a7";
  const BESIDE = ["..", "shared"].join("/");
  const UP = "../".repeat(4); // from /repo/packages/a/src: one level above the root
  const SLASH = "/";

  test.each([
    ["packages/a/test/x.test.ts", `const dir = join(import.meta.dirname, "${UP}${"shared"}/fixtures");`],
    ["packages/a/src/x.ts", `import { y } from "${UP}y.ts";`],
    ["packages/a/src/x.ts", `const y = await import("${UP}y.ts");`],
    ["packages/a/src/x.ts", `const root = resolve(\n  import.meta.dirname,\n  "${UP}",\n);`],
    ["packages/a/src/x.ts", `const bundle = new URL("${UP}x.js", import.meta.url);`],
    ["docs/x.md", `See [the reference](${UP}elsewhere/x.md).`],
    ["docs/x.md", `[ref]: ${UP}elsewhere/x.md`],
  ])("%s: a path climbing above the root is flagged (%#)", (file, text) => {
    expect(check(file, text).join("\n")).toMatch(/leaves the repository|folder beside the checkout/);
  });

  test.each([
    ["packages/a/src/x.ts", `const root = resolve(import.meta.dirname, "../../..");`],
    ["packages/a/src/x.ts", `import { y } from "../../b/src/y.ts";`],
    ["docs/x.md", "See [the README](../README.md#usage) and [MAAS](https://maas.io)."],
    ["packages/a/src/x.ts", `const path = "/etc/maas/maas-machine-creds.yml";`],
    ["packages/a/src/x.ts", `const unit = "/lib/systemd/system/maas_hardware_sync.timer";`],
    ["packages/a/src/x.ts", `const speed = "/sys/class/net/eth0/speed"; const bin = "/usr/bin/wget";`],
    ["packages/a/src/x.ts", `const dir = join(tmpdir(), "hwsync-"); // not a path of this machine`],
    ["packages/a/src/x.ts", `const url = "https://example.org${SLASH}work${SLASH}x"; // a URL, not a path`],
    ["packages/a/src/x.ts", `/** RFC 5849 ${SECTION}3.6 percent-encoding */`],
    ["packages/a/src/x.ts", `// PCI Express Base spec ${SECTION}7.5.3: the capability list`],
    ["docs/x.md", `| target | met (see ${SECTION}2) |`],
    ["packages/a/src/x.ts", "// (docs/maas-compatibility.md#signal)"],
  ])("%s: an inside path, a deployed machine's path or a public standard passes (%#)", (file, text) => {
    expect(check(file, text)).toEqual([]);
  });

  test.each([
    [
      "packages/a/src/x.ts",
      `// the push (spec maas-${"wire"}-sync ${SECTION}1.4)`,
      /outside spec|document outside/,
    ],
    ["packages/a/src/x.ts", `// MAAS ignores small disks (${SECTION}4.5)`, /no named standard/],
    ["docs/x.md", `As the spec says (${SECTION}5.6), …`, /outside spec/],
    ["packages/a/src/x.ts", `// see ${BESIDE}/spec for bodies`, /folder beside the checkout/],
    ["README.md", `Fixtures: ${SLASH}work${SLASH}shared/fixtures`, /a path under/],
    ["packages/a/src/x.ts", `const config = "${SLASH}root${SLASH}.config/x";`, /home folder of root/],
    ["packages/a/src/x.ts", `const home = "${SLASH}home${SLASH}alice/projects";`, /a user's home/],
    ["docs/x.md", "Logs go to /tmp/hwsync.log", /a path under/],
  ])("%s: %s is flagged", (file, text, problem) => {
    const found = check(file, text);
    expect(found.length, text).toBeGreaterThan(0);
    expect(found.join("\n")).toMatch(problem);
  });

  test("without git, the files are found by walking the tree, installs and builds left out", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hwsync-boundary-"));
    try {
      for (const file of [
        "a.ts",
        "docs/b.md",
        "node_modules/x/index.js",
        "packages/p/dist/c.js",
        ".data/d",
      ]) {
        await mkdir(join(dir, dirname(file)), { recursive: true });
        await writeFile(join(dir, file), "x");
      }
      expect(repositoryFiles(dir)).toEqual(["a.ts", "docs/b.md"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a finding names the line", () => {
    expect(check("packages/a/src/x.ts", `const a = 1;\n\n// (spec ${SECTION}2.3)\n`)).toEqual([
      `3: cites ${SECTION}2.3 of the outside spec`,
    ]);
  });

  test("the allow-list is exact: another home folder in the same file is still flagged", () => {
    const home = (user: string) => `"${SLASH}home${SLASH}${user}/.config"`;
    expect(boundaryFindings("/repo", "packages/cli/test/profiles.test.ts", home("u"))).toEqual([]);
    expect(boundaryFindings("/repo", "packages/cli/test/profiles.test.ts", home("user"))).toHaveLength(1);
    expect(boundaryFindings("/repo", "packages/cli/test/other.test.ts", home("u"))).toHaveLength(1);
  });

  test("headings become GitHub's anchors", () => {
    expect(
      headingAnchors(
        "# Title\n## The API description and MAAS's CLI\n```\n## not a heading\n```\n## Deploy, release and the machine token\n",
        2,
      ),
    ).toEqual(["the-api-description-and-maass-cli", "deploy-release-and-the-machine-token"]);
  });

  test("citations of the compatibility document are found with their lines", () => {
    const text = `// a\n// (docs/maas-compatibility.md#signal, docs/maas-compatibility.md#${"nope"})\n`;
    expect(citedAnchors(text, "maas-compatibility.md", false)).toEqual([
      { anchor: "signal", line: 2 },
      { anchor: "nope", line: 2 },
    ]);
    expect(citedAnchors("see [Signal](#signal)", "maas-compatibility.md", true)).toEqual([
      { anchor: "signal", line: 1 },
    ]);
  });
});
