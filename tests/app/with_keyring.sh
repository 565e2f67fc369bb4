#!/bin/sh
# Runs a test inside the current (private) D-Bus session with gnome-keyring's Secret Service
# and an unlocked login keyring, as CI has no desktop session (root, no display).
# Usage: dbus-run-session -- sh with_keyring.sh <test executable> [arguments]
# The keyring lives in a throw-away $HOME. Its password is not empty: gnome-keyring does not
# create the login keyring for an empty one (and would then try to prompt, with no display).
set -eu
HOME="$(mktemp -d "${TMPDIR:-/tmp}/openopd-keyring.XXXXXX")"
export HOME
trap 'rm -rf "$HOME"' EXIT
export XDG_DATA_HOME="$HOME/.local/share" XDG_RUNTIME_DIR="$HOME/run"
mkdir -p "$XDG_DATA_HOME" && mkdir -m 700 "$XDG_RUNTIME_DIR"
eval "$(printf '%s' 'openopd-test-keyring' | gnome-keyring-daemon --unlock --components=secrets)"
gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1
"$@"
