import { expect, test } from "vitest";
import { readTarEntry } from "../src/tar.ts";
import { makeTar } from "./fixtures/region.ts";

test("finds a member by name, with or without a leading ./", () => {
  const tar = makeTar([
    { name: "commissioning/50-maas-01-commissioning", content: "#!/bin/sh\necho hi\n".repeat(40) },
    { name: "./index.json", content: '{"1.0":{}}' },
  ]);
  expect(readTarEntry(tar, "index.json")?.toString()).toBe('{"1.0":{}}');
  expect(readTarEntry(tar, "commissioning/50-maas-01-commissioning")?.length).toBe(18 * 40);
});

test("answers null for a missing member or a truncated archive", () => {
  const tar = makeTar([{ name: "index.json", content: "{}" }]);
  expect(readTarEntry(tar, "other.json")).toBeNull();
  expect(readTarEntry(tar.subarray(0, 100), "index.json")).toBeNull();
});
