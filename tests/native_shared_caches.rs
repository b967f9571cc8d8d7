//! What shared caches may keep, on the in-memory host: personalized and debug responses are
//! `private, no-store` without any header a CDN in front would follow instead (origin pages
//! keep only allowlisted headers), and image variants are stored without anything debug.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::cache_origin::{KEPT_HEADERS, SHARED_CACHE_HEADERS};
use support::client::DESKTOP;
use support::native::{demo_host, get, send_body, DEBUG};

const CONSENT: (&str, &str) = ("cookie", "tailor_consent=1");

fn header<'r>(response: &'r http::Response<Vec<u8>>, name: &str) -> Option<&'r str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

/// `private, no-store`, and none of the headers by which CDNs override or index it.
fn assert_private(response: &http::Response<Vec<u8>>, what: &str) {
    assert_eq!(
        header(response, "cache-control"),
        Some("private, no-store"),
        "{what}"
    );
    for (name, _) in response.headers() {
        let name = name.as_str();
        let shared = (name.ends_with("cache-control") && name != "cache-control")
            || ["surrogate-", "fastly-", "edge-", "x-accel-", "x-vendor-"]
                .iter()
                .any(|family| name.starts_with(family))
            || ["cache-tag", "expires", "age", "pragma"].contains(&name);
        assert!(!shared, "{what}: {name} would let a shared cache keep it");
    }
}

#[test]
fn personalized_pages_keep_no_header_a_shared_cache_would_follow() {
    let host = demo_host();
    let page = get(
        &host,
        "/page/cdn-cached.html",
        &[("user-agent", DESKTOP), CONSENT],
    );
    assert_eq!(page.status(), 200);
    assert_private(&page, "page");
    assert_eq!(
        header(&page, "vary"),
        None,
        "the origin's Vary is about its bytes"
    );
    for (name, value) in KEPT_HEADERS {
        let values: Vec<&str> = page
            .headers()
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        assert!(values.contains(&value), "{name} dropped: {values:?}");
    }
    // The origin's cookie and the visitor's own.
    assert_eq!(page.headers().get_all("set-cookie").iter().count(), 2);
    assert!(String::from_utf8_lossy(page.body()).contains("data-slot=\"hero\""));
}

#[test]
fn every_personalized_response_is_private_to_its_visitor() {
    let host = demo_host();
    let headers = [("user-agent", DESKTOP), CONSENT];
    for path in ["/", "/banner?slot=hero", "/banner.json?slot=sidebar"] {
        let response = get(&host, path, &headers);
        assert_eq!(response.status(), 200, "{path}");
        assert!(header(&response, "set-cookie").is_some(), "{path}");
        assert_private(&response, path);
    }
    let beacon = send_body(
        &host,
        "POST",
        "/events",
        &headers,
        br#"{"type":"click","item":"sku-005","category":"outdoor"}"#.to_vec(),
    );
    assert_eq!(beacon.status(), 204);
    assert_private(&beacon, "beacon");
}

#[test]
fn debug_responses_are_private_and_never_stored_with_their_explanations() {
    let url = "/img/preview/photos/harbour.jpg";
    let host = demo_host();
    let debug = get(&host, url, &[DEBUG]);
    assert_eq!(header(&debug, "x-tailor-source"), Some("origin"));
    assert_private(&debug, "debug miss");
    // The variants a debug request stores are exactly what any request stores.
    let plain = demo_host();
    get(&plain, url, &[]);
    let variants = |h: &tailor_testing::memory::MemoryHost| {
        let mut all: Vec<_> = h
            .cache
            .borrow()
            .iter()
            .filter(|(_, (object, _, _))| object.headers.iter().any(|(n, _)| n == "content-type"))
            .map(|(k, (object, write, _))| (k.clone(), object.clone(), write.clone()))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    };
    assert!(!variants(&host).is_empty());
    assert_eq!(variants(&host), variants(&plain));
    // Served from the cache without the token: shared, and without explanations.
    let hit = get(&host, url, &[]);
    assert_eq!(header(&hit, "cache-control"), Some("public, max-age=86400"));
    assert!(header(&hit, "surrogate-control").is_some());
    assert!(hit
        .headers()
        .keys()
        .all(|k| !k.as_str().starts_with("x-tailor-")));
    // With it: private again.
    let debug_hit = get(&host, url, &[DEBUG]);
    assert_eq!(header(&debug_hit, "x-tailor-source"), Some("cache"));
    assert_private(&debug_hit, "debug hit");
    // A page that passes through unchanged keeps the origin's caching, unless debugged.
    let passthrough = get(&host, "/page/cdn-cached.json", &[]);
    for (name, value) in SHARED_CACHE_HEADERS {
        assert_eq!(header(&passthrough, name), Some(value), "{name}");
    }
    let debugged = get(&host, "/page/cdn-cached.json", &[DEBUG]);
    assert_eq!(
        header(&debugged, "x-tailor-source"),
        Some("origin-passthrough")
    );
    assert_eq!(header(&debugged, "content-type"), Some("application/json"));
    assert_private(&debugged, "debug pass-through");
}
