import { describe, expect, test } from "vitest";
import { completionScript } from "../src/commands/completion.ts";
import { useLoggedInRegion } from "./helpers/session.ts";

const session = useLoggedInRegion({ per: "file" });
const { maas } = session;

const complete = async (...words: string[]) =>
  (await maas(["__complete", "maas", ...words])).stdout.split("\n").filter(Boolean);

describe("maas __complete", () => {
  test.each<[string[], string[]]>([
    [[""], ["login", "logout", "list", "refresh", "completion", "admin"]],
    [["l"], ["login", "logout", "list"]],
    [["logout", ""], ["admin"]],
    [
      ["completion", ""],
      ["bash", "zsh", "fish"],
    ],
    [
      ["admin", "mach"],
      ["machine", "machines"],
    ],
    [["admin", "machine", "get"], ["get-token"]],
    [["admin", "machine", "deploy", "abc", "--sync"], ["--sync-interval"]],
    [
      ["admin", "maas", "set-config", ""],
      ["name=", "value="],
    ],
    [
      ["--format", ""],
      ["json", "table", "yaml"],
    ],
    [
      ["--format", "json", "admin", "machines", ""],
      ["is-registered", "list", "read", "register"],
    ],
    [["nobody", ""], []],
  ])("completes %j", async (words, expected) => {
    expect(await complete(...words)).toEqual(expected);
  });

  test("touches no network", () => {
    expect(
      session.region.requests.filter(
        (request) => request.path !== "/MAAS/api/2.0/users/" && request.path !== "/MAAS/api/2.0/describe/",
      ),
    ).toEqual([]);
  });
});

describe("maas completion", () => {
  test.each(["bash", "zsh", "fish"])("prints a %s script that calls maas __complete", async (shell) => {
    const result = await maas(["completion", shell]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(completionScript(shell));
    expect(result.stdout).toContain("maas __complete");
  });

  test("an unknown shell is a usage error", async () => {
    const result = await maas(["completion", "tcsh"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no completion for shell 'tcsh'. Use one of: bash, zsh, fish.");
  });

  test("the bash script completes through a real bash", async () => {
    const { execFileSync } = await import("node:child_process");
    let bash = "";
    try {
      bash = execFileSync("bash", ["-c", "command -v bash"], { encoding: "utf8" }).trim();
    } catch {
      return;
    }
    expect(bash).not.toBe("");
    // COMP_WORDS as bash would set them for `maas adm<TAB>`; `maas` itself is a stub printing what it got.
    const script = `maas() { printf '%s\\n' "$@" | tail -n +2 | tr '\\n' ' '; }\n${completionScript("bash")}\nCOMP_WORDS=(maas adm); COMP_CWORD=1; _maas_complete; printf '%s' "\${COMPREPLY[*]}"`;
    expect(execFileSync("bash", ["-c", script], { encoding: "utf8" })).toBe("maas adm ");
  });
});
