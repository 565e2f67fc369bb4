#!/usr/bin/env bash
# screenshots.sh — PNGs of the desktop app for the README, taken from the real app on Xvfb.
#
# Usage: screenshots.sh [OUTPUT_DIR]        (default: docs/screenshots)
#
# Builds nothing: it runs what is in build/${OPENOPD_PRESET:-release} (scripts/build.sh
# builds it). Everything runs in a temporary HOME / XDG_* directory that is removed at the
# end, so a real clinic's data and the user's settings are never touched:
#   1. Xvfb (1280x800) and the app on it; sign-in as reception with no server yet:
#      sign-in.png, sign-in-server-unreachable.png
#   2. an all-in-one demo clinic (scripts/run-clinic.sh --demo, OPENOPD_NO_BUILD=1; it needs
#      127.0.0.1:4222 and :8222 free), then sign-in as reception / demo-password and the desk,
#      all typed with xdotool (keyboard only, as the desk is meant to be used): search results
#      for a name (desk-search.png), an opened visit's token (desk-visit-token.png), the
#      waiting list with three visits (desk-waiting-list.png), the registration form
#      (desk-register-form.png).
#   3. opd-demo-visits (built with the tests) opens and advances demo visits; then, switching
#      user each time: dr.silva's queue and a called patient (doctor-queue.png,
#      doctor-consultation.png) and pending releases (discharge-pending.png,
#      discharge-release.png); pharma's prescriptions and the dispense dialog
#      (pharmacy-pending.png, pharmacy-dispense.png); lab's pending orders (lab-pending.png,
#      lab-order.png).
# Each PNG is one window (import -window <id>) with a 1-pixel grey edge, without the empty
# screen around it (Xvfb has no window manager, so there are no title bars).
#
# Needs: Xvfb, xdotool, ImageMagick's import (Debian: apt-get install xvfb xdotool imagemagick)
# and nats-server. They are not in scripts/debian-packages.txt (build, test and run): this
# script checks for them and names what is missing.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${script_dir}/.." && pwd)"
preset="${OPENOPD_PRESET:-release}"
build_dir="${repo_root}/build/${preset}"
out_dir="$(mkdir -p "${1:-${repo_root}/docs/screenshots}" && cd "${1:-${repo_root}/docs/screenshots}" && pwd)"

log() { printf '[screenshots] %s\n' "$*"; }

missing=()
for tool in Xvfb xdotool import convert; do
    command -v "${tool}" >/dev/null 2>&1 || missing+=("${tool}")
