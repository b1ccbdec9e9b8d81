#!/usr/bin/env bash
# The README's main-job command: sets up the project and shows RNN Lens on the examples.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci
node bin/rnn-lens.js --help
