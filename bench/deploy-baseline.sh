#!/usr/bin/env bash
# The steps of a deploy as a plain shell script, the baseline of bench/deploy.bench.ts: build, read the running
# system's closure and the new one's, copy, set the profile and switch, confirm over a new connection.
#   deploy-baseline.sh FLAKE HOST GCROOT STORE PROFILE CURRENT PORT SSH-OPTION...
set -euo pipefail
flake=$1 host=$2 gcroot=$3 store=$4 profile=$5 current=$6 port=$7
shift 7
ssh_opts=(-p "$port" "$@")
export NIX_SSHOPTS="${ssh_opts[*]}"

out=$(nix build "$flake#nixosConfigurations.$host.config.system.build.toplevel" --json --no-write-lock-file \
  --out-link "$gcroot" | sed 's/.*"out":"\([^"]*\)".*/\1/')
# diff: the running system's closure with sizes, and the new one's
ssh "${ssh_opts[@]}" root@127.0.0.1 "cur=\$(readlink -f $current 2>/dev/null) && [ -e $store\$cur ] &&
  nix-store --store $store -q --requisites \$cur | xargs nix-store --store $store -q --size || true" > /dev/null
nix path-info --recursive --json "$out" > /dev/null
nix copy --to "ssh://root@127.0.0.1?remote-store=$store" "$out"
ssh "${ssh_opts[@]}" root@127.0.0.1 "nix-env --store $store -p $profile --set $out && $store$out/bin/switch-to-configuration switch"
ssh -o ControlMaster=no -o ControlPath=none "${ssh_opts[@]}" root@127.0.0.1 true
