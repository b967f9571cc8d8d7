//! Recommendations on the in-memory host: the layered list read (memory, platform cache, KV,
//! last good copy, bundled default), the version pointer, the re-rank from beacon events and
//! escaping.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::banners::{categories, ids};
use support::client::{DESKTOP, IPHONE};
use support::native::{
    cookie_pair, demo_host, get, json, lists_only_host, purge, send, send_body, DEBUG,
};
use tailor_platform::Memo;
use tailor_testing::memory::MemoryHost;

const CONSENT: (&str, &str) = ("cookie", "tailor_consent=1");

fn banner(host: &MemoryHost, slot: &str, headers: &[(&str, &str)]) -> http::Response<Vec<u8>> {
    get(host, &format!("/banner.json?slot={slot}"), headers)
}

fn assert_caps(body: &serde_json::Value, cap: usize) {
    let categories = categories(body);
    for c in &categories {
        let n = categories.iter().filter(|x| *x == c).count();
        assert!(n <= cap, "{c} appears {n} times in {categories:?}");
    }
}

fn source(response: &http::Response<Vec<u8>>) -> String {
    response.headers()["x-tailor-source"]
        .to_str()
        .unwrap()
        .to_owned()
}

#[test]
fn segments_get_their_own_versioned_lists() {
    let host = demo_host();
    let phone = json(&banner(&host, "hero", &[("user-agent", IPHONE)]));
    let desktop = json(&banner(&host, "hero", &[("user-agent", DESKTOP)]));
    assert_eq!(phone["segment"], "mobile");
    assert_eq!(desktop["segment"], "desktop");
    assert_eq!(phone["list_version"], "v3");
    assert_ne!(ids(&phone), ids(&desktop));
    assert_eq!(ids(&phone).len(), 4);
    assert_caps(&phone, 2);
    assert_caps(&desktop, 2);
}

#[test]
fn items_outside_their_date_window_never_show() {
    let host = demo_host();
    for ua in [IPHONE, DESKTOP] {
        for slot in ["hero", "sidebar"] {
            let body = json(&banner(&host, slot, &[("user-agent", ua)]));
            let shown = ids(&body);
            assert!(!shown.contains(&"sku-237".to_string()), "expired shown");
            assert!(!shown.contains(&"sku-238".to_string()), "future shown");
        }
    }
}

#[test]
fn a_click_lifts_its_category_and_drops_the_item() {
    let host = lists_only_host();
    let headers = [("user-agent", DESKTOP), CONSENT];
    let first = banner(&host, "hero", &headers);
    let cookie = cookie_pair(&first).unwrap();
    let before = json(&first);
    // A category the banner does not show yet, and its best item from the list.
    let list: serde_json::Value = serde_json::from_slice(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/demo/kv/recs/v3/desktop.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let shown = categories(&before);
    let clicked = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| !shown.contains(&i["category"].as_str().unwrap().to_owned()))
        .unwrap();
    let (item, category) = (
        clicked["id"].as_str().unwrap(),
        clicked["category"].as_str().unwrap(),
    );
    let event =
        serde_json::json!({"type": "click", "item": item, "category": category, "slot": "hero"});
    let cookies = format!("tailor_consent=1; {cookie}");
    let posted = send_body(
        &host,
        "POST",
        "/events",
        &[("user-agent", DESKTOP), ("cookie", &cookies)],
        event.to_string().into_bytes(),
    );
    assert_eq!(posted.status(), 204);
    let updated = cookie_pair(&posted).unwrap();
    assert_ne!(updated, cookie);
    let logged = host.logs.borrow();
    assert!(logged
        .iter()
        .any(|(endpoint, line)| endpoint == "tailor_events" && line.contains(item)));
    drop(logged);

    let cookies = format!("tailor_consent=1; {updated}");
    let after = json(&banner(
        &host,
        "hero",
        &[("user-agent", DESKTOP), ("cookie", &cookies)],
    ));
    assert!(
        !ids(&after).contains(&item.to_owned()),
        "clicked item shown again"
    );
    let position = categories(&after).iter().position(|c| c == category);
    assert_eq!(
        position,
        Some(0),
        "{category} not first: {:?}",
        categories(&after)
    );
    assert_eq!(after["items"][0]["boosted"], true);
    assert_caps(&after, 2);
}

