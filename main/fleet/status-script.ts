// The fixed script a status check runs on a host: one marker line per fact, read by status-reading.ts.
//
// It travels as one quoted argument with its values after it (`sh -c SCRIPT flakedeck STORE CURRENT BOOTED PROFILE
// PERSISTENT…`), so nothing from the flake is spliced into its text. Every probe is allowed to fail on its own: a host
// without systemd, nixos-version or /proc still reports the rest. It starts as few programs as it can (six, whatever
// the number of generations): starting a program costs more than the work each one does, and a refresh runs this on
// every host at once.

export const statusScript = `set -u
store="$1"; current="$2"; booted="$3"; profile="$4"; shift 4
mark() { printf '@flakedeck %s\\n' "$*"; }

# -P: one line per file system, whatever the lengths; sizes in KiB. First, while "$@" still holds the volumes.
disks=$(df -Pk / "$@" 2>/dev/null)
while read -r _ size used avail _ mount; do
  case "$size" in '' | *[!0-9]*) continue ;; esac
  mark df "$size" "$used" "$avail" "$mount"
done <<EOF
$disks
EOF

c=$(readlink "$current" 2>/dev/null)
b=$(readlink "$booted" 2>/dev/null)
mark current "$c"
mark booted "$b"
# A chroot store (tests only) keeps its files under its own root; "" is the machine's /nix/store.
mark store "$store"
mark profile "$profile"
# Every link the reading compares, in one program: what NixOS itself compares to tell that a reboot is needed (the
# kernel, initrd and modules of both systems), and the profile with every generation (link time, target, path).
set -- "$profile" "$profile"-*-link
for system in "$c" "$b"; do
  [ -n "$system" ] && set -- "$@" "$store$system/kernel" "$store$system/initrd" "$store$system/kernel-modules"
done
find "$@" -maxdepth 0 -printf '@flakedeck link %T@ %l\\t%p\\n' 2>/dev/null

system="$store$c"
if [ -n "$c" ] && [ -x "$system/sw/bin/nixos-version" ]; then
  mark version-json "$("$system/sw/bin/nixos-version" --json 2>/dev/null)"
fi
# The file ends without a newline, so read reports the end of it: what it read counts.
version=
if [ -n "$c" ] && [ -r "$system/nixos-version" ]; then read -r version < "$system/nixos-version"; fi
[ -n "$version" ] && mark version "$version"

if command -v systemctl >/dev/null 2>&1; then
  units=$(systemctl --failed --no-legend --plain --no-pager 2>/dev/null); rc=$?
  mark failed-status "$rc"
  while read -r unit _; do
    [ -n "$unit" ] && mark failed "$unit"
  done <<EOF
$units
EOF
else
  mark failed-status missing
fi

if [ -r /proc/uptime ]; then read -r up _ < /proc/uptime && mark uptime "$up"; fi
mark end
`;
