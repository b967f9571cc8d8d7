//! `make bench` (fourth part): the same requests on both local runtimes — a banner and a cached
//! image on fresh connections, the demo page on one kept-alive connection beside the origin's
//! own answer — timed end to end from the client; reading the corpus's largest original from the
//! origin into each runtime (`Server-Timing: fetch`); throughput under `wrk` against hello-world;
//! and the size of each platform's bundle.
//! Writes its block of BENCHMARKS.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod config_forms;
mod references;
#[path = "../../tests/support/mod.rs"]
mod support;
mod throughput;
mod visitor;

use references::{original_read, Reference};
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

/// Median client-observed milliseconds of `runs` GETs of `url` on one kept-alive connection
/// (after two warm-up requests): how a browser fetches a site's pages.
fn keep_alive_ms(url: &str, runs: usize) -> f64 {
    keep_alive_with_ms(url, runs, None)
}

/// [`keep_alive_ms`] with a `Cookie` header on every request.
fn keep_alive_with_ms(url: &str, runs: usize, cookie: Option<&str>) -> f64 {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let fetch = || {
        let start = Instant::now();
        let mut request = agent.get(url).header("User-Agent", DESKTOP);
        if let Some(cookie) = cookie {
            request = request.header("Cookie", cookie);
        }
        let mut response = request.call().unwrap();
        assert_eq!(response.status(), 200, "{url}");
        response.body_mut().read_to_vec().unwrap();
        start.elapsed().as_secs_f64() * 1000.0
    };
    fetch();
    fetch();
    let mut times: Vec<f64> = (0..runs).map(|_| fetch()).collect();
    median(&mut times)
}

/// The page on the harness and the same page from its origin directly, both kept alive.
fn page_and_origin_ms(h: &Harness, runs: usize) -> (f64, f64) {
    let origin = h.origin_url("/pages/index.html").unwrap();
    (
        keep_alive_ms(&h.url("/page/index.html"), runs),
        keep_alive_ms(&origin, runs),
    )
}

fn gzip_size(path: &std::path::Path) -> usize {
    use std::io::Write;
    let bytes = std::fs::read(path).unwrap();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&bytes).unwrap();
    encoder.finish().unwrap().len()
}

/// Tailor's own floor: a fresh instance of its wasm answering without reading config, cache or
/// anything else, so the rows below it show what the requests add to the instance's own cost.
pub(crate) const FLOOR: (&str, &str) = (
    "`/healthz` (Tailor's instance, no config, cache or other host call)",
    "/healthz",
);

