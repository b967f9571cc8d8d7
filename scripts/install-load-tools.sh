#!/usr/bin/env bash
# The load generator for `make load`: Debian's wrk (no compile step, Lua scripting for the mix).
set -euo pipefail
if command -v wrk >/dev/null; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
