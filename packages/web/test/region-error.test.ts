import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type * as RegionErrorModule from "../src/api/region-error.ts";
import { closeWebModules, loadWebModule } from "./support/web-modules.ts";

let mod: typeof RegionErrorModule;
beforeAll(async () => {
  mod = await loadWebModule<typeof RegionErrorModule>("src/api/region-error.ts");
});
afterAll(closeWebModules);

describe("parseWsError", () => {
  test("turns MAAS's JSON-in-a-string validation error into fields", () => {
    const error = mod.parseWsError(
      "config.update",
      JSON.stringify({
        value: [
          "'1 year' is not a valid interval. Only 'h|hr|hour|hours, m|min|minute|minutes.s|sec|second|seconds' are valid units",
        ],
      }),
    );
    expect(error.code).toBe("HWS_VALIDATION_FAILED");
    expect(error.fields).toEqual({
      value: [
        "'1 year' is not a valid interval. Only 'h|hr|hour|hours, m|min|minute|minutes.s|sec|second|seconds' are valid units",
      ],
    });
    expect(error.message).toBe(error.fields?.value?.[0]);
  });

  test.each([
    ["Permission denied", "HWS_AUTH_REJECTED", "config.update: Permission denied"],
    [
      "enable_hw_sync can only be set on Linux based deploys",
      "HWS_API_STATUS",
      "enable_hw_sync can only be set on Linux based deploys",
    ],
    ["", "HWS_API_STATUS", "config.update failed without a message"],
    ["{not json", "HWS_API_STATUS", "{not json"],
  ])("maps %j to %s", (text, code, message) => {
    const error = mod.parseWsError("config.update", text);
    expect([error.code, error.message, error.fields]).toEqual([code, message, undefined]);
  });
});
