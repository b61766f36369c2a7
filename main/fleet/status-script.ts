// The fixed script a status check runs on a host: one marker line per fact, read by status-reading.ts.
//
// It travels as one quoted argument with its values after it (`sh -c SCRIPT flakedeck STORE CURRENT BOOTED PROFILE
// PERSISTENT…`), so nothing from the flake is spliced into its text. Every probe is allowed to fail on its own: a host
// without systemd, nixos-version or /proc still reports the rest.

export const statusScript = `set -u
store="$1"; current="$2"; booted="$3"; profile="$4"; shift 4
mark() { printf '@flakedeck %s\\n' "$*"; }
# A chroot store (tests only) keeps its files under its own root; "" is the machine's /nix/store.
real() { printf '%s%s' "$store" "$1"; }

mark current "$(readlink "$current" 2>/dev/null)"
mark booted "$(readlink "$booted" 2>/dev/null)"
# What NixOS itself compares to tell that a reboot is needed.
for part in kernel initrd kernel-modules; do
  c=$(readlink "$(real "$(readlink "$current" 2>/dev/null)")/$part" 2>/dev/null)
  b=$(readlink "$(real "$(readlink "$booted" 2>/dev/null)")/$part" 2>/dev/null)
  mark boot-part "$part" "\${c:--}" "\${b:--}"
done

gen=$(readlink "$profile" 2>/dev/null | sed -n 's/^.*-\\([0-9][0-9]*\\)-link$/\\1/p')
if [ -n "$gen" ]; then mark generation "$gen" "$(stat -c %Y "$profile-$gen-link" 2>/dev/null)"; fi
# Every generation of the profile, read from its links as nix-env does: number, time, system.
for link in "$profile"-*-link; do
  n=\${link#"$profile"-}; n=\${n%-link}
  case "$n" in '' | *[!0-9]*) continue ;; esac
  mark profile-generation "$n" "$(stat -c %Y "$link" 2>/dev/null)" "$(readlink "$link")"
done

system=$(real "$(readlink "$current" 2>/dev/null)")
if [ -x "$system/sw/bin/nixos-version" ]; then
  mark version-json "$("$system/sw/bin/nixos-version" --json 2>/dev/null | tr -d '\\n')"
fi
if [ -r "$system/nixos-version" ]; then mark version "$(head -n 1 "$system/nixos-version")"; fi

if command -v systemctl >/dev/null 2>&1; then
  units=$(systemctl --failed --no-legend --plain --no-pager 2>/dev/null); rc=$?
  mark failed-status "$rc"
  printf '%s\\n' "$units" | while read -r unit _; do
    [ -n "$unit" ] && mark failed "$unit"
  done
else
  mark failed-status missing
fi

if [ -r /proc/uptime ]; then read -r up _ < /proc/uptime && mark uptime "$up"; fi

# -P: one line per file system, whatever the lengths; sizes in KiB.
df -Pk / "$@" 2>/dev/null | tail -n +2 | while read -r _ size used avail _ mount; do
  mark df "$size" "$used" "$avail" "$mount"
done
mark end
`;
