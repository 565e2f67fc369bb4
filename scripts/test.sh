#!/usr/bin/env bash
# test.sh [preset] [extra ctest arguments...] — install dependencies, build, run the tests.
#
# The preset defaults to dev. Every test runs by default, whatever its label (unit,
# integration, gui, fault); pass ctest arguments to select, e.g.
#     bash scripts/test.sh dev -L integration
#     bash scripts/test.sh tsan -R '^test_bus'
# Exits non-zero if anything fails.
set -euo pipefail

preset="${1:-dev}"
if (($# > 0)); then
    shift
fi
script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${script_dir}/.." && pwd)"

bash "${script_dir}/install-deps.sh"
bash "${script_dir}/build.sh" "${preset}"

cd "${repo_root}"
# On failure the reasons are printed again at the end, where a long log's tail shows them.
if ! ctest --preset "${preset}" --output-on-failure -j2 "$@"; then
    bash "${script_dir}/test-failures.sh" "${repo_root}/build/${preset}"
    exit 1
fi
