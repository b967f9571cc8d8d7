#!/usr/bin/env bash
# Debian's Chromium for the browser test (`make browser`) and playwright-core (package.json) to
# drive it. Playwright's own browser downloads are never used: the test points playwright-core
# at /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

# The pinned playwright-core (package.json), or npm ci puts it (and the rest of the lock) in place.
pinned=$(node -p 'require("./package.json").devDependencies["playwright-core"]')
installed=$(node -p 'try { require("./node_modules/playwright-core/package.json").version } catch { "" }')
if [ "$pinned" != "$installed" ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi
