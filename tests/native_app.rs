//! The shared handler on the in-memory host: routing, segments, banners, images, errors and
//! config loading, without any runtime.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::client::IPHONE;
use support::native::{demo_host, get, json, purge, send, DEBUG};

#[test]
fn the_bundled_config_serves_when_no_config_key_is_set() {
    let mut host = demo_host();
    host.settings.clear();
    let response = get(&host, "/banner.json?slot=sidebar", &[DEBUG]);
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-tailor-config"], "bundled");
    assert_eq!(json(&response)["items"].as_array().unwrap().len(), 3);
}

#[test]
fn a_configured_but_missing_config_is_an_operator_error() {
    let mut host = demo_host();
    host.kv
        .remove(&("tailor_kv".to_string(), "config/v1".to_string()));
    let response = get(&host, "/", &[]);
    assert_eq!(response.status(), 500);
    assert_eq!(json(&response)["error"], "invalid_config");
    assert!(host
        .logs
        .borrow()
        .iter()
        .any(|(_, line)| line.contains("config/v1")));
}

#[test]
fn images_are_resized_cached_and_logged() {
    let host = demo_host();
    let first = get(&host, "/img/thumbnail/photos/big.jpg", &[DEBUG]);
    assert_eq!(
        first.status(),
        200,
        "{}",
        String::from_utf8_lossy(first.body())
    );
    assert_eq!(first.headers()["x-tailor-source"], "origin");
    let img = image::load_from_memory(first.body()).unwrap();
    assert_eq!((img.width(), img.height()), (150, 94));
    // Stored under the hashed full key (next to its original), tagged with the path.
    let full_key = first.headers()["x-tailor-cache-key"].to_str().unwrap();
    let platform_key = tailor_core::cache_key::platform_key(full_key);
    let (_, write, _) = host.cache.borrow()[&platform_key].clone();
    assert_eq!(write.surrogate_keys, ["images", "image:photos/big.jpg"]);
    let images = || {
        let cache = host.cache.borrow();
        let tagged = cache
            .values()
            .filter(|(_, w, _)| w.surrogate_keys[0] == "images");
        tagged.count()
    };
    assert_eq!(images(), 2, "the variant and its original");
    let second = get(&host, "/img/thumbnail/photos/big.jpg", &[DEBUG]);
    assert_eq!(second.headers()["x-tailor-source"], "cache");
    assert_eq!(second.body(), first.body());
    // A purge by the path's tag empties the entry.
    assert_eq!(purge(&host, "image:photos/big.jpg").status(), 200);
    assert_eq!(images(), 0);
    let logs = host.logs.borrow();
    let line = logs
        .iter()
        .find(|(_, l)| l.contains("\"transform\""))
        .unwrap();
    let logged: serde_json::Value = serde_json::from_str(&line.1).unwrap();
    assert_eq!(logged["out"]["width"], 150);
    assert!(logged["ratio"].as_f64().unwrap() < 0.1);
}

#[test]
fn every_input_in_the_zoo_gets_its_status_dimensions_and_format() {
    let host = demo_host();
    let failures: Vec<String> = support::inputs::zoo()
        .iter()
        .filter_map(|input| {
            let uri = format!("/img/thumbnail/inputs/{}", input.name);
            let response = get(&host, &uri, &[("accept", support::inputs::ACCEPT)]);
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok());
            support::inputs::check(
                input,
                response.status().as_u16(),
                content_type,
                response.body(),
            )
            .err()
        })
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn stale_entries_are_refreshed_by_the_request_that_finds_them() {
    let host = demo_host();
    let url = "/img/thumbnail/photos/harbour.jpg";
    let source = |uri: &str| get(&host, uri, &[DEBUG]).headers()["x-tailor-source"].clone();
    assert_eq!(source(url), "origin");
    assert_eq!(source(url), "cache");
    // Past the edge TTL (30 days) but within stale-while-revalidate (1 hour): this request
    // remakes the variant; the next one finds it fresh.
    let ttl = 30.0 * 86_400.0;
    host.advance(ttl + 60.0);
    assert_eq!(source(url), "refresh");
    assert_eq!(source(url), "cache");
    // Past both: a plain miss.
    host.advance(ttl + 3_600.0 + 60.0);
    assert_eq!(source(url), "origin");
}

