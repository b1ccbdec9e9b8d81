#!/usr/bin/env bash
# Renders media/icon.svg to the 128x128 media/icon.png the marketplace manifest points at (headless Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
{ echo '<!doctype html><html><head><style>html,body{margin:0;padding:0;background:transparent}</style></head><body>'
  cat media/icon.svg; echo '</body></html>'; } > "$tmp/icon.html"
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --hide-scrollbars \
  --user-data-dir="$tmp/profile" --default-background-color=00000000 --window-size=128,128 \
  --screenshot="$PWD/media/icon.png" "file://$tmp/icon.html" 2>/dev/null
