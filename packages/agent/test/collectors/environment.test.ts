import { FakeRoot } from "@hwsync/testkit/sysfs/fake-root";
import { expect, test } from "vitest";
import { collectEnvironment, parseOsRelease } from "../../src/collectors/environment.ts";
import { VERSION } from "../../src/version.ts";
import { contextFor } from "../fixtures/context.ts";

test("collectEnvironment reports uname, os-release ID/VERSION_ID and names the agent", async () => {
  const fake = new FakeRoot();
  try {
    fake.file("/etc/os-release", 'NAME="Ubuntu"\nVERSION_ID="24.04"\nID=ubuntu');
    expect(await collectEnvironment(contextFor(fake))).toEqual({
      kernel: "Linux",
      kernel_architecture: "x86_64",
      kernel_version: "6.8.0-45-generic",
      os_name: "ubuntu",
      os_version: "24.04",
      server: "hwsync-agent",
      server_name: "web-07",
      server_version: VERSION,
    });
  } finally {
    fake.cleanup();
  }
});

test("parseOsRelease unquotes single- and double-quoted values", () => {
  expect(parseOsRelease("ID='debian'\nVERSION_ID=\"12\"\n# comment\nBAD LINE")).toEqual({
    ID: "debian",
    VERSION_ID: "12",
  });
});