#[test]
fn dpr_above_the_top_bucket_is_served_at_it() {
    // The demo config sets images.max_dpr = 2: a 3x screen gets (and shares) the 2x rendition.
    let host = demo_host();
    let two = get(&host, "/img/thumbnail/photos/harbour.jpg?dpr=2", &[DEBUG]);
    let three = get(&host, "/img/thumbnail/photos/harbour.jpg?dpr=3", &[DEBUG]);
    assert_eq!(three.status(), 200);
    assert_eq!(
        two.headers()["x-tailor-cache-key"],
        three.headers()["x-tailor-cache-key"]
    );
    assert_eq!(three.headers()["x-tailor-source"], "cache");
    let img = image::load_from_memory(three.body()).unwrap();
    assert_eq!(img.width(), 300);
}

#[test]
fn oversized_originals_are_refused_with_413() {
    let mut host = demo_host();
    host.put_origin(
        "/photos/huge.jpg",
        200,
        "image/jpeg",
        vec![0xFF; 51 * 1024 * 1024],
    );
    let response = get(&host, "/img/preview/photos/huge.jpg", &[]);
    assert_eq!(response.status(), 413);
    assert_eq!(json(&response)["error"], "too_large");
}

#[test]
fn errors_are_json_with_precise_statuses() {
    let host = demo_host();
    let cases = [
        ("/img/poster/photos/big.jpg", 404, "not_found"),
        ("/img/preview/photos/fails.jpg", 502, "origin_failed"),
        ("/img/preview/photos/notes.txt", 415, "unsupported_format"),
        (
            "/img/preview/photos/truncated.jpg",
            422,
            "undecodable_image",
        ),
        ("/img/preview/../etc/passwd", 400, "bad_request"),
        ("/banner", 400, "bad_request"),
        ("/banner.json?slot=nope", 404, "not_found"),
        ("/elsewhere", 404, "not_found"),
    ];
    for (uri, status, kind) in cases {
        let response = get(&host, uri, &[]);
        assert_eq!(response.status(), status, "{uri}");
        assert_eq!(json(&response)["error"], kind, "{uri}");
        assert_eq!(response.headers()["content-type"], "application/json");
    }
    let post = send(&host, "DELETE", "/banner?slot=hero", &[]);
    assert_eq!(post.status(), 405);
}

#[test]
fn the_demo_page_shows_the_decision() {
    let host = demo_host();
    let response = get(&host, "/", &[("user-agent", IPHONE)]);
    let html = String::from_utf8(response.body().clone()).unwrap();
    assert!(html.contains("<b>Segment</b>mobile"));
    assert!(html.contains("<b>Country</b>NL"));
    assert!(html.contains("/img/thumbnail/photos/harbour.jpg"));
}

#[test]
fn hostile_headers_never_break_a_request() {
    let host = demo_host();
    let long_ua = "Mozilla/5.0 iPhone ".repeat(2000);
    let headers: &[&[(&str, &str)]] = &[
        &[("user-agent", &long_ua)],
        &[("sec-ch-ua-mobile", "\u{fffd}garbage")],
        &[("x-tailor-debug", "")],
    ];
    for h in headers {
        assert_eq!(get(&host, "/banner.json?slot=hero", h).status(), 200);
    }
    let odd_queries = [
        "/banner.json?slot=hero&slot=sidebar",
        "/banner.json?slot=%ZZ",
        "/banner.json?=&&slot",
    ];
    for uri in odd_queries {
        let status = get(&host, uri, &[]).status().as_u16();
        assert!([200, 400, 404].contains(&status), "{uri}: {status}");
    }
}

#[test]
fn image_paths_outside_the_configured_prefixes_are_forbidden() {
    let mut host = demo_host();
    let mut config: serde_json::Value =
        serde_json::from_slice(&host.kv[&("tailor_kv".to_string(), "config/v1".to_string())])
            .unwrap();
    config["images"] = serde_json::json!({"path_prefixes": ["catalogue/"]});
    host.put_kv("tailor_kv", "config/v1", config.to_string());
    let response = get(&host, "/img/thumbnail/photos/big.jpg", &[]);
    assert_eq!(response.status(), 403);
    assert_eq!(json(&response)["error"], "forbidden");
}

