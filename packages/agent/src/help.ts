export const MAIN_HELP = `maas-hw-sync: keeps the MAAS region's record of this machine's hardware in sync

Usage: maas-hw-sync <command> [options]

Commands:
  run         collect the hardware and push it to the region once (what the timer runs)
  collect     print the hardware payload as JSON, without any network access
  install     install the systemd service and timer and a 0600 copy of the credentials
  uninstall   stop and remove the service and timer
  status      show the outcome of the last run, from the state directory

Options:
  -h, --help     show help; \`maas-hw-sync <command> --help\` for a command's options
  -V, --version  print the version
      --debug    print stack traces and debug lines

Exit codes: 0 ok (also "unchanged"), 1 payload refused by the region, 2 usage or configuration
(including a revoked token), 70 bug, 75 region unreachable or failing (retried at the next tick),
130 interrupted.
`;

export const RUN_HELP = `Usage: maas-hw-sync run [options]

Collects the hardware and pushes it to the region: the fast path when the region offers it,
else MAAS's own op=signal wire. Transient failures are retried until the budget is spent; the
unsent payload is then kept in the state directory and the run exits 75.

Only an answer that parses as the region's (a push result for our hash, or MAAS's "OK") counts
as synced. Redirects are refused, never followed; a Retry-After is honoured within the budget.

Options:
  --config FILE      machine credentials: MAAS's YAML (default /etc/maas/maas-machine-creds.yml),
                     or the JSON of \`maas PROFILE machine get-token ID --format json\` with --endpoint
  --endpoint URL     region or rack URL (http://RACK:5248/MAAS/); overrides the file's endpoint
  --state-dir DIR    where the last outcome and an unsent payload live (default /var/lib/maas-hw-sync)
  --budget SPAN      time allowed for the push including retries (default 60s)
  --compat           use MAAS's op=signal wire even if the region has the fast path
  --root DIR         read the hardware under DIR instead of / (fixture trees)
`;

export const COLLECT_HELP = `Usage: maas-hw-sync collect [options]

Prints the machine-resources JSON that \`run\` would send. Without --pretty the output is
byte for byte the body \`run\` hashes, so \`maas-hw-sync collect | sha256sum\` gives its hash.

Options:
  --pretty     indent the JSON
  --root DIR   read the hardware under DIR instead of /
`;

export const INSTALL_HELP = `Usage: maas-hw-sync install --config FILE [options]

Writes maas_hardware_sync.service and .timer under <root>/lib/systemd/system/ and copies the
credentials to <root>/etc/maas/maas-machine-creds.yml (mode 0600). With --root / and systemd
running it also runs \`systemctl daemon-reload\` and \`systemctl enable --now\` on the timer.

Options:
  --config FILE      machine credentials: MAAS's YAML, or get-token JSON with --endpoint (required)
  --endpoint URL     region or rack URL, written into the installed credentials file
  --interval SPAN    how often to sync, h/m/s units (default 15m)
  --root DIR         install into DIR instead of / (default /)
  --binary PATH      agent binary the service runs (default: this binary)
  --state-dir DIR    state directory the service uses (default /var/lib/maas-hw-sync)

--binary and --state-dir go into the unit file: absolute paths without control characters
or '..' segments.
`;

export const UNINSTALL_HELP = `Usage: maas-hw-sync uninstall [options]

Disables the timer and removes the service and timer units.

Options:
  --root DIR        uninstall from DIR instead of /
  --purge           also remove the credentials file and the state directory
  --state-dir DIR   state directory to purge (default /var/lib/maas-hw-sync)
`;

export const STATUS_HELP = `Usage: maas-hw-sync status [options]

Shows when the agent last ran, how it ended, the last error and any spooled payload. Exits
with the last run's exit code when it failed (75 transient, 2 configuration, ...), else 0.

Options:
  --state-dir DIR   state directory (default /var/lib/maas-hw-sync)
  --json            print the state as JSON
`;
