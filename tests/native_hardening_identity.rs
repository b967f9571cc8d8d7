//! Identity and input hardening on the in-memory host: cookie key rotation, a failing random
//! source, preview tokens (lifetime, key rotation, never forwarded), purge authorization,
//! thousands of cookies, and catalogue links and images that would leave the site.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::client::{DESKTOP, IPHONE};
use support::native::{cookie_pair, demo_host, get, json, lists_only_host, send_body, DEBUG};
use tailor_core::identity::preview;
use tailor_platform::Platform;
use tailor_testing::memory::MemoryHost;

const CONSENT: (&str, &str) = ("cookie", "tailor_consent=1");
const PREVIEW_P1: &[u8] = b"demo-preview-key-0123456789abcdef";
const PREVIEW_P2: &[u8] = b"demo-preview-key-2-fedcba9876543210";
const ADMIN_TOKEN: &str = "demo-admin-token-0123456789abcdef";

/// Edits the demo config in the host's KV, published at once.
fn configure(host: &mut MemoryHost, edit: impl FnOnce(&mut serde_json::Value)) {
    support::native::publish_config(host, edit);
}

fn rotate_keys(host: &mut MemoryHost) {
    configure(host, |c| {
        c["keys"]["cookie"] = "k2".into();
        c["keys"]["cookie_previous"] = serde_json::json!(["k1"]);
        c["keys"]["preview"] = "p2".into();
        c["keys"]["preview_previous"] = serde_json::json!(["p1"]);
    });
}

fn header<'a>(response: &'a http::Response<Vec<u8>>, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

fn now_s(host: &MemoryHost) -> u64 {
    (host.now_ms() / 1000.0) as u64
}

#[test]
fn a_cookie_opened_with_a_previous_key_is_resealed_with_the_current_key() {
    let mut host = demo_host();
    let headers = [("user-agent", DESKTOP), CONSENT, DEBUG];
    let first = get(&host, "/banner.json?slot=hero", &headers);
    let old = cookie_pair(&first).unwrap();
    assert!(old.starts_with("tailor_visitor=k1."), "{old}");
    let buckets = header(&first, "x-tailor-buckets").unwrap().to_owned();

    rotate_keys(&mut host);
    // A minute old: well within the daily refresh, yet re-sealed because of its key.
    host.advance(60.0);
    let cookies = format!("tailor_consent=1; {old}");
    let request = [("user-agent", DESKTOP), ("cookie", cookies.as_str()), DEBUG];
    let rotated = get(&host, "/banner.json?slot=hero", &request);
    let new = cookie_pair(&rotated).expect("re-sealed on this response");
    assert!(new.starts_with("tailor_visitor=k2."), "{new}");
    assert_eq!(
        header(&rotated, "x-tailor-buckets"),
        Some(buckets.as_str()),
        "the same visitor"
    );

    // Under the current key, the cookie is not re-issued again.
    let cookies = format!("tailor_consent=1; {new}");
    let request = [("user-agent", DESKTOP), ("cookie", cookies.as_str()), DEBUG];
    let settled = get(&host, "/banner.json?slot=hero", &request);
    assert_eq!(cookie_pair(&settled), None);
    assert_eq!(header(&settled, "x-tailor-buckets"), Some(buckets.as_str()));
}

#[test]
fn a_failing_random_source_issues_no_identity_rather_than_a_predictable_one() {
    let host = demo_host();
    host.random_fails.set(true);
    let headers = [("user-agent", DESKTOP), CONSENT, DEBUG];
    let response = get(&host, "/banner.json?slot=hero", &headers);
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "set-cookie"),
        None,
        "no zero nonce, no zero id"
    );
    assert!(header(&response, "x-tailor-buckets")
        .unwrap()
        .contains("control("));
    // An existing visitor keeps their identity; only the re-seal is skipped.
    host.random_fails.set(false);
    let cookie = cookie_pair(&get(&host, "/banner.json?slot=hero", &headers)).unwrap();
    host.random_fails.set(true);
    let cookies = format!("tailor_consent=1; {cookie}");
    let body = br#"{"type":"click","item":"sku-005","category":"outdoor"}"#.to_vec();
    let beacon = send_body(
        &host,
        "POST",
        "/events",
        &[("user-agent", DESKTOP), ("cookie", &cookies)],
        body,
    );
    assert_eq!(beacon.status(), 204);
    assert_eq!(header(&beacon, "set-cookie"), None);
    let logs = host.logs.borrow();
    assert!(logs.iter().any(|(_, l)| l.contains("random_failed")));
    assert!(logs
        .iter()
        .any(|(_, l)| l.contains("\"event\":\"click\"") && l.contains("\"visitor\":\"")));
}