#[test]
fn unsigned_free_form_is_allowed_only_when_configured() {
    let mut host = demo_host();
    assert_eq!(get(&host, "/img/_/photos/big.jpg?w=200", &[]).status(), 403);
    let mut config: serde_json::Value =
        serde_json::from_slice(&host.kv[&("tailor_kv".to_string(), "config/v1".to_string())])
            .unwrap();
    config["images"] = serde_json::json!({"allow_unsigned": true});
    host.put_kv("tailor_kv", "config/v1", config.to_string());
    // The cache keeps the config it read for 30 s; purging `config` publishes at once.
    assert_eq!(purge(&host, "config").status(), 200);
    let response = get(&host, "/img/_/photos/big.jpg?w=200&h=200&fit=crop", &[]);
    assert_eq!(response.status(), 200);
    let img = image::load_from_memory(response.body()).unwrap();
    assert_eq!((img.width(), img.height()), (200, 200));
}

#[test]
fn avif_is_off_unless_configured_and_then_only_for_small_outputs() {
    let mut host = demo_host();
    let chrome = (
        "accept",
        "image/avif,image/webp,image/apng,image/*,*/*;q=0.8",
    );
    // The demo config allows AVIF up to 320 px: thumbnails yes, previews stay WebP.
    let thumb = get(&host, "/img/thumbnail/photos/harbour.jpg", &[chrome]);
    assert_eq!(thumb.headers()["content-type"], "image/avif");
    let preview = get(&host, "/img/preview/photos/harbour.jpg", &[chrome]);
    assert_eq!(preview.headers()["content-type"], "image/webp");
    assert_eq!(
        get(&host, "/img/preview/photos/harbour.jpg?format=avif", &[]).status(),
        400
    );
    // Without the setting, AVIF is off.
    let mut config: serde_json::Value =
        serde_json::from_slice(&host.kv[&("tailor_kv".to_string(), "config/v1".to_string())])
            .unwrap();
    config.as_object_mut().unwrap().remove("images");
    host.put_kv("tailor_kv", "config/v1", config.to_string());
    host.cache.borrow_mut().clear();
    let thumb = get(&host, "/img/thumbnail/photos/harbour.jpg", &[chrome]);
    assert_eq!(thumb.headers()["content-type"], "image/webp");
    let refused = get(&host, "/img/thumbnail/photos/harbour.jpg?format=avif", &[]);
    assert_eq!(refused.status(), 400);
    assert!(json(&refused)["detail"]
        .as_str()
        .unwrap()
        .contains("turned off"));
}

#[test]
fn a_long_lived_instance_remembers_the_parsed_config_for_30_seconds() {
    let mut host = demo_host();
    host.memo = Some(tailor_platform::Memo::default());
    let config_of = |host: &tailor_testing::memory::MemoryHost| {
        get(host, "/banner.json?slot=hero", &[DEBUG]).headers()["x-tailor-cache-key"]
            .to_str()
            .unwrap()
            .rsplit("cfg=")
            .next()
            .unwrap()
            .to_owned()
    };
    let first = config_of(&host);
    let mut doc: serde_json::Value = serde_json::from_str(tailor_demo::CONFIG_JSON).unwrap();
    doc["banners"]["slots"]["hero"]["max_items"] = serde_json::json!(3);
    host.put_kv("tailor_kv", "config/v1", doc.to_string().into_bytes());
    assert_eq!(config_of(&host), first, "read again within the memo's 30 s");
    host.advance(31.0);
    assert_ne!(config_of(&host), first, "the new config after 30 s");
}

#[test]
fn every_response_carries_the_total_in_handler_time() {
    let host = demo_host();
    for path in [
        "/healthz",
        "/banner.json?slot=hero",
        "/img/preview/photos/harbour.jpg",
        "/img/nope/photos/harbour.jpg",
        "/no-such-route",
    ] {
        let got = get(&host, path, &[("user-agent", IPHONE)]);
        let timing = got
            .headers()
            .get("server-timing")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let total = timing.rsplit(", ").next().unwrap_or_default();
        assert!(
            total.starts_with("total;dur="),
            "{path}: Server-Timing '{timing}' does not end with the total"
        );
    }
}
