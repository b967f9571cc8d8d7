#!/usr/bin/env bash
# Reference tools for `make bench` (vipsthumbnail, GNU time, cwebp), from Debian's packages.
# Best effort: without them the benchmark still runs, minus the reference columns.
set -uo pipefail
if command -v vipsthumbnail >/dev/null && [ -x /usr/bin/time ] && command -v cwebp >/dev/null; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && apt-get install -y -qq libvips-tools time webp >/dev/null \
    || echo "bench: could not install libvips-tools/time/webp; reference columns will be empty"
else
  echo "bench: install libvips-tools, time and webp for the reference columns"
fi
