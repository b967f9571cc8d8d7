# Tailor: `make serve` runs the demo on http://127.0.0.1:7676, `make test` runs everything.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

RAW_WASM := target/wasm32-wasip1/release/tailor-fastly.wasm
# What Viceroy (and a Fastly deploy) runs: RAW_WASM pre-initialized by Wizer, which calls its
# `wizer.initialize` export (the bundled config parsed, its templates compiled) and snapshots
# the memory, so no request pays for them. WASI is allowed during it for std's hash seeds only.
# Its `_start` becomes the `wizer.resume` export: the request without the C library's start-up,
# which the snapshot holds done.
WASM := target/wasm32-wasip1/release/tailor-fastly-init.wasm

# The Worker's optional features (`avif`) and the bundle's folder: `make build-cloudflare
# WORKER_FEATURES=avif` builds the AVIF Worker into build/.
WORKER_FEATURES ?=
WORKER_OUT ?= build
# The Worker bundle's gzip budget in bytes (wasm + JS): 1.5 MB for the default build, the free
# plan's limit of 3 MB for a build with optional features.
WORKER_BUNDLE_BUDGET ?= $(if $(WORKER_FEATURES),3000000,1500000)

DEMO_LEARN := target/demo-learn
DEMO_LISTS := $(wildcard demo/kv/recs/v3/*.json)

.PHONY: demo-model serve test build fastly-wasm tools lint unit check-config e2e e2e-worker-avif browser load bench clean demo-images tools-cloudflare build-cloudflare serve-cloudflare fuzz tools-fuzz

## Install toolchain pieces (wasm targets, Viceroy) when missing or of another version.
tools:
	@scripts/install-tools.sh

## Build the Fastly wasm and the demo origin.
build: tools
	@$(MAKE) --no-print-directory fastly-wasm
	cargo build --release --example demo_origin

## The deployable Fastly wasm alone ($(WASM)); fastly.toml's build runs it. Needs `make tools` once.
fastly-wasm:
	cargo build --release --target wasm32-wasip1 -p tailor-fastly
	wizer --allow-wasi --wasm-bulk-memory true --rename-func _start=wizer.resume -o $(WASM) $(RAW_WASM)

## The demo learns: a synthetic shop log over the demo catalogue (every item of its lists),
## trained into demo/kv/recs/v3/model.tlrm, which fastly.toml (and so workerd's seed) puts in KV.
demo-model:
	cargo run --release -p tailor-learn --example synth -- shop $(DEMO_LEARN) 3000 --catalogue $(DEMO_LISTS)
	cargo run --release -p tailor-cli -- train --log $(DEMO_LEARN)/events.log \
	    --catalogue $(DEMO_LISTS) --out $(DEMO_LEARN)/out --version v3
	cp $(DEMO_LEARN)/out/recs/v3/model.tlrm demo/kv/recs/v3/model.tlrm

## Serve the demo: origin on :7677, Viceroy on :7676.
serve: demo-model build
	scripts/serve.sh

## Everything: both wasm builds first (a build failure shows in minutes), then formatting,
## lints (native and wasm), unit + native tests, end to end, the browser.
test: build build-cloudflare lint unit check-config e2e e2e-worker-avif browser

## Formatting and lints on every crate, natively and for both wasm targets.
lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p tailor-fastly --target wasm32-wasip1 -- -D warnings
	cargo clippy -p tailor-cloudflare --target wasm32-unknown-unknown -- -D warnings

## Every crate's unit and integration tests (the end-to-end suite needs the e2e feature).
unit:
	cargo test --workspace

## Validate the demo config and its cache-key budgets (`tailor check`).
check-config:
	cargo run --quiet -p tailor-cli -- check demo/config.json

## The end-to-end suite, on Viceroy and on workerd.
e2e: demo-model build build-cloudflare
	TAILOR_WASM=$(abspath $(WASM)) cargo test --features e2e --test e2e

## The AVIF Worker (`WORKER_FEATURES=avif`, built into build-avif/) on workerd: the cases whose
## answers depend on it (AVIF for small variants, format=avif, its width limit).
e2e-worker-avif: demo-model build
	@$(MAKE) --no-print-directory build-cloudflare WORKER_FEATURES=avif WORKER_OUT=build-avif
	@# One filter per run: the harness takes one.
	for case in auto_format_follows_accept_in_either_order avif_width_limit_applies_to_the_output_width_not_h; do \
	  TAILOR_WORKER_BUNDLE=build-avif TAILOR_WORKER_FEATURES=avif TAILOR_WASM=$(abspath $(WASM)) \
	    cargo test --features e2e --test e2e -- --exact workerd::$$case || exit 1; done

## The demo page in headless Debian Chromium (playwright-core), served by Viceroy.
browser: build
	@scripts/install-browser.sh
	TAILOR_WASM=$(abspath $(WASM)) node tests/browser/demo.mjs

## Load on Viceroy and workerd: a realistic mix at 16 connections (wrk), 0 errors and 0 traps,
## p50/p99 per route into BENCHMARKS.md.
load: build build-cloudflare
	@scripts/install-load-tools.sh
	scripts/load.sh

## Install wasm-bindgen-cli, worker-build and wrangler (package.json) when missing.
tools-cloudflare: tools
	@scripts/install-cloudflare-tools.sh

## Build the Cloudflare Worker bundle (build/index.js, build/index_bg.wasm) and report its size.
build-cloudflare: tools-cloudflare
	WORKER_FEATURES=$(WORKER_FEATURES) WORKER_OUT=$(WORKER_OUT) scripts/build-cloudflare.sh
	@# The bundle budget (README, "Features and what they cost") fails the build, not a later review.
	@wasm=$$(gzip -9 -c $(WORKER_OUT)/index_bg.wasm | wc -c); js=$$(gzip -9 -c $(WORKER_OUT)/index.js | wc -c); \
	  echo "Worker bundle$(if $(WORKER_FEATURES), with $(WORKER_FEATURES),): $$wasm bytes of wasm gzipped, $$js of JS"; \
	  if [ $$((wasm + js)) -gt $(WORKER_BUNDLE_BUDGET) ]; then \
	    echo "Worker bundle is $$((wasm + js)) bytes gzipped, over the budget of $(WORKER_BUNDLE_BUDGET)"; exit 1; fi

## Serve the demo on workerd (wrangler dev): origin on :7677, the Worker on :7676.
serve-cloudflare: demo-model build-cloudflare
	cargo build --release --example demo_origin
	scripts/serve-cloudflare.sh

## Benchmarks over ../shared/corpus (or the demo photos): Viceroy, native, vipsthumbnail;
## learning and experiment reports (10 M log lines each) and the statistics' simulation study.
bench: build build-cloudflare
	@scripts/install-bench-tools.sh
	@scripts/install-sharp-peer.sh >/dev/null
	@scripts/install-load-tools.sh
	TAILOR_WASM=$(abspath $(WASM)) cargo run --release --example bench
	TAILOR_WASM=$(abspath $(WASM)) cargo run --release --example bench_segmentation
	segments=$$(python3 -c 'import json; print(",".join(s["id"] for s in json.load(open("demo/config.json"))["segments"]["list"]))'); \
	for shards in 1024 16384; do \
	    cargo run --release -p tailor-learn --example synth -- big target/big-model-$$shards 1000000 \
	        --shards $$shards --segments $$segments || exit 1; \
	done
	BIG_MODEL=$(abspath target/big-model-1024),$(abspath target/big-model-16384) \
	    TAILOR_WASM=$(abspath $(WASM)) cargo run --release --example bench_recs
	TAILOR_WASM=$(abspath $(WASM)) cargo run --release --example bench_runtimes
	cargo run --release --example replay
	scripts/bench-learning.sh
	scripts/bench-experiments.sh

## Install cargo-fuzz (and the nightly toolchain it needs) when missing.
tools-fuzz:
	@scripts/install-fuzz-tools.sh

## Every fuzz target for FUZZ_SECONDS each (FUZZ_JOBS at a time) on its committed corpus,
## corpora minimised again, executions and findings per target into BENCHMARKS.md.
## `make unit` replays the committed corpora on stable (crates/fuzzing/tests/fuzz_corpora.rs).
FUZZ_SECONDS ?= 600
FUZZ_JOBS ?= 1
fuzz: tools-fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) scripts/fuzz.sh

## Regenerate the demo origin's synthetic photos.
demo-images:
	cargo run --release --example make_demo_images

clean:
	cargo clean
