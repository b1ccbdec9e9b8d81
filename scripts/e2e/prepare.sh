#!/usr/bin/env bash
# Everything the e2e tests need before they start: code-server installed (offline-friendly), the .vsix packaged
# (the one the tests install), the extension-host tests bundled, and the .vsix unpacked for the extension-host run.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/e2e/install-code-server.sh
npm run package
node scripts/e2e/build-host-tests.mjs
rm -rf .cache/e2e/vsix
mkdir -p .cache/e2e/vsix
unzip -q rnn-lens.vsix -d .cache/e2e/vsix
echo "vsix: $(du -k rnn-lens.vsix | cut -f1) KB, unpacked into .cache/e2e/vsix/extension"
