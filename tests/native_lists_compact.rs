//! Segment lists in their compact form: a JSON list from KV is cached compact (later requests
//! decode it instead of parsing JSON again), KV may publish the compact form too, and a
//! damaged compact list is refused with a logged fallback while the last good copy serves.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::banners::ids;
use support::client::IPHONE;
use support::native::{get, json, lists_only_host, purge, DEBUG};
use tailor_core::cache_key::{cache_key, platform_key, KeyParts};
use tailor_core::recs::{compact, parse_list, RecList};
use tailor_testing::memory::MemoryHost;

const MOBILE_LIST: &str = "recs/v3/mobile";

/// The mobile visitor's hero banner: its item ids and where the list came from.
fn mobile_banner(host: &MemoryHost) -> (Vec<String>, String) {
    let got = get(
        host,
        "/banner.json?slot=hero",
        &[("user-agent", IPHONE), DEBUG],
    );
    assert_eq!(got.status(), 200);
    let source = got.headers()["x-tailor-source"]
        .to_str()
        .unwrap()
        .to_owned();
    (ids(&json(&got)), source)
}

/// A host without instance memory (as a Fastly instance) or a model: the lists serve.
fn fresh_instance_host() -> MemoryHost {
    let mut host = lists_only_host();
    host.memo = None;
    host
}

fn published_mobile_list(host: &MemoryHost) -> RecList {
    let key = ("tailor_kv".to_owned(), MOBILE_LIST.to_owned());
    parse_list(&host.kv[&key], 1 << 20).unwrap()
}

#[test]
fn a_json_list_is_cached_compact_and_read_from_the_cache() {
    let host = fresh_instance_host();
    let (first, source) = mobile_banner(&host);
    assert_eq!(source, "kv");
    let parts = KeyParts::List {
        segment: "mobile",
        list_version: "v3",
    };
    let cached = host.cache.borrow()[&platform_key(&cache_key(&parts))]
        .0
        .body
        .clone();
    assert!(compact::is_compact(&cached));
    assert_eq!(
        compact::decode(&cached).unwrap(),
        published_mobile_list(&host)
    );
    let (second, source) = mobile_banner(&host);
    assert_eq!(source, "cache");
    assert_eq!(second, first);
}

#[test]
fn a_compact_list_in_kv_serves_as_its_json_does() {
    let host = fresh_instance_host();
    let (from_json, _) = mobile_banner(&host);
    let mut compact_host = fresh_instance_host();
    let list = compact::encode(&published_mobile_list(&host));
    compact_host.put_kv("tailor_kv", MOBILE_LIST, list);
    let (from_compact, source) = mobile_banner(&compact_host);
    assert_eq!(source, "kv");
    assert_eq!(from_compact, from_json);
}

#[test]
fn a_damaged_compact_list_is_refused_and_the_last_good_copy_serves() {
    let mut host = fresh_instance_host();
    let (good, _) = mobile_banner(&host);
    let mut damaged = compact::encode(&published_mobile_list(&host));
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x01;
    host.put_kv("tailor_kv", MOBILE_LIST, damaged);
    assert_eq!(purge(&host, "list:v3").status(), 200);
    let (served, source) = mobile_banner(&host);
    assert_eq!(source, "last-good");
    assert_eq!(served, good);
    let logs = host.logs.borrow();
    let fallback = logs
        .iter()
        .find(|(_, l)| l.contains("recs_fallback"))
        .unwrap();
    assert!(fallback.1.contains("checksum"), "{}", fallback.1);
}
