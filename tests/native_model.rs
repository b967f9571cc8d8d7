//! Ranking with a trained model on the in-memory host: the model read behind the list
//! pointer, neighbours of a clicked item in the next banner (and the debug header saying
//! why), a corrupt model refused with the last good one serving, the JSON lists when no
//! model is published, impressions logged, and beacon categories taken from the catalogue.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::banners::ids;
use support::client::{DESKTOP, IPHONE};
use support::native::{demo_host, get, json, send_body, DEBUG};
use tailor_core::cache_key::{cache_key, platform_key, KeyParts};
use tailor_model::{encode, ItemSpec, ModelSpec, SegmentSpec};
use tailor_testing::memory::MemoryHost;

const CONSENT: (&str, &str) = ("cookie", "tailor_consent=1");
const MODEL_KEY: &str = "recs/v3/model.tlrm";

fn item(id: &str, category: &str) -> ItemSpec {
    ItemSpec {
        id: id.into(),
        title: format!("Item {id}"),
        url: format!("/p/{id}"),
        image: "photos/item-01.jpg".into(),
        category: category.into(),
        starts: None,
        ends: None,
    }
}

/// A desktop list of p1..p4 ("pop") and `a`, whose neighbours are n1, n2 ("near").
fn model_bytes() -> Vec<u8> {
    let items = vec![
        item("p1", "pop"),
        item("p2", "pop"),
        item("p3", "pop"),
        item("p4", "pop"),
        item("a", "near"),
        item("n1", "near"),
        item("n2", "near"),
    ];
    let mut neighbours = vec![Vec::new(); items.len()];
    neighbours[4] = vec![(5, 1.0), (6, 0.8)];
    encode(&ModelSpec {
        version: "test".into(),
        segments: vec![SegmentSpec {
            name: "desktop".into(),
            entries: vec![(0, 10.0), (1, 9.0), (2, 8.0), (3, 7.0), (4, 6.0)],
        }],
        neighbours,
        items,
    })
    .unwrap()
}

fn host_with_model() -> MemoryHost {
    let mut host = demo_host();
    host.put_kv("tailor_kv", MODEL_KEY, model_bytes());
    host
}

fn banner(host: &MemoryHost, headers: &[(&str, &str)]) -> http::Response<Vec<u8>> {
    get(host, "/banner.json?slot=hero", headers)
}

