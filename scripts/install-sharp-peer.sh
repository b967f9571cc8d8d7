#!/usr/bin/env bash
# The benchmark's peer, sharp on libvips in wasm (`@img/sharp-wasm32`), from npm into its own
# folder with npm's --cpu=wasm32, so the wasm binding is the one installed. The folder is outside
# the project: inside it, Node's module lookup would climb to the project's node_modules and load
# the native binding wrangler's sharp brings. Prints the folder. Best effort: without it
# `make bench` runs without the sharp-wasm columns.
set -uo pipefail
cd "$(dirname "$0")/.."
dir="${SHARP_PEER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tailor-sharp-peer}"
echo "$dir"
if [ -f "$dir/node_modules/@img/sharp-wasm32/package.json" ]; then
  exit 0
fi
mkdir -p "$dir"
cp scripts/sharp-peer/package.json "$dir/"
(cd "$dir" && npm install --cpu=wasm32 --no-audit --no-fund --loglevel=error >/dev/null) \
  || echo "bench: could not install sharp + @img/sharp-wasm32; the sharp-wasm columns will be empty" >&2
