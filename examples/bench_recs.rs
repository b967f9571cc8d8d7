//! `make bench` (third part): the per-request cost of recommendations for the hero banner of a
//! visitor with a full 12-entry history — natively (re-rank of the 200-item desktop list +
//! render) and in Viceroy from `Server-Timing`: the JSON list path (`list` + `rank` +
//! `render`), the demo's trained model (`model` + `rank` + `render`) and, when `BIG_MODEL`
//! names a folder written by `synth big`, a sharded 1 M-item model (head + one shard) with the
//! instance's peak linear memory. Writes its block of BENCHMARKS.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::fmt::Write as _;
use support::client::{get, request_with_body, Got, DEBUG, DESKTOP};
use support::report::{batch_median_us, median, write_block};
use support::viceroy::{project_root, Harness, KvOverride};
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
    support::report::server_timing_ms(header, name).unwrap_or(f64::NAN)
}

fn cookie_pair(got: &Got) -> String {
    let set = got.header("set-cookie").unwrap();
    set.split(';').next().unwrap().to_owned()
}

/// Per-request `Server-Timing` medians (µs) of one path, and the peak linear memory seen.
#[derive(Default)]
struct PathCost {
    read: f64,
    rank: f64,
    render: f64,
    total: f64,
    /// The whole in-handler cost (`Server-Timing: total`): config, segment, cookie, logs too.
    handler: f64,
    memory_mb: Option<f64>,
    policy: String,
    source: String,
}

/// A consenting desktop visitor whose cookie holds `history` (as the beacon records it).
fn visitor_cookie(harness: &Harness, history: &[(String, char)]) -> String {
    let consent = [("User-Agent", DESKTOP), ("Cookie", "tailor_consent=1")];
    let first = get(&harness.url("/banner?slot=hero"), &consent);
    let visitor = cookie_pair(&first);
    let events: Vec<serde_json::Value> = history
        .iter()
        .map(|(item, kind)| serde_json::json!({"type": if *kind == 'c' { "click" } else { "view" }, "item": item}))
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
    format!("tailor_consent=1; {}", cookie_pair(&posted))
}

/// Medians over `runs` hero banners; `read` is `model` or `list`.
fn path_cost(harness: &Harness, cookie: &str, read: &str, runs: usize) -> PathCost {
    let url = harness.url("/banner?slot=hero");
    let headers = [("User-Agent", DESKTOP), ("Cookie", cookie)];
    let (mut reads, mut ranks, mut renders, mut totals) = (vec![], vec![], vec![], vec![]);
    let mut handler = vec![];
    for _ in 0..runs {
        let got = get(&url, &headers);
        assert_eq!(got.status, 200);
        let timing = got.header("server-timing").unwrap_or("");
        let part = |name| timing_ms(timing, name) * 1000.0;
        let (r, k, n) = (part(read), part("rank"), part("render"));
        reads.push(r);
        ranks.push(k);
        renders.push(n);
        totals.push(r + k + n);
        handler.push(part("total"));
    }
    let debug = get(&url, &[headers[0], headers[1], DEBUG]);
    PathCost {
        read: median(&mut reads),
        rank: median(&mut ranks),
        render: median(&mut renders),
        total: median(&mut totals),
        handler: median(&mut handler),
        memory_mb: debug
            .header("x-tailor-memory-peak")
            .and_then(|b| b.parse::<f64>().ok())
            .map(|b| b / 1_048_576.0),
        policy: debug.header("x-tailor-ranking").unwrap_or("").to_owned(),
        source: debug.header("x-tailor-source").unwrap_or("").to_owned(),
    }
}

fn demo_history(list: &RecList) -> Vec<(String, char)> {
    history(list)
        .into_iter()
        .map(|h| (h.item, h.kind))
        .collect()
}

/// The 1 M-item model written by `synth big` into `dir`, published as version `big`: its cost,
/// the head's bytes and one shard's.
fn big_model(dir: &std::path::Path, runs: usize) -> (PathCost, usize, usize) {
    let pointer = std::env::temp_dir().join("tailor-bench-big-pointer");
    std::fs::write(&pointer, "big").unwrap();
    let mut overrides: Vec<KvOverride> = vec![
        ("recs/current", Some(pointer)),
        ("recs/big/model.tlrm", Some(dir.join("model.tlrm"))),
    ];
    let mut shard = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.starts_with("shard-") {
            shard = std::fs::metadata(dir.join(&name)).map_or(0, |m| m.len() as usize);
            let key: &'static str = Box::leak(format!("recs/big/{name}").into_boxed_str());
            overrides.push((key, Some(dir.join(&name))));
        }
    }
    let history: Vec<(String, char)> = std::fs::read_to_string(dir.join("history.txt"))
        .unwrap()
        .lines()
        .enumerate()
        .map(|(i, id)| (id.to_owned(), if i % 3 == 0 { 'c' } else { 'v' }))
        .collect();
    let harness = Harness::start(&overrides);
    let cookie = visitor_cookie(&harness, &history);
    let cost = path_cost(&harness, &cookie, "model", runs);
    let head = std::fs::metadata(dir.join("model.tlrm")).map_or(0, |m| m.len() as usize);
    (cost, head, shard)
}

