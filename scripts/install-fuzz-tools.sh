#!/usr/bin/env bash
# The fuzzing tools for `make fuzz`: cargo-fuzz (libFuzzer through `cargo +nightly fuzz`) from
# crates.io, and the nightly toolchain it needs (the fuzz/ crate is built only by nightly; the
# workspace and CI stay on stable).
set -euo pipefail
export PATH="$HOME/.cargo/bin:$PATH"
if ! rustup toolchain list | grep -q '^nightly'; then
  rustup toolchain install nightly --profile minimal
fi
if ! command -v cargo-fuzz >/dev/null; then
  cargo install cargo-fuzz --locked
fi
