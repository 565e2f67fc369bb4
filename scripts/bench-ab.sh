#!/usr/bin/env bash
# bench-ab.sh — compare two builds of the services under `opd-bench flow --only load`, run
# alternately in the same hour (this VM's speed drifts by more than the effects measured).
#
#   scripts/bench-ab.sh save DIR
#       copies the service executables of build/release into DIR (do this before a change)
#   scripts/bench-ab.sh run BEFORE_DIR AFTER_DIR [RUNS] [-- opd-bench flow options...]
#       RUNS times (default 7): puts BEFORE_DIR's executables into build/release, runs the
#       load benchmark, then AFTER_DIR's; logs in build/profile/ab-<time>/; leaves AFTER_DIR's
#       executables in place; prints per mode (two requests, one request) the mean ± standard
#       error of CPU ms per pair by process and the pairs per second until events were durable.
#
# opd-bench itself is the release build's own: compare builds whose bench is the same.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
services_dir="${repo_root}/build/release/backend-services"
bench="${repo_root}/build/release/bench/opd-bench"
services=(registration consultation pharmacy discharge audit identity streams nats-auth)

usage() { sed -n '2,13p' "$0" >&2; exit 2; }

install_set() {
    local from="$1" name
    for name in "${services[@]}"; do
        [[ -x "${from}/openopd-${name}" ]] ||
            { echo "bench-ab.sh: ${from}/openopd-${name} is missing" >&2; exit 2; }
        cp -p "${from}/openopd-${name}" "${services_dir}/${name}/openopd-${name}"
    done
}

case "${1:-}" in
    save)
        (($# == 2)) || usage
        mkdir -p "$2"
        for name in "${services[@]}"; do
            cp -p "${services_dir}/${name}/openopd-${name}" "$2/"
        done
        echo "saved ${#services[@]} executables to $2"
        ;;
    run)
        (($# >= 3)) || usage
        before="$(cd "$2" && pwd)"
        after="$(cd "$3" && pwd)"
        shift 3
        runs=7
        if (($# > 0)) && [[ "$1" != "--" ]]; then runs="$1"; shift; fi
        [[ "${1:-}" == "--" ]] && shift
        [[ -x "${bench}" ]] || { echo "bench-ab.sh: ${bench} is missing" >&2; exit 2; }
        out="${repo_root}/build/profile/ab-$(date +%Y%m%d-%H%M%S)"
        mkdir -p "${out}"
        for ((i = 1; i <= runs; ++i)); do
            for side in before after; do
                install_set "$([[ ${side} == before ]] && echo "${before}" || echo "${after}")"
                "${bench}" flow --only load "$@" >/dev/null 2>"${out}/${side}-${i}.log"
                echo "${side} ${i}: $(grep -o 'total [0-9.]* ms' "${out}/${side}-${i}.log" | tr '\n' ' ')"
            done
        done
        python3 - "${out}" <<'EOF'
import glob, os, re, statistics, sys
out = sys.argv[1]
rows = {}
for path in sorted(glob.glob(os.path.join(out, "*.log"))):
    side = os.path.basename(path).split("-")[0]
    mode = None
    for line in open(path):
        m = re.search(r"^# load \((.*?)\): \d+ clients, (\d+) patients\+visits .* durable after ([\d.]+) s", line)
        if m:
            mode = "one request" if "1 req" in m.group(1) else "two requests"
            rate = int(m.group(2)) / float(m.group(3))
            continue
        m = re.search(r"^# CPU per pair \(ms\): (.*); total ([\d.]+)", line)
        if m and mode:
            figures = {k: float(v) for k, v in re.findall(r"([a-z-]+) ([\d.]+)", m.group(1))}
            figures["total"] = float(m.group(2))
            figures["pairs/s"] = rate
            rows.setdefault((mode, side), []).append(figures)
            mode = None
keys = ["pairs/s", "total", "registration", "consultation", "discharge", "audit", "nats-server", "opd-bench"]
print("mode, side, runs: " + ", ".join(keys) + " (mean ± standard error)")
for (mode, side), figures in sorted(rows.items(), key=lambda kv: (kv[0][0], kv[0][1] != "before")):
    def cell(key):
        values = [f.get(key, 0.0) for f in figures]
        mean = statistics.mean(values)
        error = statistics.stdev(values) / len(values) ** 0.5 if len(values) > 1 else 0.0
        return f"{mean:.0f} ± {error:.0f}" if key == "pairs/s" else f"{mean:.2f} ± {error:.2f}"
    print(f"{mode}, {side}, {len(figures)}: " + ", ".join(cell(k) for k in keys))
print(f"logs: {out}")
EOF
        ;;
    *) usage ;;
esac
