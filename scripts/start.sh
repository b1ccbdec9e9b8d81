#!/usr/bin/env bash
# The README's main-job command: installs the project (npm ci), builds and packages the extension (rnn-lens.vsix),
# installs it into an isolated code-server (a real VS Code in the browser, installed into .cache/code-server), starts
# that on 127.0.0.1 with examples/ open, and prints the URL. Ctrl+C stops it (and everything it started).
# Options (environment): RNN_LENS_PORT (default 8765, or a free port when that is taken), RNN_LENS_NO_INSTALL=1 to
# skip npm ci when node_modules is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

if [ "${RNN_LENS_NO_INSTALL:-}" != 1 ] || [ ! -d node_modules ]; then npm ci; fi
bash scripts/e2e/install-code-server.sh
npm run package

STATE="$ROOT/.cache/start"
mkdir -p "$STATE"
export XDG_CONFIG_HOME="$STATE/config" XDG_DATA_HOME="$STATE/data" XDG_CACHE_HOME="$STATE/cache" TMPDIR="$STATE/tmp"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$TMPDIR" "$STATE/user/User"
[ -f "$STATE/user/User/settings.json" ] || cat > "$STATE/user/User/settings.json" <<'JSON'
{
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "update.mode": "none"
}
JSON
CODE_SERVER="$ROOT/.cache/code-server/node_modules/.bin/code-server"
"$CODE_SERVER" --extensions-dir "$STATE/extensions" --user-data-dir "$STATE/user" \
  --install-extension "$ROOT/rnn-lens.vsix" --force >/dev/null

PORT="${RNN_LENS_PORT:-8765}"
if ! node -e "const s=require('net').createServer();s.once('error',()=>process.exit(1));s.listen($PORT,'127.0.0.1',()=>s.close())"; then
  PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
fi

"$CODE_SERVER" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --user-data-dir "$STATE/user" --extensions-dir "$STATE/extensions" \
  "$ROOT/examples" > "$STATE/code-server.log" 2>&1 &
SERVER_PID=$!
stop() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
trap stop EXIT INT TERM

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "code-server exited; see $STATE/code-server.log" >&2; exit 1; fi
  sleep 0.5
done
URL="http://127.0.0.1:$PORT/?folder=$ROOT/examples"
echo
echo "RNN Lens is running in VS Code (code-server $("$CODE_SERVER" --version | head -1 | cut -d' ' -f1)) with examples/ open:"
echo
echo "    $URL"
echo
echo "Open it in a browser on this machine (Ctrl+C here stops it). Log: $STATE/code-server.log"
wait "$SERVER_PID"
