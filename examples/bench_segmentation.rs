//! `make bench` (second part): the cost of segmentation — context parsing, rule evaluation
//! and experiment bucketing — for a realistic config (20 rules, 3 experiments), natively and
//! in Viceroy (from `Server-Timing: segment`). Writes its block of BENCHMARKS.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::fmt::Write as _;
use support::client::{get, DEBUG, DESKTOP};
use support::report::{batch_median_us, median, write_block};
use support::viceroy::Harness;
use tailor_config::Config;
use tailor_core::identity::has_consent;
use tailor_core::segment::buckets::assign;
use tailor_core::segment::condition::Facts;
use tailor_core::segment::{choose, RequestFacts, VisitorContext};

/// The demo config grown to 20 rules of the kinds a shop would write; the benchmark visitor
/// matches none of them, so every rule is evaluated (the worst case).
fn bench_config() -> serde_json::Value {
    let mut doc: serde_json::Value = serde_json::from_str(tailor_demo::CONFIG_JSON).unwrap();
    let extra = serde_json::json!([
        {"name": "vip-cookie", "segment": "sale", "when": {"field": "cookie.plan", "in": ["vip", "gold"]}},
        {"name": "newsletter", "segment": "sale", "when": {"all": [{"field": "utm_medium", "equals": "email"}, {"field": "utm_source", "prefix": "news"}]}},
        {"name": "search-ads", "segment": "sale", "when": {"field": "referrer", "regex": "(^|\\.)(google|bing)\\.[a-z.]+$"}},
        {"name": "slow-links", "segment": "lite", "when": {"field": "downlink", "range": [0, 0.5]}},
        {"name": "night-owls", "segment": "lite", "when": {"all": [{"field": "local_hour", "range": [0, 4]}, {"field": "device", "in": ["mobile"]}]}},
        {"name": "ios-apps", "segment": "mobile", "when": {"field": "platform", "in": ["ios"]}},
        {"name": "android-hint", "segment": "mobile", "when": {"field": "mobile", "equals": true}},
        {"name": "edge-users", "segment": "tablet", "when": {"all": [{"field": "browser", "equals": "microsoft edge"}, {"field": "device", "in": ["tablet"]}]}},
        {"name": "swiss-french", "segment": "dach", "when": {"all": [{"field": "country", "equals": "ch"}, {"field": "languages", "in": ["fr"]}]}},
        {"name": "austria", "segment": "dach", "when": {"field": "region", "prefix": "at-"}},
        {"name": "canada-fr", "segment": "us", "when": {"all": [{"field": "country", "equals": "ca"}, {"not": {"field": "language", "equals": "en"}}]}},
        {"name": "partners", "segment": "sale", "when": {"any": [{"field": "referrer", "in": ["partner-a.com", "partner-b.com"]}, {"field": "utm_source", "equals": "affiliate"}]}},
        {"name": "returning", "segment": "sale", "when": {"all": [{"field": "consent", "equals": true}, {"field": "cookie.returning", "present": true}]}}
    ]);
    let rules = doc["segments"]["rules"].as_array_mut().unwrap();
    rules.extend(extra.as_array().unwrap().iter().cloned());
    assert_eq!(rules.len(), 20);
    assert_eq!(doc["experiments"].as_array().unwrap().len(), 3);
    doc
}

/// A consenting desktop Chrome visitor with the headers a real browser sends.
fn visitor_headers() -> Vec<(&'static str, String)> {
    vec![
        ("User-Agent", DESKTOP.into()),
        (
            "Sec-CH-UA",
            "\"Chromium\";v=\"126\", \"Google Chrome\";v=\"126\", \"Not-A.Brand\";v=\"99\"".into(),
        ),
        ("Sec-CH-UA-Mobile", "?0".into()),
        ("Sec-CH-UA-Platform", "\"Windows\"".into()),
        ("Accept-Language", "en-GB,en;q=0.9,nl;q=0.8".into()),
        ("Referer", "https://www.example-news.com/articles/42".into()),
        ("Downlink", "10".into()),
        ("ECT", "4g".into()),
        (
            "Cookie",
            "tailor_consent=1; _ga=GA1.2.12345.67890; theme=dark".into(),
        ),
    ]
}

