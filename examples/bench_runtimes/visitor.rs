//! The banner rows' visitor as the request-path issue defines it: a consenting desktop visitor
//! whose sealed cookie holds 12 interactions (every 13th item of the desktop list, every third
//! a click), made by posting them to the harness's own `/events`.

use crate::support::client::{get, request_with_body, DESKTOP};
use crate::support::viceroy::{project_root, Harness};

/// The `Cookie` header of that visitor on `h` (sealed with `h`'s key and config).
pub(crate) fn with_history(h: &Harness) -> String {
    let consent = "tailor_consent=1";
    let first = get(
        &h.url("/banner.json?slot=hero"),
        &[("User-Agent", DESKTOP), ("Cookie", consent)],
    );
    let issued = first.header("set-cookie").expect("a visitor cookie");
    let visitor = issued.split(';').next().unwrap_or_default();
    let list = std::fs::read(project_root().join("demo/kv/recs/v3/desktop.json")).unwrap();
    let list: serde_json::Value = serde_json::from_slice(&list).unwrap();
    let events: Vec<serde_json::Value> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .step_by(13)
        .take(12)
        .enumerate()
        .map(|(i, item)| {
            let kind = if i % 3 == 0 { "click" } else { "view" };
            serde_json::json!({"type": kind, "item": item["id"]})
        })
        .collect();
    assert_eq!(events.len(), 12, "the desktop list has too few items");
    let body = serde_json::json!({ "events": events })
        .to_string()
        .into_bytes();
    let cookie = format!("{consent}; {visitor}");
    let posted = request_with_body(
        "POST",
        &h.url("/events"),
        &[
            ("User-Agent", DESKTOP),
            ("Cookie", &cookie),
            ("Content-Type", "application/json"),
        ],
        body,
    );
    let resealed = posted
        .header("set-cookie")
        .expect("the cookie with the events");
    format!(
        "{consent}; {}",
        resealed.split(';').next().unwrap_or_default()
    )
}

/// The median in-handler `total` (`Server-Timing`, µs) of `runs` hero banners for the visitor
/// whose `Cookie` header is `cookie`.
pub(crate) fn banner_total_us(h: &Harness, cookie: &str, runs: usize) -> f64 {
    let url = h.url("/banner?slot=hero");
    let mut totals: Vec<f64> = (0..runs)
        .filter_map(|_| {
            let got = get(&url, &[("User-Agent", DESKTOP), ("Cookie", cookie)]);
            let timing = got.header("server-timing")?.to_owned();
            let total = timing
                .split(", ")
                .find_map(|t| t.strip_prefix("total;dur="))?;
            total.parse::<f64>().ok().map(|ms| ms * 1000.0)
        })
        .collect();
    assert_eq!(totals.len(), runs, "every banner reports its total");
    crate::support::report::median(&mut totals)
}