fn header(response: &http::Response<Vec<u8>>, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

fn cookie(response: &http::Response<Vec<u8>>) -> String {
    let set = header(response, "set-cookie");
    set.split(';').next().unwrap().to_owned()
}

fn click(host: &MemoryHost, cookie: &str, body: &str) -> String {
    let cookies = format!("tailor_consent=1; {cookie}");
    let posted = send_body(
        host,
        "POST",
        "/events",
        &[("user-agent", DESKTOP), ("cookie", &cookies)],
        body.as_bytes().to_vec(),
    );
    assert_eq!(posted.status(), 204);
    self::cookie(&posted)
}

#[test]
fn a_clicked_item_brings_its_trained_neighbours_into_the_next_banner() {
    let host = host_with_model();
    let first = banner(&host, &[("user-agent", DESKTOP), CONSENT, DEBUG]);
    assert_eq!(ids(&json(&first)), ["p1", "p2", "a"]);
    assert_eq!(header(&first, "x-tailor-ranking"), "model v3");
    assert!(header(&first, "x-tailor-reasons").contains("p1=segment list"));
    let updated = click(&host, &cookie(&first), r#"{"type":"click","item":"a"}"#);
    let cookies = format!("tailor_consent=1; {updated}");
    let after = banner(
        &host,
        &[("user-agent", DESKTOP), ("cookie", &cookies), DEBUG],
    );
    assert_eq!(ids(&json(&after)), ["n1", "n2", "p1", "p2"]);
    let reasons = header(&after, "x-tailor-reasons");
    assert!(
        reasons.starts_with("n1=neighbour of a, n2=neighbour of a"),
        "{reasons}"
    );
    // Explanations are for the debug token only.
    let plain = banner(&host, &[("user-agent", DESKTOP), ("cookie", &cookies)]);
    assert!(plain.headers().get("x-tailor-reasons").is_none());
}

#[test]
fn the_beacon_category_comes_from_the_catalogue_not_the_client() {
    let host = host_with_model();
    let first = banner(&host, &[("user-agent", DESKTOP), CONSENT]);
    click(
        &host,
        &cookie(&first),
        r#"{"type":"click","item":"a","category":"forged"}"#,
    );
    let logs = host.logs.borrow();
    let line = logs
        .iter()
        .find(|(_, l)| l.contains("\"event\":\"click\""))
        .unwrap();
    assert!(line.1.contains("\"category\":\"near\""), "{}", line.1);
    assert!(!line.1.contains("forged"));
}

#[test]
fn every_banner_logs_an_impression_without_an_identity_unless_consented() {
    let host = host_with_model();
    banner(&host, &[("user-agent", DESKTOP)]);
    banner(&host, &[("user-agent", DESKTOP), CONSENT]);
    let logs = host.logs.borrow();
    let lines: Vec<serde_json::Value> = logs
        .iter()
        .filter(|(endpoint, l)| endpoint == "tailor_events" && l.contains("impression"))
        .map(|(_, l)| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["visitor"], serde_json::Value::Null);
    assert_eq!(lines[0]["items"], serde_json::json!(["p1", "p2", "a"]));
    assert_eq!(lines[0]["policy"], "model");
    assert_eq!(lines[0]["slot"], "hero");
    assert!(lines[1]["visitor"].as_str().is_some_and(|v| v.len() == 24));
}

#[test]
fn without_a_model_or_for_a_segment_it_lacks_the_lists_serve() {
    let mut host = demo_host();
    host.kv
        .remove(&("tailor_kv".to_owned(), MODEL_KEY.to_owned()));
    let plain = banner(&host, &[("user-agent", DESKTOP), DEBUG]);
    assert_eq!(header(&plain, "x-tailor-ranking"), "category-rerank v3");
    let host = host_with_model();
    let phone = banner(&host, &[("user-agent", IPHONE), DEBUG]);
    assert_eq!(header(&phone, "x-tailor-ranking"), "category-rerank v3");
    assert_eq!(ids(&json(&phone)).len(), 4);
}

#[test]
fn a_corrupt_model_is_refused_and_the_last_good_one_serves() {
    // An instance without memory (as on Fastly): the last good copy lives in the cache.
    let mut host = host_with_model();
    host.memo = None;
    let good = banner(&host, &[("user-agent", DESKTOP), DEBUG]);
    assert_eq!(header(&good, "x-tailor-source"), "kv");
    let mut corrupt = model_bytes();
    let middle = corrupt.len() / 2;
    corrupt[middle] ^= 0xff;
    host.put_kv("tailor_kv", MODEL_KEY, corrupt);
    // Past the cached copy's lifetime and stale window the live model is read again.
    host.advance(200.0);
    let after = banner(&host, &[("user-agent", DESKTOP), DEBUG]);
    assert_eq!(header(&after, "x-tailor-source"), "last-good");
    assert_eq!(header(&after, "x-tailor-ranking"), "model v3");
    assert_eq!(ids(&json(&after)), ["p1", "p2", "a"]);
    let logs = host.logs.borrow();
    assert!(logs
        .iter()
        .any(|(_, l)| l.contains("model_refused") && l.contains("checksum")));
}

#[test]
fn a_corrupt_model_with_no_good_one_before_leaves_the_lists_serving() {
    let mut host = demo_host();
    let mut truncated = model_bytes();
    truncated.truncate(truncated.len() - 3);
    host.put_kv("tailor_kv", MODEL_KEY, truncated);
    let got = banner(&host, &[("user-agent", DESKTOP), DEBUG]);
    assert_eq!(got.status(), 200);
    assert_eq!(header(&got, "x-tailor-ranking"), "category-rerank v3");
    assert_eq!(ids(&json(&got)).len(), 4);
    assert!(host
        .logs
        .borrow()
        .iter()
        .any(|(_, l)| l.contains("model_refused")));
}

#[test]
fn with_kv_down_the_last_good_model_serves() {
    let mut host = host_with_model();
    host.memo = None;
    let read = |host: &MemoryHost| banner(host, &[("user-agent", DESKTOP), DEBUG]);
    assert_eq!(header(&read(&host), "x-tailor-source"), "kv");
    host.kv_failing.borrow_mut().push("recs/".into());
    host.advance(200.0);
    let got = read(&host);
    assert_eq!(header(&got, "x-tailor-source"), "last-good");
    assert_eq!(header(&got, "x-tailor-ranking"), "model test");
    assert_eq!(ids(&json(&got)), ["p1", "p2", "a"]);
}

#[test]
fn a_model_over_the_size_limit_is_refused_before_it_is_read() {
    let mut host = host_with_model();
    host.memo = None;
    let good = banner(&host, &[("user-agent", DESKTOP), DEBUG]);
    assert_eq!(header(&good, "x-tailor-source"), "kv");
    // A wrong upload: 17 MiB, over the default limits.max_model_bytes of 16 MiB.
    host.put_kv("tailor_kv", MODEL_KEY, vec![0x54; 17 * 1024 * 1024]);
    host.advance(200.0);
    let after = banner(&host, &[("user-agent", DESKTOP), DEBUG]);
    assert_eq!(header(&after, "x-tailor-source"), "last-good");
    assert_eq!(ids(&json(&after)), ["p1", "p2", "a"]);
    let logs = host.logs.borrow();
    assert!(
        logs.iter().any(|(_, l)| l.contains("model_refused")
            && l.contains("16777216-byte limit")
            && l.contains("limits.max_model_bytes")),
        "{logs:?}"
    );
}

fn platform_key_of(parts: KeyParts<'_>) -> String {
    platform_key(&cache_key(&parts))
}

/// The pointer's, the live head's and the v3 model head's cache keys, by name.
fn version_and_model_keys() -> [(&'static str, String); 3] {
    [
        ("pointer", platform_key_of(KeyParts::ListPointer)),
        (
            "live-head",
            platform_key_of(KeyParts::LiveHead { list_version: "" }),
        ),
        (
            "model",
            platform_key_of(KeyParts::Model {
                list_version: "v3",
                blob: "model.tlrm",
            }),
        ),
    ]
}

/// Which of the pointer, the live head and the model head a request looked up, in order.
fn version_and_model_lookups(host: &MemoryHost) -> Vec<&'static str> {
    let keys = version_and_model_keys();
    let lookups = host.lookups.borrow();
    lookups
        .iter()
        .filter_map(|k| keys.iter().find(|(_, key)| key == k).map(|(name, _)| *name))
        .collect()
}

#[test]
fn a_banner_on_a_cache_hit_reads_the_version_and_the_model_head_in_one_lookup() {
    let host = host_with_model();
    let first = banner(&host, &[("user-agent", DESKTOP), CONSENT, DEBUG]);
    assert_eq!(header(&first, "x-tailor-ranking"), "model v3");
    // The first request went through the pointer and the head's own key.
    assert_eq!(
        version_and_model_lookups(&host),
        ["live-head", "pointer", "model"]
    );
    host.lookups.borrow_mut().clear();
    let second = banner(&host, &[("user-agent", DESKTOP), CONSENT, DEBUG]);
    assert_eq!(header(&second, "x-tailor-ranking"), "model v3");
    assert_eq!(ids(&json(&second)), ids(&json(&first)));
    assert_eq!(version_and_model_lookups(&host), ["live-head"]);
}

#[test]
fn without_a_model_the_live_head_names_the_version_for_the_lists() {
    let mut host = demo_host();
    host.kv
        .remove(&("tailor_kv".to_owned(), MODEL_KEY.to_owned()));
    let first = banner(&host, &[("user-agent", DESKTOP), CONSENT, DEBUG]);
    assert_eq!(header(&first, "x-tailor-ranking"), "category-rerank v3");
    host.lookups.borrow_mut().clear();
    let second = banner(&host, &[("user-agent", DESKTOP), CONSENT, DEBUG]);
    assert_eq!(header(&second, "x-tailor-ranking"), "category-rerank v3");
    assert_eq!(version_and_model_lookups(&host), ["live-head"]);
}

#[test]
fn a_pointer_flip_shows_through_the_live_head_once_the_pointer_would_have_expired() {
    let mut host = host_with_model();
    let first = banner(&host, &[("user-agent", DESKTOP), CONSENT, DEBUG]);
    assert_eq!(header(&first, "x-tailor-ranking"), "model v3");
    host.put_kv("tailor_kv", "recs/v4/model.tlrm", model_bytes());
    host.put_kv("tailor_kv", "recs/current", "v4");
    // Within the pointer's lifetime the old version still serves, as through the pointer.
    let cached = banner(&host, &[("user-agent", DESKTOP), CONSENT, DEBUG]);
    assert_eq!(header(&cached, "x-tailor-ranking"), "model v3");
    host.advance(61.0);
    let flipped = banner(&host, &[("user-agent", DESKTOP), CONSENT, DEBUG]);
    assert_eq!(header(&flipped, "x-tailor-ranking"), "model v4");
    let again = banner(&host, &[("user-agent", DESKTOP), CONSENT, DEBUG]);
    assert_eq!(header(&again, "x-tailor-ranking"), "model v4");
}