#[test]
fn preview_tokens_past_the_maximum_lifetime_are_ignored() {
    let host = demo_host();
    let forever = preview::mint("p1", PREVIEW_P1, "dach", 32_503_680_000); // year 3000
    let uri = format!("/banner.json?slot=hero&tailor_preview={forever}");
    let response = get(&host, &uri, &[("user-agent", IPHONE), DEBUG]);
    assert_eq!(header(&response, "x-tailor-segment"), Some("mobile"));
    assert!(header(&response, "x-tailor-warnings")
        .unwrap()
        .contains("preview token"));
    let hour = preview::mint("p1", PREVIEW_P1, "dach", now_s(&host) + 3600);
    let uri = format!("/banner.json?slot=hero&tailor_preview={hour}");
    let response = get(&host, &uri, &[("user-agent", IPHONE), DEBUG]);
    assert_eq!(header(&response, "x-tailor-segment"), Some("dach"));
}

#[test]
fn preview_tokens_keep_working_across_a_preview_key_rotation() {
    let mut host = demo_host();
    rotate_keys(&mut host);
    let expiry = now_s(&host) + 3600;
    for token in [
        preview::mint("p1", PREVIEW_P1, "sale", expiry),
        preview::mint("p2", PREVIEW_P2, "sale", expiry),
    ] {
        let uri = format!("/banner.json?slot=hero&tailor_preview={token}");
        let response = get(&host, &uri, &[("user-agent", IPHONE), DEBUG]);
        assert_eq!(
            header(&response, "x-tailor-segment"),
            Some("sale"),
            "{token}"
        );
    }
    // Retired keys and keys the config does not name are refused, even if the store has them.
    configure(&mut host, |c| {
        c["keys"]["preview_previous"] = serde_json::json!([])
    });
    let old = preview::mint("p1", PREVIEW_P1, "sale", expiry);
    let uri = format!("/banner.json?slot=hero&tailor_preview={old}");
    let response = get(&host, &uri, &[("user-agent", IPHONE), DEBUG]);
    assert_eq!(header(&response, "x-tailor-segment"), Some("mobile"));
}

#[test]
fn preview_tokens_are_not_forwarded_to_the_origin() {
    let host = demo_host();
    let token = preview::mint("p1", PREVIEW_P1, "dach", now_s(&host) + 3600);
    let uri = format!("/page/index.html?a=1&tailor_preview={token}&b=%2F&tailor%5Fx=y");
    // The memory origin answers by exact path and query (a 404 here): only what it was
    // asked for matters.
    let _ = get(&host, &uri, &[("user-agent", DESKTOP)]);
    assert_eq!(
        host.fetched.borrow().last().unwrap(),
        "/pages/index.html?a=1&b=%2F"
    );
    let _ = get(
        &host,
        &format!("/page/index.html?tailor_preview={token}"),
        &[],
    );
    assert_eq!(host.fetched.borrow().last().unwrap(), "/pages/index.html");
}

fn purge_with(host: &MemoryHost, authorization: Option<&str>) -> http::Response<Vec<u8>> {
    let body = br#"{"surrogate_keys": ["images"]}"#.to_vec();
    let headers: Vec<(&str, &str)> = authorization
        .map(|a| vec![("authorization", a)])
        .unwrap_or_default();
    send_body(host, "POST", "/admin/purge", &headers, body)
}

