#!/usr/bin/env bash
# fuzz.sh [options] [target...] — build the libFuzzer targets (preset fuzz: clang 14, ASan +
# UBSan, tests/fuzz) and run each over its corpus in tests/fuzz/corpus/<target>.
#
#   (no options)   every target for 20000 inputs from a fixed seed: the CI regression run
#   --runs N       N inputs per target
#   --seconds S    at most S seconds per target (with --runs: whichever comes first; longer
#                  runs: docs/testing.md "Fuzzing")
#   --jobs J       J targets at once (default 1; this is a 2-core machine: nice -n 19 them)
#   --fork N       one target in N processes at once (libFuzzer -fork=N): --runs then counts
#                  the executions of all of them, and a finding in any stops the run
#   --timeout S    seconds one input may take before it counts as a hang (default 10). The
#                  clock is the wall clock: a long run niced under other work (or SIGSTOPped
#                  while a benchmark measures) needs more, or starvation reads as a timeout
#   --no-build     run what build/fuzz holds
#   --seed         regenerate the seeds from docs/protocol.md (tests/fuzz/make_corpus.py) and
#                  minimise them with the current corpus into tests/fuzz/corpus (-merge=1)
#
# New inputs go to build/fuzz/new-inputs/<target>, never into the repository. A crash, leak or
# timeout writes build/fuzz/findings/<target>/<kind>-<sha1> and fails the run. Each target's
# log is build/fuzz/logs/<target>.log; its stat::number_of_executed_units is printed.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo_root}"
all_targets=(fuzz_protocol fuzz_json_fields fuzz_bus_replies fuzz_service_api
             fuzz_database_spec fuzz_search_keys)
budget=()
jobs=1
fork=()
timeout=10
build=1
seed=0
targets=()
while (($# > 0)); do
    case "$1" in
        --runs) budget+=(-runs="$2"); shift 2 ;;
        --seconds) budget+=(-max_total_time="$2"); shift 2 ;;
        --jobs) jobs="$2"; shift 2 ;;
        --fork) fork=(-fork="$2"); shift 2 ;;
        --timeout) timeout="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        --seed) seed=1; shift ;;
        -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
((${#targets[@]} > 0)) || targets=("${all_targets[@]}")
((${#budget[@]} > 0)) || budget=(-runs=20000 -seed=1)

out=build/fuzz
if ((build)); then
    cmake --preset fuzz >/dev/null
    cmake --build --preset fuzz --parallel "$(nproc)" --target "${targets[@]}"
fi
mkdir -p "${out}/logs"

if ((seed)); then
    rm -rf "${out}/seeds"
    python3 tests/fuzz/make_corpus.py "${out}" "${out}/seeds"
    for t in "${targets[@]}"; do
        mkdir -p "tests/fuzz/corpus/${t}" "${out}/seeds/${t}"
        rm -rf "${out}/merged/${t}" && mkdir -p "${out}/merged/${t}"
        "${out}/tests/fuzz/${t}" -merge=1 -timeout=10 -rss_limit_mb=2048 \
            "${out}/merged/${t}" "tests/fuzz/corpus/${t}" "${out}/seeds/${t}" \
            >"${out}/logs/${t}.merge.log" 2>&1
        rm -rf "tests/fuzz/corpus/${t}" && cp -r "${out}/merged/${t}" "tests/fuzz/corpus/${t}"
        echo "${t}: $(ls "tests/fuzz/corpus/${t}" | wc -l) corpus inputs"
    done
fi

export ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"

run_one() {
    local t="$1"
    mkdir -p "${out}/new-inputs/${t}" "${out}/findings/${t}"
    if "${out}/tests/fuzz/${t}" "${budget[@]}" "${fork[@]}" -timeout="${timeout}" -rss_limit_mb=2048 -max_len=8192 \
        -print_final_stats=1 -artifact_prefix="${out}/findings/${t}/" \
        "${out}/new-inputs/${t}" "tests/fuzz/corpus/${t}" >"${out}/logs/${t}.log" 2>&1; then
        # One process prints its stat line; -fork prints the total it stopped at.
        echo "${t}: ok, $(sed -n -e 's/^stat::number_of_executed_units: *//p' \
            -e 's/^INFO: fuzzed for \([0-9]*\) iterations.*/\1/p' \
            "${out}/logs/${t}.log") executions"
    else
        echo "${t}: FAILED (see ${out}/logs/${t}.log, inputs in ${out}/findings/${t})" >&2
        tail -n 30 "${out}/logs/${t}.log" >&2
        return 1
    fi
}

failed=0
pids=()
for t in "${targets[@]}"; do
    run_one "${t}" &
    pids+=($!)
    if ((${#pids[@]} >= jobs)); then
        wait "${pids[0]}" || failed=1
        pids=("${pids[@]:1}")
    fi
done
for pid in "${pids[@]}"; do
    wait "${pid}" || failed=1
done
exit "${failed}"
