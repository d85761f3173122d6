import { describe, expect, test } from "vitest";
import {
  hardwareSyncTimerSchedule,
  isCalendarExact,
  quoteExecArg,
  renderHardwareSyncService,
  renderHardwareSyncTimer,
} from "../src/systemd-units.ts";

// `systemd-analyze verify` of the rendered units runs where they are written: the agent's
// install tests and the region's vendor-data tests.

describe("hardwareSyncTimerSchedule", () => {
  const calendar = (onCalendar: string, spread: number) => [
    "Persistent=true",
    `OnCalendar=${onCalendar}`,
    `RandomizedDelaySec=${spread}`,
    "FixedRandomDelay=true",
  ];
  const monotonic = (seconds: number, spread: number) => [
    "OnBootSec=60",
    `OnUnitActiveSec=${seconds}`,
    `RandomizedDelaySec=${spread}`,
    "FixedRandomDelay=true",
  ];
  test.each([
    [900, calendar("*-*-* *:00/15:00", 225)],
    [15, calendar("*-*-* *:*:00/15", 3)],
    [20, calendar("*-*-* *:*:00/20", 5)],
    [60, calendar("*-*-* *:00/1:00", 15)],
    [300, calendar("*-*-* *:00/5:00", 75)],
    [1800, calendar("*-*-* *:00/30:00", 300)],
    [3600, calendar("*-*-* *:00:00", 300)],
    [7200, calendar("*-*-* 00/2:00:00", 300)],
    [21600, calendar("*-*-* 00/6:00:00", 300)],
    [86400, calendar("*-*-* 00/24:00:00", 300)],
    // Wall-clock steps that would not repeat at the interval: a monotonic timer instead.
    [5400, monotonic(5400, 300)],
    [3601, monotonic(3601, 300)],
    [2700, monotonic(2700, 300)],
    [1805, monotonic(1805, 300)],
    [90, monotonic(90, 22)],
    [7, monotonic(7, 1)],
    [18000, monotonic(18000, 300)],
    [172800, monotonic(172800, 300)],
    // Under 4 s there is nothing to spread.
    [2, ["Persistent=true", "OnCalendar=*-*-* *:*:00/2"]],
    [1, ["Persistent=true", "OnCalendar=*-*-* *:*:00/1"]],
  ])("%d s → %j", (seconds, lines) => {
    expect(hardwareSyncTimerSchedule(seconds)).toEqual(lines);
  });

  test("the random delay is at most a quarter of the interval and at most 5 minutes", () => {
    for (let seconds = 1; seconds <= 90_000; seconds += 7) {
      const delay = hardwareSyncTimerSchedule(seconds).find((line) => line.startsWith("RandomizedDelaySec="));
      const value = delay ? Number(delay.split("=")[1]) : 0;
      expect(value).toBeLessThanOrEqual(Math.min(seconds / 4, 300));
    }
  });

  test.each([0, -900, 1.5, Number.NaN])("refuses an interval of %s naming sync_interval", (seconds) => {
    expect(() => hardwareSyncTimerSchedule(seconds)).toThrow(
      expect.objectContaining({
        code: "HWS_TIME_SPAN_INVALID",
        message: expect.stringContaining("sync_interval"),
      }),
    );
  });
});

test.each([
  [1, true],
  [7, false],
  [30, true],
  [45, false],
  [120, true],
  [420, false],
  [3600, true],
  [10800, true],
  [18000, false],
  [86400, true],
  [172800, false],
])("isCalendarExact(%d) is %s", (seconds, exact) => {
  expect(isCalendarExact(seconds)).toBe(exact);
});

test("the timer keeps MAAS's sections, names and order", () => {
  expect(renderHardwareSyncTimer({ syncInterval: 900 })).toBe(`[Unit]
Description=Timer for periodically running MAAS hardware sync
Documentation=https://maas.io
Requires=maas_hardware_sync.service

[Install]
WantedBy=timers.target

[Timer]
Unit=maas_hardware_sync.service
Persistent=true
OnCalendar=*-*-* *:00/15:00
RandomizedDelaySec=225
FixedRandomDelay=true
`);
});

test("the service runs the optional pre-step, then the agent, under a start timeout", () => {
  expect(
    renderHardwareSyncService({
      execStartPre: {
        argv: ["/usr/local/lib/maas-hw-sync/fetch-agent", "http://10.0.0.2:5240/MAAS"],
        mayFail: true,
      },
      execStart: ["/usr/local/bin/maas-hw-sync", "run", "--config", "/etc/maas/maas-machine-creds.yml"],
      stateDirectory: "maas-hw-sync",
    }),
  ).toBe(`[Unit]
Description=MAAS Hardware Sync Service
Documentation=https://maas.io
Wants=maas_hardware_sync.timer network-online.target
After=network-online.target

[Service]
Type=oneshot
StateDirectory=maas-hw-sync
ExecStartPre=-/usr/local/lib/maas-hw-sync/fetch-agent http://10.0.0.2:5240/MAAS
ExecStart=/usr/local/bin/maas-hw-sync run --config /etc/maas/maas-machine-creds.yml
TimeoutStartSec=5min
NoNewPrivileges=yes
PrivateTmp=yes
ProtectHome=read-only

[Install]
WantedBy=multi-user.target
`);
});

test("a service without pre-step or state directory has neither line", () => {
  const text = renderHardwareSyncService({ execStart: ["/opt/my tools/agent", "run"] });
  expect(text).toContain('\nExecStart="/opt/my tools/agent" run\n');
  expect(text).not.toMatch(/ExecStartPre|StateDirectory/);
});

test.each([
  ["/usr/local/bin/maas-hw-sync", "/usr/local/bin/maas-hw-sync"],
  ["/opt/my tools/agent", '"/opt/my tools/agent"'],
  ["50%", "50%%"],
  ['say "hi"', '"say \\"hi\\""'],
  ["", '""'],
])("quoteExecArg(%s) is %s", (input, expected) => {
  expect(quoteExecArg(input)).toBe(expected);
});
