#!/bin/sh
# The one fixed script Flakedeck runs on a target, remote or this machine: probe, detached activation with a
# self-rollback, confirmation.
#
# It travels as one quoted argument (`sh -c 'eval "$1"' flakedeck SCRIPT ACTION ARGS…`), never with host names,
# paths or modes spliced into its text; every argument is quoted by the caller and checked again here. The
# activation runs in a worker outside the session that started it (systemd-run where the target runs systemd, else
# setsid), so a dropped connection or a closed app cannot stop it half-way. After switching, the worker waits for a
# canary file to be removed by a confirmation; without one in time, it returns the profile to the previous
# generation and switches back.
#
# Over SSH a confirmation counts only over a connection opened after the switch: the target compares the start time
# of the connection's sshd process with the switch's end. A session multiplexed into an older connection
# (ControlMaster) proves nothing about whether the new configuration still lets anyone in, so it is refused. On
# this machine the person at it answers instead ("keep" or "revert"), and the timer still runs here, so a switch that
# breaks the display or the app goes back by itself.
#
# Lines starting with "@flakedeck " are markers the app reads; everything else is the activation's own output.
set -u
# Nothing here is secret, and a confirmation without sudo must read the status.
umask 022
action="$1"
shift

# printf, not echo: echo may read backslashes in what it prints.
mark() { printf '@flakedeck %s\n' "$*"; }
die() { code="$1"; shift; printf 'flakedeck: %s\n' "$*" >&2; exit "$code"; }

