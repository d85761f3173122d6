/** What the deploy dialog offers. Hardware sync needs a Linux deploy (MAAS rejects it otherwise). */
export interface OperatingSystem {
  osystem: string;
  title: string;
  isLinux: boolean;
  series: { name: string; title: string }[];
}

export const OPERATING_SYSTEMS: OperatingSystem[] = [
  {
    osystem: "ubuntu",
    title: "Ubuntu",
    isLinux: true,
    series: [
      { name: "noble", title: "Ubuntu 24.04 LTS “Noble Numbat”" },
      { name: "jammy", title: "Ubuntu 22.04 LTS “Jammy Jellyfish”" },
      { name: "focal", title: "Ubuntu 20.04 LTS “Focal Fossa”" },
    ],
  },
  {
    osystem: "centos",
    title: "CentOS",
    isLinux: true,
    series: [{ name: "centos8-stream", title: "CentOS Stream 8" }],
  },
  {
    osystem: "rhel",
    title: "Red Hat Enterprise Linux",
    isLinux: true,
    series: [{ name: "rhel9", title: "RHEL 9" }],
  },
  {
    osystem: "windows",
    title: "Windows",
    isLinux: false,
    series: [{ name: "win2022", title: "Windows Server 2022" }],
  },
];

/** The dialog's starting choice: the region's defaults when it offers them, else the first entry. */
export function defaultChoice(config: Readonly<Record<string, unknown>>): {
  osystem: string;
  series: string;
} {
  const wantedOs = typeof config.default_osystem === "string" ? config.default_osystem : "ubuntu";
  const os = OPERATING_SYSTEMS.find((o) => o.osystem === wantedOs) ?? OPERATING_SYSTEMS[0]!;
  const wantedSeries = config.default_distro_series;
  const series = os.series.find((s) => s.name === wantedSeries) ?? os.series[0]!;
  return { osystem: os.osystem, series: series.name };
}
