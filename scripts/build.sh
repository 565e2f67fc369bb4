#!/usr/bin/env bash
# build.sh [preset] — configure and build OpenOPD with a CMake preset (default: dev).
#
# Presets (CMakePresets.json): dev (Debug, warnings are errors), asan (AddressSanitizer +
# UBSan), tsan (ThreadSanitizer), release. The build tree is build/<preset>.
# Does not install dependencies; see scripts/install-deps.sh.
set -euo pipefail

preset="${1:-dev}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo_root}"

cmake --preset "${preset}"
cmake --build --preset "${preset}" --parallel "$(nproc)"
