#!/usr/bin/env bash
# Builds the Cloudflare Worker (build/index.js + build/index_bg.wasm) with worker-build, using
# only tools from the registries: wasm-bindgen-cli from crates.io, esbuild from npm (wrangler's),
# no wasm-opt. WebP output is in (libwebp, linked against src/libc_shim.rs); AVIF (ravif, ~3 MB of
# wasm) is left out for the size budget: see the README's feature table.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${CARGO_HOME:-$HOME/.cargo}/bin"
export WASM_BINDGEN_BIN="$bin/wasm-bindgen"
export ESBUILD_BIN="$PWD/node_modules/@esbuild/linux-x64/bin/esbuild"
# Size over speed for the Worker: the gzip budget is the binding limit on Cloudflare.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=s CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1
# No function-name section: 0.8 MB of the module, only useful to debuggers.
export CARGO_PROFILE_RELEASE_STRIP=symbols
# worker-build builds the crate in the current directory and writes build/ there; the
# bundle is moved to the top level, where wrangler.toml (and the workerd test harness) expect it.
(cd crates/cloudflare && "$bin/worker-build" --release --no-opt)
rm -rf build
mv crates/cloudflare/build build
