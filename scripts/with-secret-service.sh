#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a throwaway, unlocked gnome-keyring (the Secret Service keytar uses).
set -euo pipefail
if [ -z "${__SS_INNER:-}" ]; then
  __SS_DIR="$(mktemp -d)"; export __SS_DIR; rc=0
  __SS_INNER=1 dbus-run-session -- "$0" "$@" 2> >(grep -v 'Failed to set fd limit' >&2) || rc=$?
  rm -rf "$__SS_DIR" 2>/dev/null || true; exit "$rc"
fi
mkdir -p -m 700 "$__SS_DIR/run"
# A keyring left in the real XDG_DATA_HOME with another password would stay locked: use a fresh folder.
printf '%s' "${SECRET_SERVICE_PASSWORD:-flakedeck-tests}" |
  XDG_DATA_HOME="$__SS_DIR/data" XDG_RUNTIME_DIR="$__SS_DIR/run" \
  gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
kr_pid=$!
for _ in $(seq 1 500); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true' && break
  kill -0 "$kr_pid" 2>/dev/null || { echo "gnome-keyring-daemon died" >&2; exit 1; }
  sleep 0.01
done
rc=0; "$@" || rc=$?
kill "$kr_pid" 2>/dev/null || true; wait "$kr_pid" 2>/dev/null || true
exit "$rc"
