#!/usr/bin/env bash
# Installs what building and testing Tailor needs, skipping whatever is already in place:
# the wasm targets, clang + wasi-libc and the SSE2-on-wasm headers (for libwebp), Viceroy and Wizer at their pinned versions
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

# libwebp's SSE2 code paths compile for wasm through Emscripten's SSE2 intrinsics headers, which
# are written in wasm SIMD (MIT/NCSA; .cargo/config.toml's CFLAGS point at them). Only those two
# headers and the licence are taken from Debian's emscripten package: it is downloaded, not
# installed (installed, it would bring a second toolchain).
SSE_HEADERS=/usr/local/include/wasm-sse2
if [ ! -f "$SSE_HEADERS/emmintrin.h" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    work=$(mktemp -d)
    (cd "$work" && { apt-get download -qq emscripten 2>/dev/null ||
      { apt-get update -qq && apt-get download -qq emscripten; }; })
    compat=./usr/share/emscripten/system/include/compat
    dpkg-deb --fsys-tarfile "$work"/emscripten_*.deb |
      tar -x -C "$work" "$compat/xmmintrin.h" "$compat/emmintrin.h" ./usr/share/doc/emscripten/copyright
    install -d "$SSE_HEADERS"
    install -m 644 "$work/$compat/xmmintrin.h" "$work/$compat/emmintrin.h" "$SSE_HEADERS/"
    install -m 644 "$work/usr/share/doc/emscripten/copyright" "$SSE_HEADERS/COPYRIGHT"
    rm -rf "$work"
  else
    echo "Put Emscripten's xmmintrin.h and emmintrin.h (Debian package emscripten," >&2
    echo "system/include/compat) in $SSE_HEADERS to build the wasm." >&2
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