fn row(out: &mut String, name: &str, c: &PathCost, read: &str) {
    let memory = c.memory_mb.map_or("–".into(), |m| format!("{m:.1} MB"));
    let _ = writeln!(
        out,
        "| {name} | `{}` ({}) | {read} {:.0} µs | {:.0} µs | {:.0} µs | **{:.0} µs** | {:.0} µs | {memory} |",
        c.policy, c.source, c.read, c.rank, c.render, c.total, c.handler
    );
}

fn main() {
    let config = Config::from_json(tailor_demo::CONFIG_JSON.as_bytes()).unwrap();
    let list = desktop_list();
    let demo = demo_history(&list);
    let native = native_us(&config, &list, &history(&list));
    let runs = 201;
    let harness = Harness::start(&[]);
    let cookie = visitor_cookie(&harness, &demo);
    let with_model = path_cost(&harness, &cookie, "model", runs);
    drop(harness);
    let harness = Harness::start(&[("recs/v3/model.tlrm", None)]);
    let cookie = visitor_cookie(&harness, &demo);
    let lists = path_cost(&harness, &cookie, "list", runs);
    drop(harness);
    // Comma-separated folders, e.g. the same catalogue in few large or many small shards.
    let big: Vec<(PathCost, usize, usize)> = std::env::var("BIG_MODEL")
        .unwrap_or_default()
        .split(',')
        .filter(|dir| !dir.is_empty())
        .map(|dir| big_model(std::path::Path::new(dir), runs))
        .collect();

    let mut out = String::new();
    let _ = writeln!(
        out,
        "Written by `make bench` (`examples/bench_recs.rs`): a consenting desktop visitor whose \
         cookie holds 12 interactions (4 clicks, 8 views), the 4-item hero banner in the `cards` \
         template. **Viceroy**: medians over {runs} requests of `Server-Timing` (each request a \
         fresh instance, so the pointer and the list or model come from the platform cache): the \
         read (`list`: pointer + 37 KB JSON list parsed; `model`: pointer + model blob opened in \
         place), `rank` (re-rank of the list, or session inference over the model) and `render`; \
         their total is the median of their per-request sums; the in-handler total is the \
         median of `Server-Timing: total` (the whole request inside the handler: config, \
         segment, cookie, logs as well). Memory: the instance's peak linear \
         memory (`X-Tailor-Memory-Peak`).\n"
    );
    let _ = writeln!(
        out,
        "| path | ranking (source) | read | rank | render | read + rank + render (target ≤ 200 µs) \
         | in-handler total | peak memory |"
    );
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|");
    row(&mut out, "JSON list (no model published)", &lists, "list");
    let demo_model = std::fs::read(project_root().join("demo/kv/recs/v3/model.tlrm")).unwrap();
    let items = tailor_model::Model::open(&demo_model).unwrap().item_count();
    let name = format!(
        "demo model ({items} items, {:.0} KB)",
        demo_model.len() as f64 / 1000.0
    );
    row(&mut out, &name, &with_model, "model");
    for (cost, head, shard) in &big {
        let name = format!(
            "1 M-item model, sharded: head {:.2} MB + one shard of {:.2} MB",
            *head as f64 / 1_048_576.0,
            *shard as f64 / 1_048_576.0
        );
        row(&mut out, &name, cost, "model");
    }
    let _ = writeln!(
        out,
        "\nNatively, the list path's re-rank + render takes {native:.1} µs (median of 21 batches \
         of 2,000 calls)."
    );
    write_block("recs", &out);
    eprintln!(
        "recs: list path {:.0} µs (in-handler {:.0}), model path {:.0} µs (in-handler {:.0}){}; \
         wrote BENCHMARKS.md",
        lists.total,
        lists.handler,
        with_model.total,
        with_model.handler,
        big.iter()
            .map(|(c, _, _)| format!(", 1M model {:.0} µs", c.total))
            .collect::<String>()
    );
}
