//! What reading the config costs a fresh Fastly instance, by how it is published: the bundled
//! document (served pre-initialized), and a document the build did not bundle, published as
//! JSON or compiled (`tailor check --compile`). Each is kept compiled in the platform cache
//! after the first request, so the JSON and compiled rows should agree; the bundled row reads
//! only the cached copy's digest.

use crate::support::client::{get, DEBUG, DESKTOP};
use crate::support::report::{median, server_timing_ms};
use crate::support::viceroy::{run_dir, Harness};
use std::fmt::Write as _;
use tailor_config::Config;

/// Medians of `Server-Timing: config` and `total` in µs over `runs` hero banners (JSON).
fn config_and_total_us(h: &Harness, runs: usize) -> (f64, f64, String) {
    let url = h.url("/banner.json?slot=hero");
    let headers = [("User-Agent", DESKTOP), DEBUG];
    let (mut config, mut total, mut source) = (Vec::new(), Vec::new(), String::new());
    for i in 0..runs + 2 {
        let got = get(&url, &headers);
        assert_eq!(got.status, 200, "{}", got.text());
        let timing = got.header("server-timing").unwrap_or_default();
        if i >= 2 {
            config.push(server_timing_ms(timing, "config").unwrap() * 1000.0);
            total.push(server_timing_ms(timing, "total").unwrap() * 1000.0);
            source = got.header("x-tailor-config").unwrap_or_default().to_owned();
        }
    }
    (median(&mut config), median(&mut total), source)
}

/// The block's paragraph: a row per form.
pub(crate) fn config_forms(runs: usize) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(tailor_demo::CONFIG_JSON).unwrap();
    doc["banners"]["slots"]["hero"]["max_items"] = 3.into();
    let json = doc.to_string().into_bytes();
    let compiled = Config::compile(&json).unwrap().1;
    let (json_path, compiled_path) = (
        run_dir().join("bench-config.json"),
        run_dir().join("bench-config.tcfg"),
    );
    std::fs::write(&json_path, &json).unwrap();
    std::fs::write(&compiled_path, &compiled).unwrap();
    let forms = [
        ("the bundled document (pre-initialized)", None),
        ("another document, published as JSON", Some(json_path)),
        ("the same, published compiled", Some(compiled_path)),
    ];
    let mut out = String::from(
        "\nReading the config, by how it is published (Viceroy, `Server-Timing` of the hero \
         banner's JSON, medians of the requests above; the config is read from the platform \
         cache's compiled copy after the first request):\n\n\
         | config in KV | `config` | `total` | debug `x-tailor-config` |\n|---|---:|---:|---|\n",
    );
    for (name, file) in forms {
        let overrides: Vec<_> = file.map(|f| ("config/v1", Some(f))).into_iter().collect();
        let harness = Harness::start(&overrides);
        let (config, total, source) = config_and_total_us(&harness, runs);
        let _ = writeln!(
            out,
            "| {name} | {config:.0} µs | {total:.0} µs | `{source}` |"
        );
    }
    out
}