check_path() {
  case "$1" in
    /*) ;;
    *) die 12 "not an absolute path: $1" ;;
  esac
  case "$1" in
    *[!A-Za-z0-9._/+=@-]*) die 12 "unexpected characters in path: $1" ;;
  esac
}
check_store_path() {
  case "$1" in
    /nix/store/*) check_path "$1" ;;
    *) die 12 "not a store path: $1" ;;
  esac
}
check_number() {
  case "$1" in
    '' | *[!0-9]*) die 12 "not a number: $1" ;;
  esac
}
check_id() {
  case "$1" in
    '' | *[!a-z0-9-]*) die 12 "bad deploy id: $1" ;;
  esac
}

# A chroot store (tests only) keeps its files under its own root; "" is the machine's /nix/store.
nixenv() { if [ -n "$store" ]; then nix-env --store "$store" "$@"; else nix-env "$@"; fi; }
nixstore() { if [ -n "$store" ]; then nix-store --store "$store" "$@"; else nix-store "$@"; fi; }
real() { printf '%s%s' "$store" "$1"; }
# The system a link (/run/current-system) points to, if it is there at all.
system_of() {
  p=$(readlink -f "$1" 2>/dev/null) && [ -e "$(real "$p")" ] && [ -L "$1" ] && echo "$p"
}

# The generation a profile points to, e.g. 41 for system -> system-41-link.
generation_of() { readlink "$1" 2>/dev/null | sed -n 's/^.*-\([0-9][0-9]*\)-link$/\1/p'; }
generation_path() { readlink "$1-$2-link"; }

# Reads /proc/PID/stat into $ppid and $started (clock ticks since boot), without a process of its own: the name in
# parentheses may hold spaces, so the fields are the words after its closing parenthesis.
read_stat() {
  read -r stat < "/proc/$1/stat" || return 1
  set -f
  # shellcheck disable=SC2086
  set -- ${stat##*) }
  set +f
  ppid=$2
  started=${20}
}
# Now, in the same unit: the start of the subshell forked for the purpose (/proc/self is the process reading it).
now_ticks() { (read_stat self && echo "$started"); }
# Start of this SSH connection: its per-connection sshd is the nearest sshd above us.
connection_ticks() {
  p=$$
  while [ "$p" -gt 1 ]; do
    read -r comm < "/proc/$p/comm" || return 1
    read_stat "$p" || return 1
    case "$comm" in
      sshd | sshd-session) echo "$started"; return 0 ;;
    esac
    p=$ppid
  done
  return 1
}

set_status() { echo "$1" > "$d/status.tmp" && mv "$d/status.tmp" "$d/status"; }
# The values an activation keeps in its folder, one file each, named as the variables they load into.
save() { printf '%s\n' "$2" > "$d/$1"; }
load() { for name in "$@"; do read -r "${name?}" < "$d/$name"; done; }

release_lock() {
  if [ "$(cat "$state/lock/id" 2>/dev/null)" = "$id" ]; then rm -rf "$state/lock"; fi
}

# Back to what ran before: the previous generation of the profile, and the previous system switched to again. What
# could not be done is kept in rollback-error, one sentence each, for the app to say why the host needs attention.
roll_back() {
  mark rollback-start
  why=''
  load prev_gen new_gen prev_system made_generation
  # shellcheck disable=SC2154 # set by load
  if [ -n "$new_gen" ]; then
    if [ -n "$prev_gen" ]; then
      nixenv -p "$profile" --switch-generation "$prev_gen" ||
        why="$why nix-env could not set $profile back to generation $prev_gen (exit $?)."
      # A generation made by this deploy is deleted, so neither the boot menu nor a later rollback offers it.
      if [ "$made_generation" = 1 ] && [ "$new_gen" != "$prev_gen" ]; then
        nixenv -p "$profile" --delete-generations "$new_gen" ||
          why="$why nix-env could not delete generation $new_gen of $profile (exit $?)."
      fi
    else
      why="$why The profile had no generation before this deploy, so there is none to go back to."
    fi
  fi
  case "$mode" in
    switch | test)
      if [ -n "$prev_system" ] && [ -x "$(real "$prev_system")/bin/switch-to-configuration" ]; then
        "$(real "$prev_system")/bin/switch-to-configuration" "$mode" ||
          why="$why switch-to-configuration $mode of the previous system $prev_system exited $?."
      else
        why="$why There was no previous system to switch back to."
      fi
      ;;
  esac
  if [ -z "$why" ]; then
    mark rollback-done "$prev_gen"
    return 0
  fi
  why=${why# }
  printf '%s\n' "$why" > "$d/rollback-error"
  printf 'flakedeck: the rollback failed: %s\n' "$why" >&2
  mark rollback-failed "$why"
  return 1
}

# How an activation that is over ended, for whoever asks after it: its status, and why a rollback failed.
tell_end() {
  mark status "$1"
  [ "$1" != rollback-failed ] || mark rollback-error "$(cat "$d/rollback-error" 2> /dev/null)"
}

case "$action" in
probe)
  # probe STORE CURRENT-LINK [PATH…]: the running system and the closures (size, path) of it and of the paths.
  store="$1"; current_link="$2"; shift 2
  [ -z "$store" ] || check_path "$store"
  check_path "$current_link"
  current=$(system_of "$current_link")
  mark current "$current"
  if [ -d /run/systemd/system ]; then mark systemd 1; else mark systemd 0; fi
  for root in "$current" "$@"; do
    [ -n "$root" ] || continue
    check_store_path "$root"
    tmp=$(mktemp -d) || exit 1
    if nixstore -q --requisites "$root" > "$tmp/paths"; then
      # Store paths hold no spaces: one argument each.
      # shellcheck disable=SC2046 # one word per path, on purpose
      nixstore -q --size $(cat "$tmp/paths") > "$tmp/sizes"
      mark closure "$root"
      paste -d' ' "$tmp/sizes" "$tmp/paths" | sed 's/^/@flakedeck path /'
    else
      mark missing "$root"
    fi
    rm -rf "$tmp"
  done
  ;;

start)
  # start STATE ID STORE PROFILE CURRENT-LINK SYSTEM MODE TIMEOUT [GENERATION]
  state="$1"; id="$2"; store="$3"; profile="$4"; current_link="$5"; system="$6"; mode="$7"; timeout="$8"
  generation="$9"
  check_path "$state"; check_id "$id"; check_path "$profile"; check_path "$current_link"
  [ -z "$store" ] || check_path "$store"
  check_store_path "$system"; check_number "$timeout"
  [ -z "$generation" ] || check_number "$generation"
  case "$mode" in switch | boot | test | dry-activate) ;; *) die 12 "unknown mode: $mode" ;; esac
  [ -x "$(real "$system")/bin/switch-to-configuration" ] ||
    die 12 "$system is not on this machine or has no bin/switch-to-configuration"

  # A dropped connection must not stop this half-way (profile set, worker not started): hang-ups are ignored, and
  # output to a closed connection is lost, nothing else.
  trap '' HUP PIPE
  mkdir -p "$state" || exit 1
  if ! mkdir "$state/lock" 2>/dev/null; then
    other=$(cat "$state/lock/pid" 2>/dev/null)
    other_id=$(cat "$state/lock/id" 2>/dev/null)
    # A confirmed activation's worker only has to notice it before it lets go: that one is over.
    if [ -n "$other" ] && kill -0 "$other" 2>/dev/null && ! [ -e "$state/$other_id/confirm/canary.confirmed" ]; then
      mark busy "$other_id"
      die 11 "another activation is running on this machine"
    fi
    rm -rf "$state/lock"
    mkdir "$state/lock" || die 11 "cannot take the activation lock"
  fi
  echo "$id" > "$state/lock/id"
  echo $$ > "$state/lock/pid"
  # Old runs' folders go after a week (a tmpfs /run empties at boot anyway).
  find "$state" -mindepth 1 -maxdepth 1 -type d ! -name lock -mtime +7 -exec rm -rf {} + 2>/dev/null
  d="$state/$id"
  mkdir "$d" "$d/confirm" || { release_lock; die 1 "cannot create $d"; }
  # Through sudo or pkexec, the confirmation comes back as the user without either (a new tty would ask for the
  # password again): the canary's folder is theirs.
  [ -z "${SUDO_USER:-}" ] || chown "$SUDO_USER" "$d/confirm"
  [ -z "${PKEXEC_UID:-}" ] || chown "$PKEXEC_UID" "$d/confirm"
  save mode "$mode"; save store "$store"; save profile "$profile"; save system "$system"
  save timeout "$timeout"; save state "$state"; save id "$id"
  prev_system=$(system_of "$current_link")
  prev_gen=$(generation_of "$profile")
  save prev_system "$prev_system"
  save prev_gen "$prev_gen"
  save made_generation 0
  save new_gen ""
  mark previous "$prev_gen" "$prev_system"

  case "$mode" in
    switch | boot)
      mark profile-start
      if [ -n "$generation" ]; then
        [ "$(generation_path "$profile" "$generation")" = "$system" ] ||
          { release_lock; die 13 "generation $generation of $profile is not $system"; }
        nixenv -p "$profile" --switch-generation "$generation" || { release_lock; die 13 "setting the profile failed"; }
      else
        nixenv -p "$profile" --set "$system" || { release_lock; die 13 "setting the profile failed"; }
        save made_generation 1
      fi
      new_gen=$(generation_of "$profile")
      save new_gen "$new_gen"
      mark profile-done "$new_gen"
      ;;
    *) mark profile-skipped ;;
  esac

  printf '%s\n' "$SCRIPT" > "$d/activate.sh"
  set_status switching
  : > "$d/log"
  if [ -d /run/systemd/system ] && command -v systemd-run > /dev/null; then
    mark detached systemd-run
    systemd-run --unit="flakedeck-activate-$id" --description="Flakedeck activation $id" --collect --quiet \
      --service-type=exec --setenv=PATH /bin/sh "$d/activate.sh" worker "$d" ||
      { set_status failed; release_lock; die 1 "systemd-run failed"; }
  else
    mark detached setsid
    setsid /bin/sh "$d/activate.sh" worker "$d" < /dev/null >> "$d/log" 2>&1 &
  fi

  # Relay the worker's log until the switch is over; if this connection drops, the worker goes on regardless.
  # The status is looked at often at first (a switch may take a moment), then at ease (or it may take minutes);
  # the log is relayed every few looks and at the end.
  shown=0
  polls=0
  while :; do
    read -r st < "$d/status"
    case "$st" in switching | rolling-back) over=0 ;; *) over=1 ;; esac
    if [ "$over" = 1 ] || [ $((polls % 5)) = 4 ]; then
      size=$(wc -c < "$d/log")
      if [ "$size" -gt "$shown" ]; then
        tail -c +"$((shown + 1))" "$d/log" | head -c "$((size - shown))"
        shown=$size
      fi
    fi
    [ "$over" = 0 ] || break
    if [ "$polls" -lt 25 ]; then sleep 0.02; else sleep 0.2; fi
    polls=$((polls + 1))
  done
  mark status "$st"
  case "$st" in
    switched | done) exit 0 ;;
    failed-rolled-back) exit 10 ;;
    rollback-failed) exit 14 ;;
    *) exit 15 ;;
  esac
  ;;

worker)
  d="$1"
  exec < /dev/null >> "$d/log" 2>&1
  trap '' HUP PIPE
  load state id store profile system mode timeout
  echo $$ > "$state/lock/pid"
  mark switch-start "$mode"
  "$(real "$system")/bin/switch-to-configuration" "$mode"
  rc=$?
  mark switch-done "$rc"
  now_ticks > "$d/switched-at"
  if [ "$rc" -ne 0 ]; then
    case "$mode" in
      dry-activate) set_status failed ;;
      *) set_status rolling-back
        if roll_back; then set_status failed-rolled-back; else set_status rollback-failed; fi ;;
    esac
    release_lock
    exit 0
  fi
  case "$mode" in boot | dry-activate) set_status 'done'; release_lock; exit 0 ;; esac

  : > "$d/confirm/canary"
  set_status switched
  mark awaiting-confirmation "$timeout"
  deadline=$(($(date +%s) + timeout))
  save deadline "$deadline"
  while [ -e "$d/confirm/canary" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
  # Whoever renames the canary first wins: the confirmation, a revert asked for, or this timeout.
  if mv "$d/confirm/canary" "$d/confirm/canary.expired" 2> /dev/null; then
    mark confirm-timeout
    set_status rolling-back
    if roll_back; then set_status rolled-back; else set_status rollback-failed; fi
  elif [ -e "$d/confirm/canary.reverted" ]; then
    mark reverted
    set_status rolling-back
    if roll_back; then set_status reverted; else set_status rollback-failed; fi
  else
    mark confirmed
    set_status confirmed
  fi
  release_lock
  ;;

confirm)
  # confirm STATE ID: removes the canary, if this connection was opened after the switch.
  state="$1"; id="$2"
  check_path "$state"; check_id "$id"
  d="$state/$id"
  [ -d "$d" ] || { mark confirm unknown; exit 7; }
  st=$(cat "$d/status")
  case "$st" in
    switching | rolling-back) mark confirm "$st"; exit 6 ;;
    switched) ;;
    confirmed | done) mark confirm "$st"; exit 0 ;;
    *) mark confirm "$st"; tell_end "$st"; exit 5 ;;
  esac
  # The target's window is counted from the end of its switch: how much of it is left, on the target's own clock.
  mark window-left $(($(cat "$d/deadline") - $(date +%s)))
  opened=$(connection_ticks) || { mark confirm no-connection; exit 3; }
  if [ "$opened" -le "$(cat "$d/switched-at")" ]; then
    mark confirm stale-connection
    exit 3
  fi
  if mv "$d/confirm/canary" "$d/confirm/canary.confirmed" 2> /dev/null; then mark confirm confirmed; exit 0; fi
  st=$(cat "$d/status")
  mark confirm "$st"
  tell_end "$st"
  exit 5
  ;;

keep | revert)
  # keep STATE ID | revert STATE ID: the answer of the person at this machine, who needs no new connection.
  state="$1"; id="$2"
  check_path "$state"; check_id "$id"
  d="$state/$id"
  [ -d "$d" ] || { mark answer unknown; exit 7; }
  if [ "$action" = keep ]; then to=canary.confirmed; else to=canary.reverted; fi
  if mv "$d/confirm/canary" "$d/confirm/$to" 2> /dev/null; then mark answer "$action"; exit 0; fi
  mark answer "$(cat "$d/status")"
  exit 5
  ;;

wait)
  # wait STATE ID: waits until the activation has ended (confirmed, reverted, rolled back, failed) and says how.
  state="$1"; id="$2"
  check_path "$state"; check_id "$id"
  d="$state/$id"
  [ -d "$d" ] || { mark status unknown; exit 7; }
  while :; do
    read -r st < "$d/status"
    case "$st" in switching | switched | rolling-back) sleep 0.2 ;; *) break ;; esac
  done
  tell_end "$st"
  ;;

status)
  # status STATE ID: where the activation is, and what it went back to or would (for a record made after the app
  # that started it stopped).
  state="$1"; id="$2"
  check_path "$state"; check_id "$id"
  d="$state/$id"
  [ -d "$d" ] || { mark status unknown; exit 0; }
  mark previous "$(cat "$d/prev_gen")" "$(cat "$d/prev_system")"
  mark window "$(cat "$d/timeout")"
  tell_end "$(cat "$d/status")"
  ;;

generations)
  # generations PROFILE: number, date, time, path and "(current)" of every generation.
  # Read from the profile's links as nix-env does, not with nix-env --list-generations: that takes the profile's
  # lock, which a user without sudo may not open, and its failure would read as "no generations".
  profile="$1"
  check_path "$profile"
  [ -e "$profile" ] || exit 0
  current=$(generation_of "$profile")
  for link in "$profile"-*-link; do
    n=${link#"$profile"-}
    n=${n%-link}
    case "$n" in '' | *[!0-9]*) continue ;; esac
    # A generation's date is its link's (nix-env shows the same, in local time).
    at=$(date -d "@$(stat -c %Y "$link")" '+%Y-%m-%d %H:%M:%S') || exit 1
    mark generation "$n" "$at" "$(readlink "$link")" "$([ "$n" = "$current" ] && echo '(current)')"
  done
  ;;

*) die 12 "unknown action: $action" ;;
esac
