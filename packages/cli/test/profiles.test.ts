import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { type Profile, ProfileStore, resolveConfigDir, validateProfileName } from "../src/profiles.ts";
import { tempConfigDir } from "./helpers/cli.ts";

describe("resolveConfigDir", () => {
  test.each<[string, Record<string, string>, NodeJS.Platform, string]>([
    ["the override wins everywhere", { MAAS_HWSYNC_CONFIG_DIR: "/x", XDG_CONFIG_HOME: "/y" }, "linux", "/x"],
    ["XDG_CONFIG_HOME on Linux", { XDG_CONFIG_HOME: "/y" }, "linux", "/y/maas-hwsync"],
    ["~/.config on Linux", {}, "linux", "/home/u/.config/maas-hwsync"],
    ["XDG_CONFIG_HOME on macOS too", { XDG_CONFIG_HOME: "/y" }, "darwin", "/y/maas-hwsync"],
    ["~/Library/Preferences on macOS", {}, "darwin", "/home/u/Library/Preferences/maas-hwsync"],
    [
      "%APPDATA% on Windows",
      { APPDATA: "C:\\Users\\u\\AppData\\Roaming" },
      "win32",
      "C:\\Users\\u\\AppData\\Roaming\\maas-hwsync",
    ],
    ["AppData\\Roaming without %APPDATA%", {}, "win32", "C:\\Users\\u\\AppData\\Roaming\\maas-hwsync"],
  ])("uses %s", (_name, env, platform, expected) => {
    expect(resolveConfigDir(env, platform, platform === "win32" ? "C:\\Users\\u" : "/home/u")).toBe(expected);
  });
});

describe("validateProfileName", () => {
  test.each(["admin", "lab-2", "ops.eu_1"])("accepts %s", (name) => {
    expect(() => validateProfileName(name)).not.toThrow();
  });
  test.each(["", "-x", "a b", "../etc", "login", "list", "x".repeat(65)])("refuses %j", (name) => {
    expect(() => validateProfileName(name)).toThrow(expect.objectContaining({ code: "HWS_USAGE" }));
  });
});

const profile = (name: string): Profile => ({
  name,
  url: "http://r:5240/MAAS/api/2.0/",
  credentials: "a:b:c",
  username: "admin",
  descriptionHash: "h",
  updated: "2026-11-24T00:00:00.000Z",
});

describe("ProfileStore", () => {
  test("writes profiles.json and the description with mode 0600 and leaves no temporary files", async () => {
    const dir = await tempConfigDir();
    await new ProfileStore(dir).save(profile("admin"), { resources: [] });
    const store = new ProfileStore(dir);
    expect(await store.get("admin")).toEqual(profile("admin"));
    expect(await store.description("admin")).toEqual({ resources: [] });
    if (process.platform !== "win32") {
      expect((await stat(join(dir, "profiles.json"))).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir, "descriptions", "admin.json"))).mode & 0o777).toBe(0o600);
    }
    expect((await readdir(dir)).sort()).toEqual(["descriptions", "profiles.json"]);
  });

  test("remove deletes the profile and its description and reports unknown names", async () => {
    const dir = await tempConfigDir();
    const store = new ProfileStore(dir);
    await store.save(profile("admin"), { resources: [] });
    await store.save(profile("lab"));
    expect(await store.remove("admin")).toBe(true);
    expect(await store.remove("admin")).toBe(false);
    expect((await store.list()).map((item) => item.name)).toEqual(["lab"]);
    expect(await store.description("admin")).toBeNull();
  });

  test("an unknown profile says how to create it", async () => {
    const store = new ProfileStore(await tempConfigDir());
    await expect(store.get("admin")).rejects.toMatchObject({
      code: "HWS_PROFILE_NOT_FOUND",
      message: expect.stringContaining("profile 'admin' not found: run maas login admin URL KEY"),
    });
  });

  test("a corrupt profiles.json is a config error naming the file", async () => {
    const dir = await tempConfigDir();
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(dir, "profiles.json"), "{not json");
    await expect(new ProfileStore(dir).list()).rejects.toMatchObject({
      code: "HWS_CONFIG_INVALID",
      message: `${join(dir, "profiles.json")} is not valid JSON`,
    });
    expect(await readFile(join(dir, "profiles.json"), "utf8")).toBe("{not json");
  });
});