#[test]
fn without_consent_events_are_logged_but_not_remembered() {
    let host = demo_host();
    let event = r#"{"type":"view","item":"sku-001","category":"shoes"}"#;
    let response = send_body(
        &host,
        "POST",
        "/events",
        &[("user-agent", DESKTOP)],
        event.into(),
    );
    assert_eq!(response.status(), 204);
    assert!(response.headers().get("set-cookie").is_none());
    let logs = host.logs.borrow();
    let line = logs
        .iter()
        .find(|(endpoint, _)| endpoint == "tailor_events")
        .unwrap();
    assert!(line.1.contains(r#""visitor":null"#), "{}", line.1);
}

#[test]
fn bad_beacons_get_clear_errors() {
    let host = demo_host();
    let post = |body: &[u8], headers: &[(&str, &str)]| {
        send_body(&host, "POST", "/events", headers, body.to_vec())
    };
    for body in [
        &b"not json"[..],
        br#"{"type":"buy","item":"a","category":"c"}"#,
        br#"{"events":[]}"#,
        br#"{"type":"view","item":"<script>","category":"c"}"#,
    ] {
        let response = post(body, &[]);
        assert_eq!(response.status(), 400, "{}", String::from_utf8_lossy(body));
        assert_eq!(json(&response)["error"], "bad_request");
    }
    assert_eq!(post(&[b' '; 9000], &[]).status(), 413);
    let foreign = post(
        br#"{"type":"view","item":"a","category":"c"}"#,
        &[("origin", "https://evil.example"), ("host", "shop.example")],
    );
    assert_eq!(foreign.status(), 403);
    assert_eq!(send(&host, "GET", "/events", &[]).status(), 405);
}

#[test]
fn hostile_titles_are_escaped_in_html_and_json() {
    let host = demo_host();
    let sale = "/banner.json?slot=hero&utm_campaign=black-friday-2026";
    let body = get(&host, sale, &[("user-agent", DESKTOP)]);
    let text = String::from_utf8(body.body().clone()).unwrap();
    assert!(!text.contains("<script>"), "{text}");
    assert!(text.contains("\\u003cscript\\u003e"), "{text}");
    assert_eq!(
        json(&body)["items"][0]["title"],
        "Flash deal <script>alert(\"xss\")</script> & \"more\""
    );
    let html = get(
        &host,
        "/banner?slot=hero&utm_campaign=black-friday-2026",
        &[("user-agent", DESKTOP)],
    );
    let html = String::from_utf8(html.body().clone()).unwrap();
    assert!(!html.contains("<script>"), "{html}");
    assert!(
        html.contains(
            "Flash deal &lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt; &amp; &quot;more&quot;"
        ),
        "{html}"
    );
}

#[test]
fn lists_are_read_through_the_layers() {
    let mut host = lists_only_host();
    host.memo = Some(Memo::default());
    let read = |host: &MemoryHost| source(&banner(host, "hero", &[("user-agent", IPHONE), DEBUG]));
    assert_eq!(read(&host), "kv");
    assert_eq!(read(&host), "memory");
    host.advance(31.0);
    assert_eq!(read(&host), "cache");
    // KV down: memory and cache carry on; past both, the last good copy.
    host.kv_failing.borrow_mut().push("recs/".into());
    host.advance(20.0);
    assert_eq!(read(&host), "memory");
    host.advance(200.0);
    assert_eq!(read(&host), "last-good");
    // An instance without memory (Fastly) gets the last good copy from the platform cache.
    host.memo = None;
    assert_eq!(read(&host), "last-good");
    let logs = host.logs.borrow();
    assert!(logs.iter().any(|(_, l)| l.contains("recs_fallback")));
}

#[test]
fn with_kv_missing_the_bundled_default_is_served() {
    let host = demo_host();
    host.kv_failing.borrow_mut().push("recs/".into());
    let response = banner(&host, "hero", &[("user-agent", DESKTOP), DEBUG]);
    assert_eq!(response.status(), 200);
    assert_eq!(source(&response), "default");
    assert_eq!(json(&response)["list_version"], "default");
    assert_eq!(ids(&json(&response)).len(), 4);
}

#[test]
fn garbage_lists_and_pointers_fall_back() {
    let mut host = lists_only_host();
    host.put_kv("tailor_kv", "recs/v3/mobile", b"{not json".to_vec());
    let response = banner(&host, "hero", &[("user-agent", IPHONE), DEBUG]);
    assert_eq!(source(&response), "default");
    let mut host = demo_host();
    host.put_kv("tailor_kv", "recs/current", b"../etc".to_vec());
    let response = banner(&host, "hero", &[("user-agent", DESKTOP), DEBUG]);
    assert_eq!(source(&response), "default");
}

#[test]
fn flipping_the_pointer_publishes_a_new_version() {
    let mut host = demo_host();
    let read = |host: &MemoryHost| json(&banner(host, "hero", &[("user-agent", DESKTOP)]));
    assert_eq!(read(&host)["list_version"], "v3");
    let mut list: serde_json::Value = serde_json::from_slice(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/demo/kv/recs/v3/desktop.json"
        ))
        .unwrap(),
    )
    .unwrap();
    list["items"][5]["score"] = serde_json::json!(10_000.0);
    let star = list["items"][5]["id"].as_str().unwrap().to_owned();
    host.put_kv(
        "tailor_kv",
        "recs/v4/desktop",
        list.to_string().into_bytes(),
    );
    host.put_kv("tailor_kv", "recs/current", b"v4".to_vec());
    // The cached pointer holds until it expires or is purged.
    assert_eq!(read(&host)["list_version"], "v3");
    assert_eq!(purge(&host, "list-pointer").status(), 200);
    let now = read(&host);
    assert_eq!(now["list_version"], "v4");
    assert_eq!(ids(&now)[0], star);
}

