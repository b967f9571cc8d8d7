#!/usr/bin/env bash
# Installs what building and serving the Cloudflare Worker needs, skipping whatever is in place,
# from the registries only: wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock
# (worker-build refuses any other), worker-build, and wrangler (with workerd and esbuild as npm
# binary packages) from package.json.
set -euo pipefail
cd "$(dirname "$0")/.."

WORKER_BUILD_VERSION="${WORKER_BUILD_VERSION:-0.8.7}"
bin="${CARGO_HOME:-$HOME/.cargo}/bin"

bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
have=$("$bin/wasm-bindgen" --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$bindgen_version" ]; then
  echo "Installing wasm-bindgen-cli $bindgen_version (found: ${have:-none}); a few minutes."
  # Not --locked: its lock file names a dependency version the crates.io index no longer has.
  cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

have=$("$bin/worker-build" --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$WORKER_BUILD_VERSION" ]; then
  echo "Installing worker-build $WORKER_BUILD_VERSION (found: ${have:-none}); a few minutes."
  cargo install worker-build --version "$WORKER_BUILD_VERSION" --locked
fi

if [ ! -x node_modules/.bin/wrangler ] || ! grep -q '"version": "4.86.0"' node_modules/wrangler/package.json; then
  npm ci --no-audit --no-fund --loglevel=error
fi
