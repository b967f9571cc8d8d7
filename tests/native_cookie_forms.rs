//! The visitor cookie's two plaintext forms on the in-memory host: whichever form the config
//! seals in, a cookie of either form opens to the same visitor with the same history, so a
//! site can switch `visitor.cookie_form` without losing anyone.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::client::DESKTOP;
use support::native::{cookie_pair, demo_host, get, json, publish_config, send_body, DEBUG};
use tailor_testing::memory::MemoryHost;

fn seal_as(host: &mut MemoryHost, form: &str) {
    let form = form.to_owned();
    publish_config(host, |c| c["visitor"]["cookie_form"] = form.into());
}

/// Each of `items` viewed, the last clicked, posted with `cookie`: the re-sealed cookie.
fn remember_events(host: &MemoryHost, cookie: &str, items: &[String]) -> String {
    let events: Vec<_> = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let kind = if i == items.len() - 1 {
                "click"
            } else {
                "view"
            };
            serde_json::json!({"type": kind, "item": item, "slot": "hero"})
        })
        .collect();
    let body = serde_json::json!({ "events": events })
        .to_string()
        .into_bytes();
    let cookies = format!("tailor_consent=1; {cookie}");
    let headers = [("user-agent", DESKTOP), ("cookie", cookies.as_str())];
    let posted = send_body(host, "POST", "/events", &headers, body);
    assert_eq!(posted.status(), 204);
    cookie_pair(&posted).unwrap()
}

/// The visitor's buckets and the banner's items, as a debug banner shows them.
fn seen_as(host: &MemoryHost, cookie: &str) -> (String, serde_json::Value) {
    let cookies = format!("tailor_consent=1; {cookie}");
    let headers = [("user-agent", DESKTOP), ("cookie", cookies.as_str()), DEBUG];
    let banner = get(host, "/banner.json?slot=hero", &headers);
    assert_eq!(banner.status(), 200);
    let buckets = banner.headers()["x-tailor-buckets"].to_str().unwrap();
    (buckets.to_owned(), json(&banner)["items"].clone())
}

#[test]
fn either_form_opens_whichever_the_config_seals() {
    let mut host = demo_host();
    seal_as(&mut host, "json");
    let first = get(
        &host,
        "/banner.json?slot=hero",
        &[("user-agent", DESKTOP), ("cookie", "tailor_consent=1")],
    );
    let issued = cookie_pair(&first).unwrap();
    let items: Vec<String> = json(&first)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    let json_cookie = remember_events(&host, &issued, &items[..3]);
    let as_json = seen_as(&host, &json_cookie);

    // Switched to compact: the JSON cookie opens to the same visitor and history, and the
    // next change is sealed compact, shorter though it holds one event more.
    seal_as(&mut host, "compact");
    assert_eq!(seen_as(&host, &json_cookie), as_json);
    let compact_cookie = remember_events(&host, &json_cookie, &items[3..4]);
    assert!(
        compact_cookie.len() < json_cookie.len(),
        "{compact_cookie} against {json_cookie}"
    );
    let as_compact = seen_as(&host, &compact_cookie);
    assert_eq!(as_compact.0, as_json.0, "the same visitor");

    // Back to JSON (a rollback): the compact cookie still opens as it did.
    seal_as(&mut host, "json");
    assert_eq!(seen_as(&host, &compact_cookie), as_compact);
}
