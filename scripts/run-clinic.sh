#!/usr/bin/env bash
# run-clinic.sh — install, build and start an all-in-one OpenOPD clinic on this PC.
#
# Usage: run-clinic.sh [--demo] [--create-admin NAME] [--headless]
#   --demo               load demo data: patients, a drug formulary with stock, and demo staff
#                        accounts (reception, dr.silva, pharma, lab, admin; password
#                        "demo-password"). Never use it for a real clinic. The data directory
#                        is marked (DEMO-DATA in it): a later start without --demo refuses
#                        to run on it, so a real clinic never inherits demo staff by mistake;
#                        nor does --demo load demo data into a real clinic's directory.
#   --create-admin NAME  create (or re-enable) the administrator NAME first; asks for the
#                        password on the terminal (or reads one line from standard input).
#                        Without it, the desktop app asks for the first administrator on the
#                        first start of a real (non-demo) clinic.
#   --headless           run the clinic here without opening the desktop app.
#
# Installs and builds, then ends by opening the desktop app, which runs the whole clinic on
# this PC (openopd --standalone [--demo-data]: a local nats-server with JetStream and accounts,
# the identity service, the nats-server auth agent and the backend services, as its children)
# and stops it when the app quits. Without a display ($DISPLAY and $WAYLAND_DISPLAY empty),
# with --headless, or before the app is built, this script runs the same clinic itself in the
# foreground, headless: nats-server (packaging/nats/standalone.conf, client port
# 127.0.0.1:4222, monitoring http://127.0.0.1:8222), then the services. Every start makes new
# random service passwords (openopd-nats-auth init): nats-server's configuration holds only
# their hashes, and each service gets its own through a pipe on standard input, never on a
# command line or in a file. Ctrl-C (or SIGTERM) stops everything cleanly: the services first,
# then nats-server.
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

