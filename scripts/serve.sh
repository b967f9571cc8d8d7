#!/usr/bin/env bash
# Serves the demo: the static demo origin on 127.0.0.1:7677 (the `origin` backend in
# fastly.toml) and Viceroy with the Fastly build on 127.0.0.1:7676. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM="${WASM:-target/wasm32-wasip1/release/tailor-fastly-init.wasm}"
ORIGIN="target/release/examples/demo_origin"
VICEROY="$(command -v viceroy || echo "${CARGO_HOME:-$HOME/.cargo}/bin/viceroy")"

"$ORIGIN" 127.0.0.1:7677 demo/origin &
origin_pid=$!
trap 'kill $origin_pid 2>/dev/null || true' EXIT INT TERM

echo "Tailor demo: http://127.0.0.1:7676/"
"$VICEROY" serve "$WASM" -C fastly.toml --addr 127.0.0.1:7676
