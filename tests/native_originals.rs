//! Originals kept in the platform cache: one origin fetch serves every variant of an image,
//! a purge of the image's path drops the original with its variants, and the origin's
//! `Cache-Control` decides whether and how long an original is kept. A cache that fails is
//! a logged miss, never a failed image.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::native::{demo_host, entries_but_config, get, purge, DEBUG};
use tailor_platform::BodyStream;
use tailor_testing::memory::MemoryHost;

const ORIGINAL: &str = "/photos/harbour.jpg";

fn fetches(host: &MemoryHost) -> usize {
    host.fetched
        .borrow()
        .iter()
        .filter(|p| p.as_str() == ORIGINAL)
        .count()
}

/// The stages of a variant made now: `fetch` when its original came from the origin,
/// `original` when it came from the cache.
fn stages(host: &MemoryHost, variant: &str) -> String {
    let response = get(host, &format!("/img/{variant}{ORIGINAL}"), &[DEBUG]);
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-tailor-source"], "origin");
    response.headers()["server-timing"]
        .to_str()
        .unwrap()
        .to_owned()
}

fn with_origin_cache_control(value: &str) -> MemoryHost {
    let mut host = demo_host();
    let reply = host.origin.get_mut(ORIGINAL).unwrap();
    reply.headers.push(("cache-control".into(), value.into()));
    host
}

#[test]
fn every_variant_of_an_image_is_made_from_one_origin_fetch() {
    let host = demo_host();
    assert!(stages(&host, "thumbnail").contains("fetch;"));
    let preview = stages(&host, "preview");
    assert!(preview.contains("original;"), "{preview}");
    assert!(!preview.contains("fetch;"), "{preview}");
    assert!(stages(&host, "full").contains("original;"));
    assert_eq!(fetches(&host), 1);
    // The same bytes as a variant made straight from the origin.
    let cached = get(&host, &format!("/img/preview{ORIGINAL}"), &[]);
    let fresh = get(&demo_host(), &format!("/img/preview{ORIGINAL}"), &[]);
    assert_eq!(cached.body(), fresh.body());
}

#[test]
fn purging_an_image_path_drops_its_original_too() {
    let host = demo_host();
    stages(&host, "thumbnail");
    assert_eq!(purge(&host, "image:photos/harbour.jpg").status(), 200);
    assert!(stages(&host, "preview").contains("fetch;"));
    assert_eq!(fetches(&host), 2);
}

#[test]
fn the_origin_decides_whether_and_how_long_an_original_is_kept() {
    let host = with_origin_cache_control("no-store");
    stages(&host, "thumbnail");
    stages(&host, "preview");
    assert_eq!(fetches(&host), 2, "no-store: never kept");

    let host = with_origin_cache_control("public, max-age=60");
    stages(&host, "thumbnail");
    stages(&host, "preview");
    assert_eq!(fetches(&host), 1);
    host.advance(61.0);
    stages(&host, "full");
    assert_eq!(fetches(&host), 2, "kept 60 s, as the origin said");
}

fn header<'r>(response: &'r http::Response<Vec<u8>>, name: &str) -> Option<&'r str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

#[test]
fn variants_of_originals_the_origin_keeps_private_are_neither_stored_nor_public() {
    for (cache_control, expected) in [
        ("no-store", "private, no-store"),
        ("public, NO-STORE", "private, no-store"),
        ("private, max-age=600", "private, max-age=600"),
        ("private", "private, max-age=0"),
    ] {
        let host = with_origin_cache_control(cache_control);
        for round in 1..=2 {
            let variant = get(&host, &format!("/img/preview{ORIGINAL}"), &[]);
            assert_eq!(variant.status(), 200);
            assert_eq!(
                header(&variant, "cache-control"),
                Some(expected),
                "{cache_control}"
            );
            for shared in ["surrogate-control", "surrogate-key", "cache-tag"] {
                assert_eq!(header(&variant, shared), None, "{cache_control}: {shared}");
            }
            // Made anew each time: neither the variant, its siblings nor the original is kept.
            assert!(entries_but_config(&host).is_empty(), "{cache_control}");
            assert_eq!(fetches(&host), round, "{cache_control}");
        }
        assert!(host.open_fills.borrow().is_empty(), "{cache_control}");
    }
}

