#!/usr/bin/env bash
# run-clinic.sh — install, build and start an all-in-one OpenOPD clinic on this PC.
#
# Runs in the foreground: a local nats-server with JetStream (packaging/nats/standalone.conf,
# client port 127.0.0.1:4222, monitoring http://127.0.0.1:8222) and, once they exist in the
# build, the backend services and the desktop app. Ctrl-C (or SIGTERM) stops everything
# cleanly: the app and services first, then nats-server.
#
# Data lives under ${XDG_DATA_HOME:-$HOME/.local/share}/OpenOPD/ (JetStream: nats/jetstream).
# Environment:
#   OPENOPD_PRESET=release|dev|...  CMake preset to build and run (default: release)
#   OPENOPD_NO_BUILD=1              skip install-deps and build, run what is in build/<preset>
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${script_dir}/.." && pwd)"
preset="${OPENOPD_PRESET:-release}"
build_dir="${repo_root}/build/${preset}"
data_dir="${XDG_DATA_HOME:-${HOME}/.local/share}/OpenOPD"
nats_conf="${repo_root}/packaging/nats/standalone.conf"
nats_url="nats://127.0.0.1:4222"

log() { printf '[run-clinic] %s\n' "$*"; }

# ---------------------------------------------------------------------------------------------
# Install and build
if [[ "${OPENOPD_NO_BUILD:-0}" != 1 ]]; then
    bash "${script_dir}/install-deps.sh"
    bash "${script_dir}/build.sh" "${preset}"
fi

# ---------------------------------------------------------------------------------------------
# Child processes, stopped in reverse start order on exit
children=()
child_names=()

# shellcheck disable=SC2317  # invoked by the EXIT trap
stop_children() {
    local i pid name waited
    for ((i = ${#children[@]} - 1; i >= 0; i--)); do
        pid="${children[i]}"
        name="${child_names[i]}"
        if ! kill -0 "${pid}" 2>/dev/null; then
            continue
        fi
        log "stopping ${name} (pid ${pid})"
        kill -TERM "${pid}" 2>/dev/null || true
        waited=0
        while kill -0 "${pid}" 2>/dev/null && ((waited < 100)); do
            sleep 0.1
            waited=$((waited + 1))
        done
        if kill -0 "${pid}" 2>/dev/null; then
            log "${name} did not stop within 10 s; killing it"
            kill -KILL "${pid}" 2>/dev/null || true
        fi
        wait "${pid}" 2>/dev/null || true
    done
    children=()
    child_names=()
}
trap stop_children EXIT
trap 'echo; log "stopping the clinic"; exit 130' INT
trap 'log "stopping the clinic"; exit 143' TERM

# start_child NAME COMMAND [ARGS...]: start COMMAND in the background and remember it.
start_child() {
    local name="$1"
    shift
    "$@" &
    children+=("$!")
    child_names+=("${name}")
}

# ---------------------------------------------------------------------------------------------
# nats-server with JetStream
find_nats_server() {
    local candidate
    for candidate in "$(command -v nats-server || true)" /usr/sbin/nats-server \
        /usr/local/bin/nats-server /usr/local/sbin/nats-server; do
        if [[ -n "${candidate}" && -x "${candidate}" ]]; then
            echo "${candidate}"
            return 0
        fi
    done
    return 1
}

port_in_use() { # port_in_use PORT: something accepts connections on 127.0.0.1:PORT
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_for_port() { # wait_for_port PORT PID: until PORT accepts on 127.0.0.1 (<= 15 s)
    local port="$1" pid="$2" tries=0
    while ((tries < 150)); do
        if ! kill -0 "${pid}" 2>/dev/null; then
            return 1
        fi
        if port_in_use "${port}"; then
            return 0
        fi
        sleep 0.1
        tries=$((tries + 1))
    done
    return 1
}

nats_server="$(find_nats_server)" || {
    log "nats-server not found; run scripts/install-deps.sh"
    exit 1
}
if [[ "${data_dir}" == *'"'* || "${data_dir}" == *\\* ]]; then
    log "the data directory path may not contain quotes or backslashes: ${data_dir}"
    exit 1
fi
for port in 4222 8222; do
    if port_in_use "${port}"; then
        log "port 127.0.0.1:${port} is already in use (another nats-server or clinic running?)"
        exit 1
    fi
done
mkdir -p "${data_dir}/nats"
# nats-server parses the variable's value as config: pass it as a quoted string.
export OPENOPD_NATS_STORE_DIR="\"${data_dir}/nats\""

log "data directory:     ${data_dir}"
log "JetStream store:    ${data_dir}/nats/jetstream"
log "nats-server config: ${nats_conf}"
# In its own session, so that Ctrl-C in the terminal (SIGINT to the whole foreground process
# group) does not stop it under the services: they must finish flushing their outboxes first.
# The EXIT trap stops it last.
start_child nats-server setsid "${nats_server}" -c "${nats_conf}"
nats_pid="${children[-1]}"
if ! wait_for_port 4222 "${nats_pid}"; then
    log "nats-server did not start; see its output above"
    exit 1
fi
log "NATS is ready:      ${nats_url}  (monitoring: http://127.0.0.1:8222)"

# ---------------------------------------------------------------------------------------------
# The services and the desktop app: each is started if its executable exists in the build
# directory and skipped with a message otherwise. They get the NATS URL and the data directory
# (one SQLite file per service in it) through the environment.
find_executable() { # find_executable NAME: path of NAME in the build directory, if built
    if [[ -d "${build_dir}" ]]; then
        find "${build_dir}" -type f -name "$1" -perm -u+x -print -quit
    fi
}

start_services() {
    local service executable
    for service in openopd-registration openopd-consultation openopd-pharmacy \
        openopd-discharge openopd-audit; do
        executable="$(find_executable "${service}")"
        if [[ -z "${executable}" ]]; then
            log "${service}: not built yet, skipped"
            continue
        fi
        # Demo data (patients, staff, a drug formulary with stock) is loaded idempotently:
        # a restart does not duplicate it. Services without demo data accept the option.
        log "starting ${service}"
        OPENOPD_NATS_URL="${nats_url}" OPENOPD_DATA_DIR="${data_dir}" \
            start_child "${service}" "${executable}" --seed-demo
    done
}

start_desktop_app() {
    local executable
    executable="$(find_executable openopd)"
    if [[ -z "${executable}" ]]; then
        log "openopd (desktop app): not built yet, skipped"
        return 0
    fi
    if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
        log "openopd (desktop app): no display, skipped"
        return 0
    fi
    log "starting the desktop app"
    OPENOPD_NATS_URL="${nats_url}" start_child openopd "${executable}"
}

start_services
start_desktop_app

log "the clinic is running; press Ctrl-C to stop it"
# Returns when nats-server exits or a signal arrives (the traps then stop everything).
status=0
wait "${nats_pid}" || status=$?
log "nats-server exited (status ${status})"
exit "${status}"
