import { tmpdir } from "node:os";
import { EXIT_BUG } from "@hwsync/shared";
import { expect, test } from "vitest";
import { main } from "../src/main.ts";

// A bug (an error nobody raised on purpose) exits 70 in every binary of the project, the CLI's
// and the agent's too, so a script can tell a crash from a refusal.
test("an uncoded error is a bug: its stack on stderr and exit 70", async () => {
  let stderr = "";
  const code = await main(
    ["add-machine", "--data-dir", "memory://", "--hostname", "bug-01", "--mac", "52:54:00:00:70:01"],
    {
      stdout: {
        write: () => {
          throw new TypeError("stdout went away");
        },
      },
      stderr: { write: (text: string) => (stderr += text) },
      env: {},
      cwd: tmpdir(),
      stopSignal: new Promise(() => {}),
    },
  );
  expect(code).toBe(70);
  expect(code).toBe(EXIT_BUG);
  expect(stderr).toMatch(
    /^maas-region: unexpected error \(this is a bug[^\n]*\nTypeError: stdout went away\n\s+at /,
  );
});
