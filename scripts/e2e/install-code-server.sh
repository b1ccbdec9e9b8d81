#!/usr/bin/env bash
# Installs code-server (a real VS Code served to a browser, Node extension host) into .cache/code-server for the
# extension's end-to-end tests and for scripts/start.sh. Works offline apart from the npm registry and Debian apt:
# the system packages it needs come from apt (installed when missing and we are root), and vscode-ripgrep's binary
# download is replaced by Debian's ripgrep. Idempotent: does nothing when the right version is already there.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
VERSION="${CODE_SERVER_VERSION:-4.100.3}"
PREFIX="$ROOT/.cache/code-server"
BIN="$PREFIX/node_modules/.bin/code-server"
STAMP="$PREFIX/.installed-$VERSION"

if [ -x "$BIN" ] && [ -f "$STAMP" ]; then
  echo "code-server $VERSION already installed in $PREFIX"
  exit 0
fi

# System packages: chromium (UI tests), ripgrep (code-server's search), libkrb5-dev + pkg-config (its kerberos module
# builds from source), build tools for the other native modules.
missing=()
for pkg in chromium ripgrep libkrb5-dev pkg-config g++ make python3 unzip curl; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing system packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "error: missing system packages: ${missing[*]} (install them with apt-get as root)" >&2
    exit 1
  fi
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export TMPDIR="$WORK/tmp" XDG_CONFIG_HOME="$WORK/config" XDG_DATA_HOME="$WORK/data" XDG_CACHE_HOME="$WORK/cache"
mkdir -p "$TMPDIR"

# @vscode/ripgrep downloads rg from GitHub; give it Debian's rg in the cache file name it looks for.
RG_CACHE="$TMPDIR/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RG_CACHE" "$WORK/rg"
cp "$(command -v rg)" "$WORK/rg/rg"
tar -czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$WORK/rg" rg

rm -rf "$PREFIX"
mkdir -p "$PREFIX"
echo '{ "name": "rnn-lens-code-server", "private": true }' > "$PREFIX/package.json"
echo "installing code-server $VERSION into $PREFIX (about a minute)"
start=$(date +%s)
# code-server's postinstall runs nested npm installs that build native modules: they need install scripts enabled.
npm_config_unsafe_perm=true npm_config_yes=true npm_config_dangerously_allow_all_scripts=true \
  npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false \
  npm install --prefix "$PREFIX" --no-package-lock "code-server@$VERSION"
"$BIN" --version >/dev/null
touch "$STAMP"
echo "code-server $VERSION installed in $(( $(date +%s) - start )) s: $BIN"
