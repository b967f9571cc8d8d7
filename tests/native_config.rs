//! A config published to KV, in either form: JSON (the old form, still loaded and compiled
//! at the edge) or compiled by `tailor check --compile`; kept compiled in the platform cache;
//! and when the published copy is damaged or invalid, refused with a logged error while the
//! last copy that loaded keeps serving.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::native::{demo_host, get, json, purge, DEBUG};
use tailor_config::compiled::{is_compiled, relabelled, without_json, FORMAT};
use tailor_config::Config;
use tailor_core::cache_key::{cache_key, platform_key, KeyParts};
use tailor_testing::memory::MemoryHost;

const BANNER: &str = "/banner.json?slot=hero";
const LIVE: KeyParts<'static> = KeyParts::Config {
    store: "tailor_kv",
    key: "config/v1",
};

/// The demo config with hero banners of 3 items instead of 4: a document the build did not
/// bundle, so nothing prepared stands in for reading it.
fn edited_config(items: usize) -> Vec<u8> {
    let mut doc: serde_json::Value = serde_json::from_str(tailor_demo::CONFIG_JSON).unwrap();
    doc["banners"]["slots"]["hero"]["max_items"] = items.into();
    doc.to_string().into_bytes()
}

/// A host that remembers nothing between requests, as a Fastly instance does not: every
/// request reads the config through the platform cache.
fn fresh_instance_host(published: Vec<u8>) -> MemoryHost {
    let mut host = demo_host();
    host.memo = None;
    host.put_kv("tailor_kv", "config/v1", published);
    host
}

/// The hero banner's item count and where the config came from.
fn banner(host: &MemoryHost) -> (usize, String) {
    let got = get(host, BANNER, &[DEBUG]);
    assert_eq!(got.status(), 200, "{}", String::from_utf8_lossy(got.body()));
    let source = got.headers()["x-tailor-config"]
        .to_str()
        .unwrap()
        .to_owned();
    (json(&got)["items"].as_array().unwrap().len(), source)
}

fn cached_live_copy(host: &MemoryHost) -> Vec<u8> {
    let key = platform_key(&cache_key(&LIVE));
    host.cache.borrow()[&key].0.body.clone()
}

fn logged(host: &MemoryHost, event: &str) -> Vec<String> {
    let logs = host.logs.borrow();
    let lines = logs.iter().map(|(_, line)| line);
    lines.filter(|l| l.contains(event)).cloned().collect()
}

#[test]
fn a_compiled_config_serves_from_kv_then_from_the_cache() {
    let (_, compiled) = Config::compile(&edited_config(3)).unwrap();
    let host = fresh_instance_host(compiled.clone());
    assert_eq!(banner(&host), (3, "kv:tailor_kv/config/v1 from kv".into()));
    assert_eq!(
        banner(&host),
        (3, "kv:tailor_kv/config/v1 from cache".into())
    );
    // The live copy without its JSON; the last good one whole.
    assert_eq!(cached_live_copy(&host), without_json(&compiled).unwrap());
    let last_good = platform_key(&cache_key(&KeyParts::LastGoodConfig {
        store: "tailor_kv",
        key: "config/v1",
    }));
    assert_eq!(host.cache.borrow()[&last_good].0.body, compiled);
}

#[test]
fn a_json_config_still_loads_and_is_cached_compiled() {
    let host = fresh_instance_host(edited_config(3));
    assert_eq!(banner(&host), (3, "kv:tailor_kv/config/v1 from kv".into()));
    let cached = cached_live_copy(&host);
    assert!(is_compiled(&cached));
    let compiled = Config::compile(&edited_config(3)).unwrap().1;
    assert_eq!(cached, without_json(&compiled).unwrap());
    assert_eq!(
        banner(&host),
        (3, "kv:tailor_kv/config/v1 from cache".into())
    );
}