#[test]
fn variants_never_outlive_the_lifetime_the_origin_gives_their_original() {
    let host = with_origin_cache_control("public, max-age=60");
    let first = get(&host, &format!("/img/preview{ORIGINAL}"), &[]);
    assert_eq!(header(&first, "cache-control"), Some("public, max-age=60"));
    assert_eq!(
        header(&first, "surrogate-control"),
        Some("max-age=60, stale-while-revalidate=0")
    );
    assert_eq!(
        header(&first, "surrogate-key"),
        Some("images image:photos/harbour.jpg")
    );
    let ttls: Vec<u32> = entries_but_config(&host)
        .iter()
        .map(|key| host.cache.borrow()[key].1.ttl_seconds)
        .collect();
    assert!(ttls.len() >= 2 && ttls.iter().all(|&t| t == 60), "{ttls:?}");
    // Half a minute on, a variant made from the kept original gets what is left of it.
    host.advance(30.0);
    let later = get(&host, &format!("/img/full{ORIGINAL}"), &[DEBUG]);
    assert!(header(&later, "server-timing")
        .unwrap()
        .contains("original;"));
    let made = tailor_core::cache_key::platform_key(header(&later, "x-tailor-cache-key").unwrap());
    let ttl = host.cache.borrow()[&made].1.ttl_seconds;
    assert!((29..=30).contains(&ttl), "{ttl}");
    assert_eq!(fetches(&host), 1);

    // no-cache: the edge keeps nothing, and any cache must revalidate (the ETag answers 304).
    let host = with_origin_cache_control("no-cache");
    let revalidate = get(&host, &format!("/img/preview{ORIGINAL}"), &[]);
    assert_eq!(header(&revalidate, "cache-control"), Some("no-cache"));
    assert_eq!(header(&revalidate, "surrogate-control"), None);
    assert!(entries_but_config(&host).is_empty());
    let etag = header(&revalidate, "etag").unwrap().to_owned();
    let again = get(
        &host,
        &format!("/img/preview{ORIGINAL}"),
        &[("if-none-match", &etag)],
    );
    assert_eq!(again.status(), 304);
}

#[test]
fn failed_variant_fills_are_given_up_so_waiting_requests_go_on() {
    let host = demo_host();
    for (path, status) in [
        ("/img/preview/photos/truncated.jpg", 422),
        ("/img/preview/photos/fails.jpg", 502),
        ("/img/preview/photos/nowhere.jpg", 404),
        ("/img/preview/photos/notes.txt", 415),
        ("/img/thumbnail/inputs/bomb.png", 413),
    ] {
        for _ in 0..3 {
            assert_eq!(get(&host, path, &[]).status(), status, "{path}");
        }
        assert!(
            host.open_fills.borrow().is_empty(),
            "{path}: fills left open {:?}",
            host.open_fills.borrow()
        );
    }
    assert!(
        host.waited.borrow().is_empty(),
        "lookups that would have waited: {:?}",
        host.waited.borrow()
    );
}

#[test]
fn images_at_paths_too_long_for_a_plain_purge_tag_are_cached_and_purged() {
    let path = support::cache_origin::longest_image_path();
    let host = demo_host();
    let url = format!("/img/thumbnail/{path}");
    let first = get(&host, &url, &[DEBUG]);
    assert_eq!(first.status(), 200);
    assert_eq!(header(&first, "x-tailor-source"), Some("origin"));
    let second = get(&host, &url, &[DEBUG]);
    assert_eq!(
        header(&second, "x-tailor-source"),
        Some("cache"),
        "the write failed"
    );
    // Tagged by the path's hash, which a purge of the path names too.
    let tag = tailor_core::cache_key::purge_key(&format!("image:{path}"));
    assert!(tag.starts_with("image:#"), "{tag}");
    let image = entries_but_config(&host).pop().unwrap();
    let (_, write, _) = host.cache.borrow()[&image].clone();
    assert!(
        write.surrogate_keys.contains(&tag),
        "{:?}",
        write.surrogate_keys
    );
    assert_eq!(purge(&host, &format!("image:{path}")).status(), 200);
    assert!(entries_but_config(&host).is_empty());
    let third = get(&host, &url, &[DEBUG]);
    assert_eq!(header(&third, "x-tailor-source"), Some("origin"));
}

