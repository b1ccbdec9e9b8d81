#!/usr/bin/env bash
# The README's test command: installs everything the project needs (npm ci, then the system packages the
# browser/VS Code tests use) and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci
bash scripts/install-chromium.sh
npm test