/// No fill left open and no lookup that would have waited on one: on Fastly, an open fill
/// holds every other request for the key back until the request holding it ends.
fn assert_fills_released(host: &MemoryHost, what: &str) {
    assert!(
        host.open_fills.borrow().is_empty(),
        "{what}: fills left open {:?}",
        host.open_fills.borrow()
    );
    assert!(
        host.waited.borrow().is_empty(),
        "{what}: lookups that would have waited {:?}",
        host.waited.borrow()
    );
}

#[test]
fn list_and_pointer_fills_are_given_up_when_kv_fails() {
    // KV down, with no last good copy: the pointer, then the last good list, miss. (The list
    // layer itself: without the trained model, which would serve these segments.)
    let host = lists_only_host();
    host.kv_failing.borrow_mut().push("recs/".into());
    for _ in 0..3 {
        assert_eq!(
            source(&banner(&host, "hero", &[("user-agent", DESKTOP), DEBUG])),
            "default"
        );
    }
    assert_fills_released(&host, "KV outage");
    // A garbage list: the list's own key misses and cannot be filled.
    let mut host = lists_only_host();
    host.put_kv("tailor_kv", "recs/v3/mobile", b"{not json".to_vec());
    for _ in 0..3 {
        assert_eq!(
            source(&banner(&host, "hero", &[("user-agent", IPHONE), DEBUG])),
            "default"
        );
    }
    assert_fills_released(&host, "garbage list");
    // A garbage pointer, and a missing one.
    let mut host = lists_only_host();
    host.put_kv("tailor_kv", "recs/current", b"../etc".to_vec());
    banner(&host, "hero", &[("user-agent", DESKTOP)]);
    banner(&host, "sidebar", &[("user-agent", DESKTOP)]);
    assert_fills_released(&host, "garbage pointer");
    let mut host = lists_only_host();
    host.kv
        .remove(&("tailor_kv".to_string(), "recs/current".to_string()));
    banner(&host, "hero", &[("user-agent", DESKTOP)]);
    banner(&host, "hero", &[("user-agent", DESKTOP)]);
    assert_fills_released(&host, "missing pointer");
    // And when all is well, every fill is completed by its insert.
    let host = demo_host();
    banner(&host, "hero", &[("user-agent", DESKTOP)]);
    banner(&host, "hero", &[("user-agent", DESKTOP)]);
    assert_fills_released(&host, "healthy KV");
}