#[test]
fn a_revalidation_of_a_cached_variant_is_answered_from_its_stored_headers() {
    let host = demo_host();
    let path = format!("/img/preview{ORIGINAL}");
    let made = get(&host, &path, &[]);
    let etag = header(&made, "etag").unwrap().to_owned();
    // The stored bytes replaced: a `304` that the stored ETag answers never reads them, and
    // any other request gets what the cache holds.
    let key = tailor_core::cache_key::platform_key(
        header(&get(&host, &path, &[DEBUG]), "x-tailor-cache-key").unwrap(),
    );
    host.cache.borrow_mut().get_mut(&key).unwrap().0.body = b"stored bytes".to_vec();
    let unread = || {
        host.bodies_unread
            .borrow()
            .iter()
            .filter(|k| **k == key)
            .count()
    };
    for (i, matching) in [etag.clone(), format!("\"other\", W/{etag}"), "*".into()]
        .iter()
        .enumerate()
    {
        let again = get(&host, &path, &[("if-none-match", matching)]);
        assert_eq!(again.status(), 304, "{matching}");
        assert!(again.body().is_empty());
        assert_eq!(header(&again, "etag"), Some(etag.as_str()));
        assert_eq!(unread(), i + 1, "{matching}: the stored bytes were read");
    }
    let stale_tag = get(&host, &path, &[("if-none-match", "\"other\"")]);
    assert_eq!(stale_tag.status(), 200);
    assert_eq!(stale_tag.body(), b"stored bytes");
    assert_eq!(get(&host, &path, &[]).body(), b"stored bytes");
    assert_eq!(unread(), 3);
}

#[test]
fn a_cached_variant_goes_to_the_client_unread_with_its_stored_length() {
    let host = demo_host();
    let path = format!("/img/preview{ORIGINAL}");
    let made = get(&host, &path, &[]);
    assert_eq!(made.status(), 200);
    let serve = |headers: &[(&str, &str)], method: &str| {
        let mut request = http::Request::builder().method(method).uri(&path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(Vec::new()).unwrap();
        tailor_platform::block_on(tailor::serve(request, &host, &support::native::BUNDLE)).unwrap()
    };
    let (parts, body) = serve(&[], "GET").into_parts();
    let tailor::app::Outgoing::Unread(mut body) = body else {
        panic!("a hit's body should be handed over unread");
    };
    let length = made.body().len().to_string();
    assert_eq!(parts.headers["content-length"].to_str().unwrap(), length);
    let mut sent = Vec::new();
    while let Some(chunk) = tailor_platform::block_on(body.next_chunk())
        .unwrap()
        .unwrap()
    {
        sent.extend_from_slice(&chunk);
    }
    assert_eq!(sent, made.body().as_slice());
    assert_eq!(host.bodies_for_client.borrow().len(), 1);
    // A revalidation and a HEAD answer without it.
    let etag = header(&made, "etag").unwrap().to_owned();
    let revalidated = serve(&[("if-none-match", &etag)], "GET");
    assert_eq!(revalidated.status(), 304);
    assert!(matches!(revalidated.body(), tailor::app::Outgoing::Full(b) if b.is_empty()));
    let head = serve(&[], "HEAD");
    assert_eq!(head.status(), 200);
    assert!(matches!(head.body(), tailor::app::Outgoing::Full(b) if b.is_empty()));
}

#[test]
fn a_failing_cache_is_a_logged_miss_and_the_image_is_still_served() {
    let host = demo_host();
    host.cache_fails.set(true);
    for _ in 0..2 {
        let response = get(&host, "/img/preview/photos/harbour.jpg", &[DEBUG]);
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["x-tailor-source"], "origin");
        image::load_from_memory(response.body()).unwrap();
    }
    assert_eq!(fetches(&host), 2);
    let logs = host.logs.borrow();
    let logged = |event: &str| {
        logs.iter()
            .filter(|(_, line)| line.contains(&format!("\"event\":\"{event}\"")))
            .filter(|(_, line)| line.contains("the cache did not answer"))
            .count()
    };
    // Each request looks up the original and the variant, and tries to store both.
    assert!(logged("cache_lookup_failed") >= 4, "{logs:?}");
    assert!(logged("cache_insert_failed") >= 4, "{logs:?}");
}
