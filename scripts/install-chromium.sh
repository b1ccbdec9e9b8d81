#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (the visualizer page test drives /usr/bin/chromium with
# playwright-core). Does nothing when it is already there.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update
$SUDO apt-get install -y chromium
