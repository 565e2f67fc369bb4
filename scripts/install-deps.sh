#!/usr/bin/env bash
# install-deps.sh — install the Debian 12 packages OpenOPD needs (scripts/debian-packages.txt).
#
# Checks with dpkg-query first: on a machine that already has everything this installs nothing,
# does not touch the network and takes well under a second. Otherwise it runs `apt-get update`
# and `apt-get install` for the missing packages only, with sudo when not run as root.
# Set OPENOPD_SKIP_DEPS=1 to skip this step entirely (e.g. on a non-Debian system where the
# dependencies were installed by hand).
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package_list="${script_dir}/debian-packages.txt"

if [[ "${OPENOPD_SKIP_DEPS:-0}" == 1 ]]; then
    echo "install-deps: skipped (OPENOPD_SKIP_DEPS=1)"
    exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: this is not a Debian-like system (no dpkg-query/apt-get)." >&2
    echo "install-deps: install the equivalents of ${package_list} by hand," >&2
    echo "install-deps: then rerun with OPENOPD_SKIP_DEPS=1." >&2
    exit 1
fi

# The package list without comments and blank lines.
mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "${package_list}" | grep -v '^$')

# One dpkg-query call for all packages; unknown packages are simply absent from its output.
declare -A installed=()
while read -r name status; do
    if [[ "${status}" == installed ]]; then
        installed["${name%%:*}"]=1
    fi
done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${packages[@]}" 2>/dev/null || true)

missing=()
for package in "${packages[@]}"; do
    if [[ -z "${installed[${package}]:-}" ]]; then
        missing+=("${package}")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "install-deps: all ${#packages[@]} packages are installed"
    exit 0
fi

echo "install-deps: installing ${#missing[@]} missing package(s): ${missing[*]}"
as_root=()
if ((EUID != 0)); then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "install-deps: not root and sudo is not available; as root run:" >&2
        echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    as_root=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
echo "install-deps: done"
