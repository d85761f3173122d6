#!/usr/bin/env bash
# Installs the Debian packages the tests and benchmarks use, when they are missing.
# Needs root (CI and these machines run as root); elsewhere it only reports what is missing.
set -uo pipefail
need=()
command -v lspci >/dev/null || need+=(pciutils)
command -v lsusb >/dev/null || need+=(usbutils)
command -v lsblk >/dev/null || need+=(util-linux)
command -v ip >/dev/null || need+=(iproute2)
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v cloud-init >/dev/null || need+=(cloud-init)
command -v lshw >/dev/null || need+=(lshw)
command -v chromium >/dev/null || need+=(chromium)
[ -e /usr/share/misc/pci.ids ] || need+=(pci.ids)
[ -e /usr/share/misc/usb.ids ] || [ -e /var/lib/usbutils/usb.ids ] || need+=(usb.ids)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages (install them as root): ${need[*]}" >&2
  exit 0
fi
echo "installing Debian packages: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq "${need[@]}" >/dev/null; }
