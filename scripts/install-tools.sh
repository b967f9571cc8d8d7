#!/usr/bin/env bash
# Installs what building and testing Tailor needs, skipping whatever is already in place:
# the wasm targets, clang + wasi-libc (for libwebp), Viceroy and Wizer at their pinned versions
# (about 10 minutes each to build on 2 cores).
set -euo pipefail

VICEROY_VERSION="${VICEROY_VERSION:-0.22.0}"

installed_targets=$(rustup target list --installed)
for target in wasm32-wasip1 wasm32-unknown-unknown; do
  if ! grep -qx "$target" <<<"$installed_targets"; then
    rustup target add "$target"
  fi
done

# libwebp is C: the wasm build compiles it with clang against wasi-libc (Debian packages).
if ! command -v clang >/dev/null || [ ! -d /usr/include/wasm32-wasi ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq clang wasi-libc >/dev/null
  else
    echo "Install clang and wasi-libc (Debian: apt-get install clang wasi-libc) to build the wasm." >&2
    exit 1
  fi
fi

viceroy_bin="$(command -v viceroy || echo "${CARGO_HOME:-$HOME/.cargo}/bin/viceroy")"
have=""
if [ -x "$viceroy_bin" ]; then
  have=$("$viceroy_bin" --version 2>/dev/null | awk '{print $2}')
fi
if [ "$have" != "$VICEROY_VERSION" ]; then
  echo "Installing Viceroy $VICEROY_VERSION (found: ${have:-none}); this takes about 10 minutes."
  cargo install --locked viceroy --version "$VICEROY_VERSION"
fi

# Wizer pre-initializes the Fastly wasm at build time (see the Makefile's WASM).
WIZER_VERSION="${WIZER_VERSION:-10.0.0}"
wizer_bin="$(command -v wizer || echo "${CARGO_HOME:-$HOME/.cargo}/bin/wizer")"
have=""
if [ -x "$wizer_bin" ]; then
  have=$("$wizer_bin" --version 2>/dev/null | awk '{print $2}')
fi
if [ "$have" != "$WIZER_VERSION" ]; then
  echo "Installing Wizer $WIZER_VERSION (found: ${have:-none}); this takes about 10 minutes."
  cargo install --locked wizer --version "$WIZER_VERSION" --all-features
fi

# Every crate of every target up front, with retries: a registry hiccup late in `make test`
# (the Worker's wasm-only crates are first needed by its build) should fail here, fast.
CARGO_NET_RETRY="${CARGO_NET_RETRY:-10}" cargo fetch --locked