const QUERY: &str = "utm_source=partner&utm_medium=display&utm_campaign=autumn";

fn native_us(config: &Config) -> f64 {
    let mut headers = http::HeaderMap::new();
    for (name, value) in visitor_headers() {
        headers.append(name, value.parse().unwrap());
    }
    let query: Vec<(String, String)> = form_urlencoded::parse(QUERY.as_bytes())
        .into_owned()
        .collect();
    let once = || {
        let context = VisitorContext::from_request(
            &headers,
            RequestFacts {
                query: &query,
                geo: None,
                now_ms: 1.7e12,
            },
        );
        let consent = has_consent(&context, &config.consent);
        let decision = choose(
            &config.segments.rules,
            Facts {
                context: &context,
                consent,
            },
            false,
        );
        let arms = assign(&config.experiments, Some("0123456789abcdef01234567"), None);
        std::hint::black_box((decision, arms));
    };
    batch_median_us(21, 2_000, once)
}

fn viceroy_us(config_path: &std::path::Path, runs: usize) -> (f64, String) {
    let harness = Harness::start(&[("config/v1", Some(config_path.to_path_buf()))]);
    let url = harness.url(&format!("/banner.json?slot=hero&{QUERY}"));
    let headers = visitor_headers();
    let mut pairs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // Take the visitor cookie the first answer issues, so later requests are bucketed.
    let first = get(&url, &pairs);
    let visitor = first
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .unwrap_or("")
        .to_owned();
    let cookie = format!("{}; {visitor}", headers[8].1);
    pairs.retain(|(k, _)| *k != "Cookie");
    pairs.push(("Cookie", &cookie));
    // Timed without the debug token: the production path, with no explanation built.
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let got = get(&url, &pairs);
        let timing = got.header("server-timing").unwrap_or("");
        let ms = support::report::server_timing_ms(timing, "segment").unwrap_or(f64::NAN);
        times.push(ms * 1000.0);
    }
    pairs.push(DEBUG);
    let buckets = get(&url, &pairs)
        .header("x-tailor-buckets")
        .unwrap_or("")
        .to_owned();
    (median(&mut times), buckets)
}

fn main() {
    let doc = bench_config();
    let config = Config::from_json(doc.to_string().as_bytes()).unwrap();
    let path = std::env::temp_dir().join("tailor-bench-segmentation-config.json");
    std::fs::write(&path, doc.to_string()).unwrap();
    let native = native_us(&config);
    let runs = 201;
    let (viceroy, buckets) = viceroy_us(&path, runs);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Written by `make bench` (`examples/bench_segmentation.rs`): the demo config grown to 20 \
         rules (none matching the visitor, so all are evaluated) and its 3 experiments; a \
         consenting desktop Chrome visitor with client hints, `Accept-Language`, `Referer`, \
         cookies and UTM parameters. Measured: visitor-context parsing + consent + rule \
         evaluation + bucketing. **Native**: median of 21 batches of 2,000 calls. **Viceroy**: \
         median over {runs} requests (without the debug token, so no explanation is built) of the handler's `Server-Timing: segment` (1 µs resolution).\n"
    );
    let _ = writeln!(
        out,
        "| runtime | median per request | target | wasm / native |"
    );
    let _ = writeln!(out, "|---|---|---|---|");
    let _ = writeln!(out, "| native | {native:.1} µs | | |");
    let _ = writeln!(
        out,
        "| Viceroy (wasm) | {viceroy:.0} µs | well under 50 µs | {:.1}x |",
        viceroy / native
    );
    let _ = writeln!(out, "\nBuckets of the benchmark visitor: `{buckets}`.");
    write_block("segmentation", &out);
    eprintln!("segmentation: native {native:.1} µs, Viceroy {viceroy:.0} µs; wrote BENCHMARKS.md");
}