#[test]
fn purge_refusals_are_one_identical_403_whatever_the_reason() {
    let mut host = demo_host();
    let wrong = format!("Bearer {}x", ADMIN_TOKEN);
    let refusals = [
        purge_with(&host, None),
        purge_with(&host, Some(&wrong)),
        purge_with(&host, Some("Basic YWRtaW46YWRtaW4=")),
        purge_with(&host, Some("Bearer short")),
    ];
    host.secrets.remove("admin-token");
    let unconfigured = purge_with(&host, Some(&format!("Bearer {ADMIN_TOKEN}")));
    for refused in refusals.iter().chain([&unconfigured]) {
        assert_eq!(refused.status(), 403);
        assert_eq!(refused.body(), unconfigured.body());
    }
    assert_eq!(json(&unconfigured)["error"], "forbidden");
    let logs = host.logs.borrow();
    let reasons: Vec<&str> = ["NotConfigured", "NoBearerToken", "WrongToken"]
        .into_iter()
        .filter(|r| {
            logs.iter()
                .any(|(_, l)| l.contains("purge_refused") && l.contains(r))
        })
        .collect();
    assert_eq!(reasons.len(), 3, "the real reason is logged: {logs:?}");
}

#[test]
fn the_bearer_scheme_is_accepted_in_any_case() {
    let host = demo_host();
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let response = purge_with(&host, Some(&format!("{scheme} {ADMIN_TOKEN}")));
        assert_eq!(response.status(), 200, "{scheme}");
    }
}

#[test]
fn ten_thousand_cookies_cost_little_and_only_the_first_are_read() {
    let host = demo_host();
    let junk: Vec<String> = (0..10_000).map(|i| format!("c{i}=v")).collect();
    let mut builder = http::Request::builder()
        .uri("/banner.json?slot=hero")
        .header("user-agent", DESKTOP)
        .header("x-tailor-debug", "demo-debug")
        .header("cookie", "tailor_consent=1");
    for cookie in &junk {
        builder = builder.header("cookie", cookie);
    }
    let one_header = format!("tailor_consent=1; {}", junk.join("; "));
    let requests = [
        builder.body(Vec::new()).unwrap(),
        http::Request::builder()
            .uri("/banner.json?slot=hero")
            .header("user-agent", DESKTOP)
            .header("x-tailor-debug", "demo-debug")
            .header("cookie", one_header)
            .body(Vec::new())
            .unwrap(),
    ];
    for request in requests {
        let start = std::time::Instant::now();
        let response =
            tailor_platform::block_on(tailor::handle(request, &host, &support::native::BUNDLE))
                .unwrap();
        assert!(start.elapsed().as_millis() < 500, "{:?}", start.elapsed());
        assert_eq!(response.status(), 200);
        // The consent cookie came first, so it is read; the rest is cut off and noted.
        assert!(cookie_pair(&response).is_some());
        assert!(header(&response, "x-tailor-warnings")
            .unwrap()
            .contains("cookie"));
    }
}

fn serve_list(host: &mut MemoryHost, url: &str, image: &str) {
    let list = serde_json::json!({"segment": "mobile", "items": [
        {"id": "sku-1", "title": "One", "url": url, "image": image, "category": "a", "score": 9},
        {"id": "sku-2", "title": "Two", "url": "/p/2", "image": "photos/item-02.jpg", "category": "b", "score": 8}]});
    host.put_kv("tailor_kv", "recs/v3/mobile", list.to_string());
}

#[test]
fn item_links_with_a_backslash_never_leave_the_site() {
    // Without the trained model, which would rank the phone segment itself.
    let mut host = lists_only_host();
    for hostile in ["/\\evil.example/", "/%5Cevil.example", "/\t/evil.example"] {
        serve_list(&mut host, hostile, "photos/item-01.jpg");
        let response = get(&host, "/banner.json?slot=hero", &[("user-agent", IPHONE)]);
        let body = json(&response);
        assert_eq!(body["items"][0]["id"], "sku-1");
        assert_eq!(body["items"][0]["url"], "#", "{hostile:?}");
    }
}

#[test]
fn item_images_that_are_not_origin_paths_make_the_list_unusable() {
    let mut host = lists_only_host();
    serve_list(&mut host, "/p/1", "https://evil.example/x.jpg");
    let response = get(
        &host,
        "/banner.json?slot=hero",
        &[("user-agent", IPHONE), DEBUG],
    );
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "x-tailor-source"), Some("default"));
    let body = json(&response);
    for item in body["items"].as_array().unwrap() {
        assert!(
            item["image"].as_str().unwrap().starts_with("/img/"),
            "{item}"
        );
        assert!(!item["image"].as_str().unwrap().contains("evil"), "{item}");
    }
    assert!(host
        .logs
        .borrow()
        .iter()
        .any(|(_, l)| l.contains("recs_fallback") && l.contains("image")));
}