demo=0
headless=0
create_admin=""
while (($# > 0)); do
    case "$1" in
    --demo) demo=1 ;;
    --headless) headless=1 ;;
    --create-admin)
        if (($# < 2)) || [[ -z "$2" ]]; then
            log "--create-admin needs a user name"
            exit 2
        fi
        create_admin="$2"
        shift
        ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
        exit 0
        ;;
    *)
        log "unknown argument: $1 (see --help)"
        exit 2
        ;;
    esac
    shift
done

# ---------------------------------------------------------------------------------------------
# Demo data is never carried into a real clinic: a --demo run marks the data directory, and a
# start without --demo refuses to use a marked one (checked before anything is built); nor is
# it loaded into a real clinic's directory (accounts but no mark).
demo_marker="${data_dir}/DEMO-DATA"
if ((demo)) && [[ ! -e "${demo_marker}" && -e "${data_dir}/identity.sqlite" ]]; then
    log "${data_dir} holds a real clinic's data: demo data (demo staff with the password"
    log "\"demo-password\") is never loaded into it. Start without --demo, or move it away first."
    exit 1
fi
if ((!demo)) && [[ -e "${demo_marker}" ]]; then
    log "${data_dir} holds demo data (demo staff with the password \"demo-password\", demo"
    log "patients and stock) from a --demo run ($(head -n 1 "${demo_marker}" 2>/dev/null))."
    log "For a real clinic move it away first, e.g.: mv \"${data_dir}\" \"${data_dir}.demo\""
    log "(or pass --demo to run the demo again)."
    exit 1
fi

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
find_executable() { # find_executable NAME: path of NAME in the build directory, if built
    if [[ -d "${build_dir}" ]]; then
        find "${build_dir}" -type f -name "$1" -perm -u+x -print -quit
    fi
}
require_executable() { # require_executable NAME: its path, or exit naming it
    local path
    path="$(find_executable "$1")"
    if [[ -z "${path}" ]]; then
        log "$1 is not built in ${build_dir}; run scripts/build.sh ${preset}"
        exit 1
    fi
    echo "${path}"
}

nats_dir="${data_dir}/nats"
mkdir -p "${nats_dir}"
chmod 700 "${data_dir}" "${nats_dir}"
if ((demo)) && [[ ! -e "${demo_marker}" ]]; then
    echo "demo data loaded $(date -u +%Y-%m-%dT%H:%M:%SZ) by run-clinic.sh --demo" >"${demo_marker}"
fi
nats_auth="$(require_executable openopd-nats-auth)"
identity="$(require_executable openopd-identity)"

if [[ -n "${create_admin}" ]]; then
    log "creating the administrator ${create_admin}"
    OPENOPD_DATA_DIR="${data_dir}" "${identity}" --create-admin "${create_admin}"
fi

# ---------------------------------------------------------------------------------------------
# With a display, the desktop app runs the clinic (and stops it when it quits).
desktop_app="$(find_executable openopd)"
if ((headless)); then
    log "--headless: the clinic runs here without the desktop app"
elif [[ -z "${desktop_app}" ]]; then
    log "openopd (desktop app) is not built: the clinic runs here headless"
elif [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
    log "no display (\$DISPLAY and \$WAYLAND_DISPLAY are empty): the desktop app cannot open;"
    log "the clinic runs here headless"
else
    app_args=(--standalone --data-dir "${data_dir}")
    if ((demo)); then
        app_args+=(--demo-data)
    fi
    log "opening the desktop app, which runs the clinic: ${desktop_app} ${app_args[*]}"
    log "(quit the app to stop the clinic; its logs: ${data_dir}/logs)"
    trap - EXIT INT TERM
    exec "${desktop_app}" "${app_args[@]}"
fi

# Fresh service passwords for this run, kept only in this shell's memory.
declare -A service_password=()
while read -r user password; do
    service_password["${user}"]="${password}"
done < <("${nats_auth}" init --dir "${nats_dir}")
if ((${#service_password[@]} == 0)); then
    log "openopd-nats-auth init made no service users"
    exit 1
fi
cp "${nats_conf}" "${nats_dir}/nats-server.conf"
# nats-server parses these variables' values as config: pass them as quoted strings.
export OPENOPD_NATS_STORE_DIR="\"${nats_dir}\""
export OPENOPD_NATS_PID_FILE="\"${nats_dir}/nats-server.pid\""

log "data directory:     ${data_dir}"
log "JetStream store:    ${nats_dir}/jetstream"
log "nats-server config: ${nats_dir}/nats-server.conf (accounts.conf, staff-users.conf)"
# In its own session, so that Ctrl-C in the terminal (SIGINT to the whole foreground process
# group) does not stop it under the services: they must finish flushing their outboxes first.
# The EXIT trap stops it last.
start_child nats-server setsid "${nats_server}" -c "${nats_dir}/nats-server.conf"
nats_pid="${children[-1]}"
if ! wait_for_port 4222 "${nats_pid}"; then
    log "nats-server did not start; see its output above"
    exit 1
fi
log "NATS is ready:      ${nats_url}  (monitoring: http://127.0.0.1:8222)"

# ---------------------------------------------------------------------------------------------
# The services: each connects as its own NATS user (svc.<name>) with the password handed
# to it on standard input, and keeps one SQLite file in the data directory.
start_with_password() { # start_with_password NAME NATS_USER COMMAND [ARGS...]
    local name="$1" user="$2"
    shift 2
    if [[ -z "${service_password[${user}]:-}" ]]; then
        log "${name}: no NATS user ${user} in accounts.conf, skipped"
        return 0
    fi
    printf '%s\n' "${service_password[${user}]}" |
        OPENOPD_NATS_URL="${nats_url}" OPENOPD_DATA_DIR="${data_dir}" "$@" &
    children+=("$!")
    child_names+=("${name}")
}

start_services() {
    local service executable demo_args=()
    if ((demo)); then
        # Demo data is loaded idempotently: a restart does not duplicate it.
        demo_args=(--seed-demo)
    fi
    for service in openopd-identity openopd-registration openopd-consultation \
        openopd-pharmacy openopd-discharge openopd-audit; do
        executable="$(find_executable "${service}")"
        if [[ -z "${executable}" ]]; then
            log "${service}: not built yet, skipped"
            continue
        fi
        log "starting ${service}"
        start_with_password "${service}" "svc.${service#openopd-}" "${executable}" \
            --user "svc.${service#openopd-}" --password-stdin "${demo_args[@]}"
        if [[ "${service}" == openopd-identity ]]; then
            # Each staff session may read only its own replies (_INBOX.<session id>.>).
            log "starting the nats-server auth agent (staff sessions -> nats-server)"
            start_with_password openopd-nats-auth svc.nats-auth "${nats_auth}" agent \
                --nats-url "${nats_url}" --users-file "${nats_dir}/staff-users.conf" \
                --pid-file "${nats_dir}/nats-server.pid" --password-stdin --session-inboxes
        fi
    done
}

start_services

if ((demo)); then
    log "demo staff: reception, dr.silva, pharma, lab, admin (password: demo-password)"
elif [[ -z "${create_admin}" ]]; then
    log "no staff yet? stop and run: bash scripts/run-clinic.sh --create-admin <name>"
fi
log "the clinic is running; press Ctrl-C to stop it"
# Returns when nats-server exits or a signal arrives (the traps then stop everything).
status=0
wait "${nats_pid}" || status=$?
log "nats-server exited (status ${status})"
exit "${status}"
