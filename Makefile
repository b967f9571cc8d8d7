# Tailor: `make serve` runs the demo on http://127.0.0.1:7676, `make test` runs everything.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

WASM := target/wasm32-wasip1/release/tailor-fastly.wasm
FASTLY_BUILD := cargo build --release --target wasm32-wasip1 --features fastly --bin tailor-fastly

.PHONY: serve test build tools lint unit check-config e2e bench clean demo-images

## Install toolchain pieces (wasm targets, Viceroy) when missing or of another version.
tools:
	@scripts/install-tools.sh

## Build the Fastly wasm and the demo origin.
build: tools
	$(FASTLY_BUILD)
	cargo build --release --example demo_origin

## Serve the demo: origin on :7677, Viceroy on :7676.
serve: build
	scripts/serve.sh

## Everything: formatting, lints (native and wasm), unit + native tests, Viceroy end to end.
test: build lint unit check-config e2e

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-wasip1 --features fastly --bins -- -D warnings

unit:
	cargo test --lib --test native_app --test native_recs --test banner_golden --test recs_properties --test image_inputs --test image_transform --test segmentation_properties --test cache_key_properties

## Validate the demo config and its cache-key budgets (`tailor check`).
check-config:
	cargo run --quiet --bin tailor -- check demo/config.json

e2e: build
	TAILOR_WASM=$(abspath $(WASM)) cargo test --test e2e_viceroy

## Benchmarks over ../shared/corpus (or the demo photos): Viceroy, native, vipsthumbnail.
bench: build
	@scripts/install-bench-tools.sh
	TAILOR_WASM=$(abspath $(WASM)) cargo run --release --example bench
	TAILOR_WASM=$(abspath $(WASM)) cargo run --release --example bench_segmentation
	TAILOR_WASM=$(abspath $(WASM)) cargo run --release --example bench_recs
	cargo run --release --example replay

## Regenerate the demo origin's synthetic photos.
demo-images:
	cargo run --release --example make_demo_images

clean:
	cargo clean