done
if ((${#missing[@]} > 0)); then
    log "missing: ${missing[*]} (Debian: apt-get install xvfb xdotool imagemagick)"
    exit 1
fi
app="$(find "${build_dir}/app" -maxdepth 1 -type f -name openopd -perm -u+x -print -quit 2>/dev/null || true)"
if [[ -z "${app}" ]]; then
    log "openopd is not built in ${build_dir}; run scripts/build.sh ${preset} (or set OPENOPD_PRESET)"
    exit 1
fi

# ---------------------------------------------------------------------------------------------
# A private home: settings, the clinic's data directory and the keyring live and die here.
work="$(mktemp -d "${TMPDIR:-/tmp}/openopd-screenshots.XXXXXX")"
export HOME="${work}/home" XDG_CONFIG_HOME="${work}/config" XDG_DATA_HOME="${work}/data"
export XDG_CACHE_HOME="${work}/cache"
mkdir -p "${HOME}" "${XDG_CONFIG_HOME}" "${XDG_DATA_HOME}" "${XDG_CACHE_HOME}"
pids=()
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    local i
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        kill -TERM "${pids[i]}" 2>/dev/null || true
        wait "${pids[i]}" 2>/dev/null || true
    done
    rm -rf "${work}"
}
trap cleanup EXIT

# Xvfb on a free display (it writes the number it picked to fd 3).
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"${work}/display" 2>"${work}/xvfb.log" &
pids+=("$!")
for _ in $(seq 100); do
    [[ -s "${work}/display" ]] && break
    sleep 0.1
done
[[ -s "${work}/display" ]] || {
    log "Xvfb did not start: $(cat "${work}/xvfb.log")"
    exit 1
}
DISPLAY=":$(head -n 1 "${work}/display")"
export DISPLAY
unset WAYLAND_DISPLAY QT_QPA_PLATFORM
log "Xvfb on ${DISPLAY}; output in ${out_dir}"

# window_of TITLE [SECONDS]: the id of the visible window whose title matches TITLE (waits at
# most SECONDS, default 60).
window_of() {
    timeout "${2:-60}" xdotool search --sync --onlyvisible --name "$1" | head -n 1
}

# shot WINDOW NAME: NAME.png of the window, once the app had time to paint.
shot() {
    sleep 1
    import -window "$1" png:- | convert png:- -bordercolor '#8c8c8c' -border 1 "${out_dir}/$2.png"
    log "saved $2.png"
}

# type_into WINDOW TEXT: types TEXT into WINDOW's focused field, as a person would. Keys go
# through XTEST to the window with the input focus (xdotool windowfocus before): keys sent to a
# window directly (xdotool --window, XSendEvent) lose their Alt modifier in Qt.
type_into() {
    xdotool type --delay 40 "$2"
}

# fail MESSAGE: says what went wrong, keeps a picture of the whole screen, and stops.
failed_png="${TMPDIR:-/tmp}/openopd-screenshots-failed.png"
fail() {
    log "$* (the screen then: ${failed_png})"
    import -window root "${failed_png}" 2>/dev/null || true
    exit 1
}

# wait_for_log FILE TEXT SECONDS: until FILE contains TEXT.
wait_for_log() {
    local i
    for ((i = 0; i < $3 * 10; i++)); do
        grep -q -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# ---------------------------------------------------------------------------------------------
# 1. The sign-in dialog, first with no server: "This computer" (127.0.0.1:4222) is not up yet.
"${app}" >"${work}/app.log" 2>&1 &
pids+=("$!")
dialog="$(window_of 'Sign in' 30)" || fail "the sign-in dialog did not appear: $(cat "${work}/app.log")"
xdotool windowfocus --sync "${dialog}"
shot "${dialog}" sign-in
type_into "${dialog}" reception
xdotool key Tab
type_into "${dialog}" demo-password
xdotool key Return
sleep 4 # the connect is refused at once; the dialog grows with its message
shot "${dialog}" sign-in-server-unreachable

# ---------------------------------------------------------------------------------------------
# 2. The demo clinic, then the reception desk.
log "starting the demo clinic (run-clinic.sh --demo; log in ${work}/clinic.log)"
env -u DISPLAY OPENOPD_NO_BUILD=1 OPENOPD_PRESET="${preset}" \
    bash "${script_dir}/run-clinic.sh" --demo >"${work}/clinic.log" 2>&1 &
pids+=("$!")
wait_for_log "${work}/clinic.log" "the clinic is running" 120 || {
    log "the clinic did not start:"
    tail -n 20 "${work}/clinic.log"
    exit 1
}
sleep 5 # the services load their demo data

# Sign in again with the same dialog: the user name is still there, the password is not.
xdotool windowfocus --sync "${dialog}"
xdotool key ctrl+a
type_into "${dialog}" demo-password
xdotool key Return
main="$(window_of '^OpenOPD' 30)" || fail "the main window did not open: $(tail -n 5 "${work}/app.log")"
xdotool windowsize --sync "${main}" 1200 760
xdotool windowmove --sync "${main}" 40 20
xdotool windowfocus --sync "${main}"
sleep 2 # the desk fetches its waiting list

# open_visit_for NAME COMPLAINT [SHOT]: find NAME, choose the first match, open a visit with
# COMPLAINT; SHOT: save the token dialog as SHOT.png. Keyboard only, as the desk is used.
open_visit_for() {
    local visit
    xdotool windowfocus --sync "${main}"
    xdotool key ctrl+f
    type_into "${main}" "$1"
    sleep 1.5
    xdotool key Down Return # into the results; choose the first row
    sleep 0.5
    xdotool key ctrl+o
    visit="$(window_of '^Open a visit' 20)" || fail "the open-visit dialog did not appear for $1"
    xdotool windowfocus --sync "${visit}"
    xdotool key alt+c # the complaint field
    type_into "${visit}" "$2"
    xdotool key alt+o # Open visit
    window_of '^Token ' 20 >/dev/null || fail "no token for $1"
    if [[ -n "${3:-}" ]]; then
        shot "${visit}" "$3"
    fi
    xdotool key alt+d # Done
    sleep 0.5
}

# The search as the receptionist types.
xdotool key ctrl+f
type_into "${main}" "silva"
sleep 2
shot "${main}" desk-search
# Three visits, so that the waiting list has rows; the first token is kept.
open_visit_for "silva" "Fever for three days" desk-visit-token
open_visit_for "okafor" "Follow-up: blood pressure"
open_visit_for "mensah" "Cough"
xdotool windowfocus --sync "${main}"
xdotool key ctrl+w
sleep 1
shot "${main}" desk-waiting-list
# The registration form, partly filled.
xdotool key ctrl+n
form="$(window_of '^Register a patient' 20)" || fail "the registration form did not appear"
xdotool windowfocus --sync "${form}"
type_into "${form}" "Amara"
shot "${form}" desk-register-form
xdotool key Escape

# ---------------------------------------------------------------------------------------------
# 3. A morning in progress (opd-demo-visits: visits waiting, consulted, at the pharmacy, at the
#    lab, ready for release), then each workspace as its staff sees it.
demo_visits="${build_dir}/tests/tools/opd-demo-visits"
[[ -x "${demo_visits}" ]] || fail "opd-demo-visits is not built in ${build_dir}"
"${demo_visits}" --server nats://127.0.0.1:4222 >"${work}/demo-visits.log" 2>&1 ||
    fail "opd-demo-visits failed: $(tail -n 3 "${work}/demo-visits.log")"
sleep 3 # the lists follow the events

# sign_in_as USER: File → Switch user (Ctrl+Shift+L), then USER with the demo password.
sign_in_as() {
    xdotool windowfocus --sync "${main}"
    xdotool key ctrl+shift+l
    dialog="$(window_of 'Sign in' 20)" || fail "switch user showed no sign-in dialog"
    xdotool windowfocus --sync "${dialog}"
    xdotool key alt+u ctrl+a
    type_into "${dialog}" "$1"
    xdotool key alt+p ctrl+a
    type_into "${dialog}" demo-password
    xdotool key Return
    main="$(window_of '^OpenOPD' 30)" || fail "the main window did not open for $1"
    xdotool windowsize --sync "${main}" 1200 760
    xdotool windowmove --sync "${main}" 40 20
    xdotool windowfocus --sync "${main}"
    sleep 2 # the workspaces fetch their lists
}

# The doctor: the queue, then the next patient called (header with allergies, history, form).
sign_in_as dr.silva
shot "${main}" doctor-queue
xdotool key ctrl+n
sleep 3
xdotool key ctrl+t # start the consultation
sleep 2
shot "${main}" doctor-consultation
# The doctor's discharge tab: visits ready for release.
xdotool key ctrl+2 # the second workspace
sleep 2
shot "${main}" discharge-pending
xdotool key ctrl+w Return
sleep 2
shot "${main}" discharge-release

# The pharmacist: prescriptions awaiting dispensing, then the dispense dialog of the first.
sign_in_as pharma
shot "${main}" pharmacy-pending
xdotool key ctrl+w Return
dispense="$(window_of '^Dispense' 20)" || fail "the dispense dialog did not appear"
shot "${dispense}" pharmacy-dispense
xdotool key Escape
sleep 1

# The lab technician: pending orders, one chosen.
sign_in_as lab
shot "${main}" lab-pending
xdotool key ctrl+w Return
sleep 2
shot "${main}" lab-order

log "done: sign-in.png sign-in-server-unreachable.png desk-search.png desk-visit-token.png"
log "      desk-waiting-list.png desk-register-form.png doctor-queue.png doctor-consultation.png"
log "      discharge-pending.png discharge-release.png pharmacy-pending.png pharmacy-dispense.png"
log "      lab-pending.png lab-order.png in ${out_dir}"
