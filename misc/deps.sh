#!/bin/sh
# Installs (or checks) the Debian 12 packages that building, running and
# testing Bulkhead need. Idempotent: installs only what is missing.
set -eu

PACKAGES="g++ make cmake python3 git libgtest-dev
python3-kconfiglib python3-xmlschema python3-lxml acpica-tools
grub-pc-bin grub-common xorriso mtools
bochs bochsbios vgabios bochs-term
qemu-system-x86"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

case "${1:-install}" in
check)
    if [ -n "$missing" ]; then
        echo "missing packages:$missing"
        exit 1
    fi
    ;;
install)
    if [ -z "$missing" ]; then
        echo "all build, run and test packages are installed"
        exit 0
    fi
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "installing:$missing"
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing
    ;;
*)
    echo "usage: $0 [check|install]" >&2
    exit 2
    ;;
esac
