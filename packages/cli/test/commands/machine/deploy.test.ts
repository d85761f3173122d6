import { describe, expect, test } from "vitest";
import { parseDataArgs } from "../../../src/args.ts";
import { type DeployOptions, toDeployParams } from "../../../src/commands/machine/deploy.ts";

const params = (options: DeployOptions, data: string[] = [], userData?: string) =>
  toDeployParams(
    options,
    parseDataArgs(data),
    userData === undefined ? {} : { userData: new TextEncoder().encode(userData) },
  );

describe("toDeployParams", () => {
  test.each<[string, DeployOptions, string[], Array<[string, string]>]>([
    ["no options send nothing", {}, [], []],
    [
      "--enable-hw-sync --sync-interval 15m sends enable_hw_sync=true and sync_interval in seconds",
      { enableHwSync: true, syncInterval: "15m" },
      [],
      [
        ["enable_hw_sync", "true"],
        ["sync_interval", "900"],
      ],
    ],
    [
      "the classic form sends the same fields",
      {},
      ["enable_hw_sync=true", "sync_interval=900"],
      [
        ["enable_hw_sync", "true"],
        ["sync_interval", "900"],
      ],
    ],
    [
      "a span in the classic form is converted to seconds",
      {},
      ["enable_hw_sync=yes", "sync_interval=1h30m"],
      [
        ["enable_hw_sync", "true"],
        ["sync_interval", "5400"],
      ],
    ],
    ["--no-enable-hw-sync sends false", { enableHwSync: false }, [], [["enable_hw_sync", "false"]]],
    [
      "OS flags map to MAAS field names",
      { osystem: "ubuntu", distroSeries: "noble", comment: "rack 4" },
      [],
      [
        ["osystem", "ubuntu"],
        ["distro_series", "noble"],
        ["comment", "rack 4"],
      ],
    ],
    [
      "a flag and an equal classic value are sent once",
      { enableHwSync: true },
      ["enable_hw_sync=1"],
      [["enable_hw_sync", "true"]],
    ],
    [
      "unknown classic fields pass through in order",
      {},
      ["hwe_kernel=ga-24.04", "install_kvm=false"],
      [
        ["hwe_kernel", "ga-24.04"],
        ["install_kvm", "false"],
      ],
    ],
  ])("%s", (_name, options, data, expected) => {
    expect(params(options, data)).toEqual(expected);
  });

  test("user data is sent base64-encoded as a form field", () => {
    expect(params({ userData: "cloud.yaml" }, [], "#cloud-config\n")).toEqual([
      ["user_data", "I2Nsb3VkLWNvbmZpZwo="],
    ]);
  });

  test.each<[string, DeployOptions, string[], string, string]>([
    [
      "a bad --sync-interval",
      { enableHwSync: true, syncInterval: "15 parsecs" },
      [],
      "HWS_TIME_SPAN_INVALID",
      "--sync-interval: '15 parsecs' is not a valid interval",
    ],
    [
      "a zero interval",
      { enableHwSync: true, syncInterval: "0" },
      [],
      "HWS_TIME_SPAN_INVALID",
      "--sync-interval: '0' is not a valid interval",
    ],
    [
      "a bad classic interval",
      {},
      ["enable_hw_sync=true", "sync_interval=1 month"],
      "HWS_TIME_SPAN_INVALID",
      "sync_interval: '1 month'",
    ],
    [
      "a non-boolean enable_hw_sync",
      {},
      ["enable_hw_sync=maybe"],
      "HWS_USAGE",
      "enable_hw_sync must be true or false",
    ],
    [
      "an interval without hw sync",
      { syncInterval: "15m" },
      [],
      "HWS_USAGE",
      "a sync interval only applies with hardware sync on",
    ],
    [
      "conflicting values",
      { enableHwSync: true },
      ["enable_hw_sync=false"],
      "HWS_USAGE",
      "enable_hw_sync is given twice",
    ],
    ["a file for another field", {}, ["comment@=x"], "HWS_USAGE", "deploy reads only user_data from a file"],
  ])("refuses %s before any request", (_name, options, data, code, message) => {
    expect(() => params(options, data)).toThrow(
      expect.objectContaining({ code, message: expect.stringContaining(message) }),
    );
  });
});
