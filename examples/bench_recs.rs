//! `make bench` (third part): the per-request cost of recommendations — re-rank of the 200-item
//! desktop list against a full 12-entry history, then rendering the hero banner — natively and
//! in Viceroy (from `Server-Timing: rerank` + `render`). Writes its block of BENCHMARKS.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::fmt::Write as _;
use support::client::{get, request_with_body, DESKTOP};
use support::report::{batch_median_us, median, write_block};
use support::viceroy::{project_root, Harness};
use tailor_config::Config;
use tailor_core::banner::Banner;
use tailor_core::identity::HistoryEntry;
use tailor_core::recs::{parse_list, rerank, RecList};

fn desktop_list() -> RecList {
    let bytes = std::fs::read(project_root().join("demo/kv/recs/v3/desktop.json")).unwrap();
    parse_list(&bytes, 1 << 20).unwrap()
}

/// Twelve interactions over several categories, clicks and views mixed: a full cookie.
fn history(list: &RecList) -> Vec<HistoryEntry> {
    list.items
        .iter()
        .step_by(13)
        .take(12)
        .enumerate()
        .map(|(i, item)| HistoryEntry {
            item: item.id.clone(),
            category: item.category.clone(),
            kind: if i % 3 == 0 { 'c' } else { 'v' },
            at_s: None,
        })
        .collect()
}

fn native_us(config: &Config, list: &RecList, history: &[HistoryEntry]) -> f64 {
    let slot = &config.banners.slots["hero"];
    let once = || {
        let ranked = rerank(
            &list.items,
            history,
            1.79e9 as i64,
            slot.max_items,
            &config.recs.rerank,
            &[],
        );
        let banner = Banner::new(config.image_links(slot), "desktop", "hero", &ranked);
        std::hint::black_box(
            banner
                .render_html(&config.banners.templates, "cards")
                .unwrap(),
        );
    };
    batch_median_us(21, 2_000, once)
}

fn timing_ms(header: &str, name: &str) -> f64 {
    header
        .split(", ")
        .find_map(|p| p.strip_prefix(&format!("{name};dur=")))
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

fn cookie_pair(got: &support::client::Got) -> String {
    let set = got.header("set-cookie").unwrap();
    set.split(';').next().unwrap().to_owned()
}

/// Median µs of re-rank + render, and of the list read, over `runs` banner requests.
fn viceroy_us(list: &RecList, history: &[HistoryEntry], runs: usize) -> (f64, f64) {
    let harness = Harness::start(&[]);
    let url = harness.url("/banner?slot=hero");
    let consent = [("User-Agent", DESKTOP), ("Cookie", "tailor_consent=1")];
    let first = get(&url, &consent);
    let visitor = cookie_pair(&first);
    let events: Vec<serde_json::Value> = history
        .iter()
        .map(|h| serde_json::json!({"type": if h.kind == 'c' { "click" } else { "view" }, "item": h.item, "category": h.category}))
        .collect();
    let cookie = format!("tailor_consent=1; {visitor}");
    let posted = request_with_body(
        "POST",
        &harness.url("/events"),
        &[("User-Agent", DESKTOP), ("Cookie", &cookie)],
        serde_json::json!({ "events": events })
            .to_string()
            .into_bytes(),
    );
    assert_eq!(posted.status, 204);
    let visitor = cookie_pair(&posted);
    let cookie = format!("tailor_consent=1; {visitor}");
    assert_eq!(list.items.len(), 200);
    let (mut work, mut read) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let got = get(&url, &[("User-Agent", DESKTOP), ("Cookie", &cookie)]);
        let timing = got.header("server-timing").unwrap_or("");
        work.push((timing_ms(timing, "rerank") + timing_ms(timing, "render")) * 1000.0);
        read.push(timing_ms(timing, "list") * 1000.0);
    }
    (median(&mut work), median(&mut read))
}

fn main() {
    let config = Config::from_json(tailor_demo::CONFIG_JSON.as_bytes()).unwrap();
    let list = desktop_list();
    let history = history(&list);
    let native = native_us(&config, &list, &history);
    let runs = 201;
    let (viceroy, read) = viceroy_us(&list, &history, runs);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Written by `make bench` (`examples/bench_recs.rs`): the demo's 200-item desktop list, a \
         consenting visitor whose cookie holds 12 interactions (4 clicks, 8 views over several \
         categories), the 4-item hero banner in the `cards` template. Measured: re-rank (date \
         windows, exclusions, category boosts, cap) + banner view model + template render. \
         **Native**: median of 21 batches of 2,000 calls. **Viceroy**: median over {runs} \
         requests of `Server-Timing: rerank` + `render` (1 µs resolution).\n"
    );
    let _ = writeln!(
        out,
        "| runtime | re-rank + render, median | target | wasm / native |"
    );
    let _ = writeln!(out, "|---|---|---|---|");
    let _ = writeln!(out, "| native | {native:.1} µs | | |");
    let _ = writeln!(
        out,
        "| Viceroy (wasm) | {viceroy:.0} µs | ≤ 200 µs | {:.1}x |",
        viceroy / native
    );
    let _ = writeln!(
        out,
        "\nThe list read before it (`Server-Timing: list`: pointer and list from the platform \
         cache, or KV, then parsing 37 KB of JSON) took a median {read:.0} µs per request in the \
         same run: Fastly starts an instance per request, so nothing stays parsed between them."
    );
    write_block("recs", &out);
    eprintln!("recs: native {native:.1} µs, Viceroy {viceroy:.0} µs (list read {read:.0} µs); wrote BENCHMARKS.md");
}
