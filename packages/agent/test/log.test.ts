import { expect, test } from "vitest";
import { createLogger, createMemoryLogger } from "../src/log.ts";

test("prefixes each line with its sd-daemon priority when JOURNAL_STREAM is set", () => {
  const lines: string[] = [];
  const log = createLogger({
    write: (line) => lines.push(line),
    env: { JOURNAL_STREAM: "8:1234" },
    debug: true,
  });
  log.error("push failed");
  log.warn("collector usb failed");
  log.info("synced");
  log.debug("detail\nsecond line");
  expect(lines.join("")).toBe(
    "<3>push failed\n<4>collector usb failed\n<6>synced\n<7>detail\n<7>second line\n",
  );
});

test("writes plain lines without JOURNAL_STREAM and drops debug lines unless asked", () => {
  const lines: string[] = [];
  const log = createLogger({ write: (line) => lines.push(line), env: {} });
  log.info("synced");
  log.debug("hidden");
  expect(lines).toEqual(["synced\n"]);
});

test("never prints a registered secret", () => {
  const log = createMemoryLogger();
  log.addSecret("s3cr3tTokenSecretValue");
  log.error('Authorization: OAuth oauth_signature="%26s3cr3tTokenSecretValue"');
  expect(log.lines).toEqual(['Authorization: OAuth oauth_signature="%26[redacted]"']);
});
