#!/usr/bin/env bash
# profile-load.sh [options] — where the CPU of `opd-bench flow --only load` goes (issue 13):
# runs the load benchmark and, while the clients run, records every service and nats-server.
#
#   --mode syscalls   (default) system calls per pair for each process (perf trace -s)
#   --mode cpu        a call-graph profile of one process (perf record --call-graph dwarf);
#                     --process NAME picks it (default registration; nats-server works too)
#   --clients N       load clients (default 8)
#   --seconds S       load duration (default 12); the recording takes the middle S-4 seconds
#   --out DIR         where the figures go (default build/profile/<mode>-<time>)
#   --build DIR       the build to run (default build/release; another preset's figures are
#                     not comparable)
#
# Needs a release build (`cmake --preset release && cmake --build --preset release --target
# opd-bench openopd-registration openopd-consultation openopd-audit openopd-discharge
# openopd-pharmacy openopd-identity openopd-streams openopd-nats-auth`) and Debian's
# linux-perf, as root. Measure on a quiet machine: the figures are per pair, but batching
# (group commits, consumer batches) depends on the load, so a busy machine moves them.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo_root}"
mode=syscalls
process=registration
clients=8
seconds=12
out=""
build=build/release
while (($# > 0)); do
    case "$1" in
        --mode) mode="$2"; shift 2 ;;
        --process) process="$2"; shift 2 ;;
        --clients) clients="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --build) build="$2"; shift 2 ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "profile-load.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[[ "${mode}" == syscalls || "${mode}" == cpu ]] ||
    { echo "profile-load.sh: --mode is syscalls or cpu, not ${mode}" >&2; exit 2; }
((seconds >= 6)) || { echo "profile-load.sh: --seconds must be at least 6" >&2; exit 2; }
build="$(cd "${build}" 2>/dev/null && pwd)" || { echo "profile-load.sh: no build directory" >&2; exit 2; }
bench="${build}/bench/opd-bench"
[[ -x "${bench}" ]] || { echo "profile-load.sh: ${bench} is missing (see --help)" >&2; exit 2; }
command -v perf >/dev/null || { echo "profile-load.sh: perf is missing (apt-get install linux-perf)" >&2; exit 2; }
out="${out:-build/profile/${mode}-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "${out}"

"${bench}" flow --only load --clients "${clients}" --seconds "${seconds}" \
    >"${out}/bench.jsonl" 2>"${out}/bench.log" &
bench_pid=$!
trap 'kill "${bench_pid}" 2>/dev/null || true' EXIT
# The services are up when the bench says so; the clients start right after.
for _ in $(seq 1 600); do
    grep -q "ready and settled" "${out}/bench.log" 2>/dev/null && break
    kill -0 "${bench_pid}" 2>/dev/null || { cat "${out}/bench.log" >&2; exit 1; }
    sleep 0.1
done
sleep 2

# name=pid for every service of this build and the bench's nats-server.
declare -A pids=()
for pid in $(pgrep -f "/backend-services/|nats-server"); do
    exe="$(readlink "/proc/${pid}/exe" 2>/dev/null || true)"
    case "${exe}" in
        "${build}"/backend-services/*) pids["$(basename "${exe}" | sed 's/^openopd-//')"]="${pid}" ;;
        */nats-server) [[ "$(ps -o ppid= -p "${pid}" | tr -d ' ')" == "${bench_pid}" ]] &&
            pids[nats-server]="${pid}" ;;
    esac
done
window=$((seconds - 4))
if [[ "${mode}" == syscalls ]]; then
    tracers=()
    for name in "${!pids[@]}"; do
        perf trace -s -p "${pids[${name}]}" -o "${out}/${name}.trace" -- sleep "${window}" \
            >/dev/null 2>&1 &
        tracers+=($!)
    done
    wait "${tracers[@]}" || true
else
    [[ -n "${pids[${process}]:-}" ]] || { echo "profile-load.sh: no process ${process}" >&2; exit 1; }
    perf record --call-graph dwarf,16384 -F 499 -p "${pids[${process}]}" \
        -o "${out}/${process}.perf.data" -- sleep "${window}" >/dev/null 2>&1
fi
wait "${bench_pid}" || { echo "profile-load.sh: the benchmark failed (${out}/bench.log)" >&2; exit 1; }
trap - EXIT

rate="$(sed -n 's/.*"bench": "register_visits_per_s", "value": \([0-9.]*\).*/\1/p' "${out}/bench.jsonl")"
echo "pairs/s: ${rate} (${out}/bench.jsonl); recorded ${window} s"
if [[ "${mode}" == syscalls ]]; then
    python3 - "${out}" "${rate}" "${window}" <<'EOF'
import glob, os, re, sys
out, rate, window = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
pairs = rate * window
row = re.compile(r"^\s+([a-z_0-9]+)\s+(\d+)\s+\d+\s")
for path in sorted(glob.glob(os.path.join(out, "*.trace"))):
    totals = {}
    for line in open(path):
        m = row.match(line)
        if m:
            totals[m.group(1)] = totals.get(m.group(1), 0) + int(m.group(2))
    name = os.path.basename(path)[:-len(".trace")]
    top = sorted(totals.items(), key=lambda kv: -kv[1])[:8]
    print(f"{name}: {sum(totals.values()) / pairs:.1f} system calls per pair: " +
          ", ".join(f"{call} {count / pairs:.2f}" for call, count in top))
EOF
else
    perf report -i "${out}/${process}.perf.data" --no-children --stdio --percent-limit 1 \
        -g none --sort symbol 2>/dev/null | grep -v '^#' | grep -v '^$' | head -40 |
        sed -e 's/[ -]*$//' | tee "${out}/${process}.top.txt"
    echo "callers: perf report -i ${out}/${process}.perf.data --no-children --stdio -G"
fi
