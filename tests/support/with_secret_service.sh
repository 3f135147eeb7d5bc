#!/bin/sh
# Runs a test inside a D-Bus session of its own with gnome-keyring's Secret Service, whose login
# keyring is created and unlocked non-interactively (its password on stdin), under a private HOME.
# Fails, never skips, when a part is missing. Usage: with_secret_service.sh PROGRAM [ARGS...]
set -eu
for tool in dbus-run-session gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null; then
        echo "with_secret_service: $tool not found: install the Debian packages dbus and gnome-keyring (see ./boutique)" >&2
        exit 1
    fi
done
home=$(mktemp -d "${TMPDIR:-/tmp}/bc-keyring.XXXXXX")
trap 'rm -rf "$home"' EXIT
mkdir -m 700 "$home/run"
export HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" XDG_RUNTIME_DIR="$home/run"
export BC_KEYRING_DIR="$home/data/keyrings"
dbus-run-session -- sh -c '
    printf %s "keyring-pw" | gnome-keyring-daemon --unlock --components=secrets >/dev/null || {
        echo "with_secret_service: gnome-keyring-daemon did not start" >&2; exit 1; }
    BC_SECRET_SERVICE=gnome-keyring exec "$@"' sh "$@"
