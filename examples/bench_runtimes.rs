//! `make bench` (fourth part): the same requests on both local runtimes — a banner and a cached
//! image — timed end to end from the client, and the size of each platform's bundle. Writes
//! its block of BENCHMARKS.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::fmt::Write as _;
use std::time::Instant;
use support::client::{get, DESKTOP};
use support::report::{median, write_block};
use support::viceroy::{project_root, Harness};

/// Median client-observed milliseconds of `runs` GETs of `path` (after two warm-up requests,
/// so an image is in the cache and the runtime has compiled the module).
fn latency_ms(h: &Harness, path: &str, runs: usize) -> f64 {
    let url = h.url(path);
    let headers = [("User-Agent", DESKTOP)];
    for _ in 0..2 {
        assert_eq!(get(&url, &headers).status, 200, "{path}");
    }
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let got = get(&url, &headers);
            assert_eq!(got.status, 200);
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    median(&mut times)
}

fn gzip_size(path: &std::path::Path) -> usize {
    use std::io::Write;
    let bytes = std::fs::read(path).unwrap();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&bytes).unwrap();
    encoder.finish().unwrap().len()
}

fn main() {
    let runs = 101;
    let paths = [
        ("banner (`/banner?slot=hero`)", "/banner?slot=hero"),
        (
            "cached image (`/img/preview/…`)",
            "/img/preview/photos/harbour.jpg",
        ),
    ];
    let viceroy = Harness::start(&[]);
    let on_viceroy: Vec<f64> = paths
        .iter()
        .map(|(_, p)| latency_ms(&viceroy, p, runs))
        .collect();
    drop(viceroy);
    let workerd = Harness::start_workerd(&[]);
    let on_workerd: Vec<f64> = paths
        .iter()
        .map(|(_, p)| latency_ms(&workerd, p, runs))
        .collect();
    drop(workerd);

    let root = project_root();
    let fastly_wasm = std::env::var("TAILOR_WASM")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| root.join("target/wasm32-wasip1/release/tailor-fastly.wasm"));
    let worker_wasm = root.join("build/index_bg.wasm");
    let worker_js = root.join("build/index.js");
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Written by `make bench` (`examples/bench_runtimes.rs`): {runs} sequential requests per row \
         from a desktop browser User-Agent without consent, after two warm-up requests; \
         client-observed time on loopback, median. Viceroy (Fastly) as the reference.\n"
    );
    let _ = writeln!(
        out,
        "| request | Viceroy | workerd (`wrangler dev`) | workerd / Viceroy |"
    );
    let _ = writeln!(out, "|---|---|---|---|");
    for ((name, _), (v, w)) in paths.iter().zip(on_viceroy.iter().zip(&on_workerd)) {
        let _ = writeln!(out, "| {name} | {v:.2} ms | {w:.2} ms | {:.2}x |", w / v);
    }
    let _ = writeln!(
        out,
        "\nBundles: Fastly wasm {:.2} MB raw, {:.2} MB gzip (all encoders); Worker {:.2} MB wasm \
         raw, {:.3} MB gzip wasm + {:.3} MB gzip JS = **{:.3} MB gzip** (no WebP/AVIF encoders; \
         budget 1.5 MB).",
        std::fs::metadata(&fastly_wasm).unwrap().len() as f64 / 1e6,
        gzip_size(&fastly_wasm) as f64 / 1e6,
        std::fs::metadata(&worker_wasm).unwrap().len() as f64 / 1e6,
        gzip_size(&worker_wasm) as f64 / 1e6,
        gzip_size(&worker_js) as f64 / 1e6,
        (gzip_size(&worker_wasm) + gzip_size(&worker_js)) as f64 / 1e6,
    );
    write_block("runtimes", &out);
    eprintln!(
        "runtimes: Viceroy {on_viceroy:?} ms, workerd {on_workerd:?} ms; wrote BENCHMARKS.md"
    );
}