#[test]
fn a_corrupt_compiled_config_is_refused_and_the_last_good_copy_serves() {
    let mut host = fresh_instance_host(edited_config(3));
    assert_eq!(banner(&host).0, 3);
    let (_, mut damaged) = Config::compile(&edited_config(2)).unwrap();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x01;
    host.put_kv("tailor_kv", "config/v1", damaged);
    assert_eq!(purge(&host, "config").status(), 200);
    for _ in 0..2 {
        let (items, source) = banner(&host);
        assert_eq!(items, 3, "the last good config serves");
        assert_eq!(source, "kv:tailor_kv/config/v1 from last-good");
    }
    let refused = logged(&host, "config_refused");
    assert_eq!(refused.len(), 2, "each request tries KV again: {refused:?}");
    assert!(refused[0].contains("(compiled)") && refused[0].contains("checksum"));
    // Mended in KV: served at the next request, since the damaged copy was never cached.
    host.put_kv("tailor_kv", "config/v1", edited_config(2));
    assert_eq!(banner(&host), (2, "kv:tailor_kv/config/v1 from kv".into()));
}

#[test]
fn an_invalid_json_config_is_refused_the_same_way() {
    let mut host = fresh_instance_host(edited_config(3));
    assert_eq!(banner(&host).0, 3);
    host.put_kv("tailor_kv", "config/v1", edited_config(0));
    assert_eq!(purge(&host, "config").status(), 200);
    assert_eq!(
        banner(&host),
        (3, "kv:tailor_kv/config/v1 from last-good".into())
    );
    let refused = logged(&host, "config_refused");
    assert!(
        refused[0].contains("banners.slots.hero.max_items"),
        "{refused:?}"
    );
}

#[test]
fn lines_a_host_holds_back_are_written_before_an_image_transforms() {
    let mut host = fresh_instance_host(edited_config(3));
    assert_eq!(banner(&host).0, 3);
    host.put_kv("tailor_kv", "config/v1", edited_config(0));
    assert_eq!(purge(&host, "config").status(), 200);
    host.hold_logs.set(true);
    let got = get(&host, "/img/preview/photos/harbour.jpg", &[]);
    assert_eq!(got.status(), 200);
    // The refusal, logged before the transform, was written when it began: a transform that
    // ended the instance would not have taken it along.
    assert_eq!(logged(&host, "config_refused").len(), 1);
    // The transform's own line waits, as on Fastly, for the response to leave.
    assert!(logged(&host, "\"event\":\"transform\"").is_empty());
    let held = host.held_logs.borrow();
    let transform = held
        .iter()
        .filter(|(_, l)| l.contains("\"event\":\"transform\""));
    assert_eq!(transform.count(), 1, "{held:?}");
}

#[test]
fn without_a_last_good_copy_a_corrupt_config_is_a_500_naming_it() {
    let (_, mut damaged) = Config::compile(&edited_config(3)).unwrap();
    let last = damaged.len() - 1;
    damaged[last] ^= 0x01;
    let host = fresh_instance_host(damaged);
    let got = get(&host, BANNER, &[]);
    assert_eq!(got.status(), 500);
    let body = json(&got);
    assert_eq!(body["error"], "invalid_config");
    let message = body["detail"].as_str().unwrap_or_default();
    assert!(message.contains("(compiled)"), "{body}");
    assert_eq!(logged(&host, "config_refused").len(), 1);
}

#[test]
fn another_builds_compiled_config_loads_from_its_json_and_is_recompiled() {
    let (_, compiled) = Config::compile(&edited_config(3)).unwrap();
    let host = fresh_instance_host(relabelled(compiled, FORMAT + 1));
    assert_eq!(banner(&host).0, 3);
    assert_eq!(logged(&host, "config_recompiled").len(), 1);
    let this_builds = Config::compile(&edited_config(3)).unwrap().1;
    assert_eq!(cached_live_copy(&host), without_json(&this_builds).unwrap());
}

#[test]
fn a_compiled_copy_of_the_bundled_config_is_the_bundled_config() {
    let (bundled, compiled) = Config::compile(tailor_demo::CONFIG_JSON.as_bytes()).unwrap();
    let host = fresh_instance_host(compiled);
    for _ in 0..2 {
        let got = get(&host, BANNER, &[DEBUG]);
        assert_eq!(got.status(), 200);
        let key = got.headers()["x-tailor-cache-key"].to_str().unwrap();
        assert!(
            key.ends_with(&format!("/cfg={}", bundled.version())),
            "{key}"
        );
    }
}
