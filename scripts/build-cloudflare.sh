#!/usr/bin/env bash
# Builds the Cloudflare Worker (build/index.js + build/index_bg.wasm) with worker-build, using
# only tools from the registries: wasm-bindgen-cli from crates.io, esbuild from npm (wrangler's),
# no wasm-opt. WebP output is in (libwebp, linked against src/libc_shim.rs); AVIF (ravif) is a
# build option (WORKER_FEATURES=avif), left out by default for the size budget: see the README's
# feature table.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${CARGO_HOME:-$HOME/.cargo}/bin"
export WASM_BINDGEN_BIN="$bin/wasm-bindgen"
export ESBUILD_BIN="$PWD/node_modules/@esbuild/linux-x64/bin/esbuild"
# Size over speed for the Worker: the gzip budget is the binding limit on Cloudflare.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=s CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1
# No function-name section: 0.8 MB of the module, only useful to debuggers.
export CARGO_PROFILE_RELEASE_STRIP=symbols
# WORKER_FEATURES (comma-separated, e.g. `avif`) adds the Worker crate's optional features, in a
# target dir of their own so that the default build's artifacts stay as they are; WORKER_OUT
# names the bundle's folder (default build/, where wrangler.toml and the test harness look).
features="${WORKER_FEATURES:-}"
out="${WORKER_OUT:-build}"
extra=()
if [ -n "$features" ]; then
  extra=(--features "$features")
  export CARGO_TARGET_DIR="$PWD/target/worker-${features//,/-}"
fi
# worker-build builds the crate in the current directory and writes the bundle there; it is
# moved to the top level.
(cd crates/cloudflare && rm -rf bundle-out && "$bin/worker-build" --release --no-opt -d bundle-out "${extra[@]}")
rm -rf "$out"
mv crates/cloudflare/bundle-out "$out"