/// A cached variant large enough that Fastly's adapter sends it to the client unread.
pub(crate) const LARGE_CACHED_IMAGE: (&str, &str) = (
    "cached image, `full` (~270 KB, sent from the cache unread)",
    "/img/full/photos/unread.jpg",
);

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
    let mut on_viceroy: Vec<f64> = paths
        .iter()
        .map(|(_, p)| latency_ms(&viceroy, p, runs))
        .collect();
    let (page_v, origin_v) = page_and_origin_ms(&viceroy, runs);
    on_viceroy.extend([page_v, origin_v]);
    // Against hello-world in the same run, all on one kept-alive connection each.
    let hello = Reference::start("hello-fastly", None, "/");
    let hello_ms = keep_alive_ms(&hello.base, runs);
    drop(hello);
    // The origin's page through the smallest program that fetches it: Viceroy's own cost of a
    // backend request, which every page pays before Tailor does anything.
    let origin_port = viceroy.origin_port().unwrap();
    let page = "/pages/index.html";
    let proxy = Reference::start("proxy-fastly", Some(origin_port), page);
    let proxy_ms = keep_alive_ms(&format!("{}{page}", proxy.base), runs);
    let whole_ms = keep_alive_ms(&format!("{}/whole{page}", proxy.base), runs);
    drop(proxy);
    let history = visitor::with_history(&viceroy);
    let history_total_us = visitor::banner_total_us(&viceroy, &history, runs);
    let banner = viceroy.url("/banner?slot=hero");
    let kept: Vec<(&str, f64)> = vec![
        (FLOOR.0, keep_alive_ms(&viceroy.url(FLOOR.1), runs)),
        (
            "cached image",
            keep_alive_ms(&viceroy.url("/img/preview/photos/harbour.jpg"), runs),
        ),
        (
            LARGE_CACHED_IMAGE.0,
            keep_alive_ms(&viceroy.url(LARGE_CACHED_IMAGE.1), runs),
        ),
        ("banner (hero)", keep_alive_ms(&banner, runs)),
        (
            "banner (hero), consenting visitor with 12 events",
            keep_alive_with_ms(&banner, runs, Some(&history)),
        ),
        (
            "page (`/page/index.html`)",
            keep_alive_ms(&viceroy.url("/page/index.html"), runs),
        ),
    ];
    drop(viceroy);
    let workerd = Harness::start_workerd(&[]);
    let mut on_workerd: Vec<f64> = paths
        .iter()
        .map(|(_, p)| latency_ms(&workerd, p, runs))
        .collect();
    let (page_w, origin_w) = page_and_origin_ms(&workerd, runs);
    on_workerd.extend([page_w, origin_w]);
    drop(workerd);
    let original = original_read(21);
    let config_forms = config_forms::config_forms(runs);
    let throughput = throughput::throughput(10);
    let names: Vec<&str> = paths
        .iter()
        .map(|(name, _)| *name)
        .chain([
            "page (`/page/index.html`, 4.4 KB, one kept-alive connection)",
            "the origin's own page, directly (kept alive; reference for the page)",
        ])
        .collect();

    let root = project_root();
    let fastly_wasm = std::env::var("TAILOR_WASM")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| root.join("target/wasm32-wasip1/release/tailor-fastly-init.wasm"));
    let worker_wasm = root.join("build/index_bg.wasm");
    let worker_js = root.join("build/index.js");
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Written by `make bench` (`examples/bench_runtimes/`): {runs} sequential requests per row \
         from a desktop browser User-Agent without consent, after two warm-up requests; \
         client-observed time on loopback, median; a new connection per request except where the \
         row says kept alive. Viceroy (Fastly) as the reference. The page's overhead is its time \
         less the origin's own on the same kind of connection.\n"
    );
    let _ = writeln!(
        out,
        "| request | Viceroy | workerd (`wrangler dev`) | workerd / Viceroy |"
    );
    let _ = writeln!(out, "|---|---|---|---|");
    for (name, (v, w)) in names.iter().zip(on_viceroy.iter().zip(&on_workerd)) {
        let _ = writeln!(out, "| {name} | {v:.2} ms | {w:.2} ms | {:.2}x |", w / v);
    }
    let _ = writeln!(
        out,
        "\nBundles: Fastly wasm {:.2} MB raw, {:.2} MB gzip (all encoders); Worker {:.2} MB wasm \
         raw, {:.3} MB gzip wasm + {:.3} MB gzip JS = **{:.3} MB gzip** (WebP, no AVIF encoder; \
         budget 1.5 MB).",
        std::fs::metadata(&fastly_wasm).unwrap().len() as f64 / 1e6,
        gzip_size(&fastly_wasm) as f64 / 1e6,
        std::fs::metadata(&worker_wasm).unwrap().len() as f64 / 1e6,
        gzip_size(&worker_wasm) as f64 / 1e6,
        gzip_size(&worker_js) as f64 / 1e6,
        (gzip_size(&worker_wasm) + gzip_size(&worker_js)) as f64 / 1e6,
    );
    let _ = writeln!(
        out,
        "\nPage overhead over the origin, kept alive: Viceroy {:.2} ms, workerd {:.2} ms.",
        page_v - origin_v,
        page_w - origin_w
    );
    match &original {
        Some(o) => {
            let _ = writeln!(
                out,
                "\nReading an original into the instance (`Server-Timing: fetch`, medians of 21 \
                 previews of `{}`, {:.1} MB, caches bypassed, one loopback origin): Viceroy \
                 {:.1} ms, workerd {:.1} ms, **{:.2}x**; the smallest Worker that reads the same \
                 body whole (`benches/fetch-worker`: `fetch()` then `arrayBuffer()`, no wasm) in \
                 the same workerd: {:.1} ms, so Tailor's read is {:.2}x the runtime's own.",
                o.name,
                o.bytes as f64 / 1e6,
                o.viceroy,
                o.workerd,
                o.workerd / o.viceroy,
                o.plain_worker,
                o.workerd / o.plain_worker
            );
        }
        None => {
            let _ = writeln!(
                out,
                "\nNo `../shared/corpus`: the original's fetch was not measured."
            );
        }
    }
    let _ = writeln!(
        out,
        "\nViceroy against the smallest Fastly program (`benches/hello-fastly`, \"hello\" from a \
         fresh instance), same run, one kept-alive connection per row (targets: cached image \
         ≤ 1.3×, the banner of a desktop visitor with a 12-entry history ≤ 1.5×):\n\n\
         | request | Viceroy | × hello-world |\n|---|---|---|\n\
         | hello-world | {hello_ms:.2} ms | 1.00x |"
    );
    for (name, ms) in &kept {
        let _ = writeln!(out, "| {name} | {ms:.2} ms | {:.2}x |", ms / hello_ms);
    }
    let _ = writeln!(
        out,
        "\nThat visitor's banner in the handler (`Server-Timing: total`, median of {runs}): \
         {history_total_us:.0} µs (target ≤ 200 µs)."
    );
    let page_ms = kept.last().map_or(f64::NAN, |(_, ms)| *ms);
    let _ = writeln!(
        out,
        "\nThe page against the smallest Fastly program that passes the origin's page through \
         (`benches/proxy-fastly`: a fresh instance, one backend request, the response streamed \
         back as Tailor's page is), same run, kept alive: the origin directly {origin_v:.2} ms, \
         through that program {proxy_ms:.2} ms (Viceroy's own cost of a backend request: {:.2} ms), \
         Tailor's page {page_ms:.2} ms: **{:.2} ms over the pass-through**. The same program \
         reading the page whole before sending it: {whole_ms:.2} ms, Tailor's page {:.2} ms over \
         it.",
        proxy_ms - origin_v,
        page_ms - proxy_ms,
        page_ms - whole_ms
    );
    out.push_str(&config_forms);
    out.push_str(&throughput);
    write_block("runtimes", &out);
    eprintln!(
        "runtimes: Viceroy {on_viceroy:?} ms, workerd {on_workerd:?} ms; wrote BENCHMARKS.md"
    );
}
