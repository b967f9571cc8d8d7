//! An instance prepared ahead of its requests (what the Fastly wasm's build-time snapshot
//! holds): the bundled config parsed and its templates compiled once, served to every request
//! of the instance, and never to a request whose bundle differs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::client::DESKTOP;
use support::models::other_model;
use support::native::{demo_host, get, json, BUNDLE};
use tailor::app::{ConfigSource, ConfigVia, LoadedConfig};
use tailor_core::cache_key::{cache_key, platform_key, KeyParts};
use tailor_platform::block_on;
use tailor_testing::memory::MemoryHost;

/// A host with no config key (the bundled config serves) that remembers nothing between
/// requests, as a Fastly instance does not.
fn fresh_instance_host() -> MemoryHost {
    let mut host = demo_host();
    host.settings.clear();
    host.memo = None;
    host
}

/// The config `load_config` serves for `bundle`, and where from.
fn config(host: &MemoryHost, bundle: &tailor::Bundle) -> (LoadedConfig, ConfigSource) {
    block_on(tailor::app::load_config(host, bundle))
        .unwrap()
        .unwrap()
}

/// Runs `f` on its own thread: what `prepare` keeps is per thread, as per instance.
fn in_new_instance<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(f).join().unwrap()
}

#[test]
fn a_prepared_instance_serves_one_parsed_config_to_every_request() {
    in_new_instance(|| {
        let host = fresh_instance_host();
        let (first, _) = config(&host, &BUNDLE);
        let (second, _) = config(&host, &BUNDLE);
        assert!(
            !std::ptr::eq(&*first, &*second),
            "unprepared: parsed per request"
        );

        tailor::prepare(&BUNDLE).unwrap();
        let (first, _) = config(&host, &BUNDLE);
        let (second, _) = config(&host, &BUNDLE);
        assert!(std::ptr::eq(&*first, &*second), "prepared: parsed once");
    });
}

#[test]
fn a_prepared_instance_compiles_no_template_for_a_request() {
    in_new_instance(|| {
        tailor::prepare(&BUNDLE).unwrap();
        let host = fresh_instance_host();
        let (served, _) = config(&host, &BUNDLE);
        let compiled = served.banners.templates.compiled_count();
        assert!(compiled > 0, "prepare compiled the templates");
        for slot in ["hero", "sidebar"] {
            let got = get(
                &host,
                &format!("/banner?slot={slot}"),
                &[("User-Agent", DESKTOP)],
            );
            assert_eq!(got.status(), 200);
        }
        assert_eq!(served.banners.templates.compiled_count(), compiled);
    });
}

#[test]
fn a_prepared_instance_renders_what_an_unprepared_one_renders() {
    let banner = |prepare: bool| {
        in_new_instance(move || {
            if prepare {
                tailor::prepare(&BUNDLE).unwrap();
            }
            let host = fresh_instance_host();
            let html = get(&host, "/banner?slot=hero", &[("User-Agent", DESKTOP)]);
            let json = get(
                &host,
                "/banner.json?slot=sidebar",
                &[("User-Agent", DESKTOP)],
            );
            (
                html.status(),
                html.into_body(),
                json.status(),
                json.into_body(),
            )
        })
    };
    let (prepared, unprepared) = (banner(true), banner(false));
    assert_eq!(prepared.0, 200);
    assert_eq!(prepared, unprepared);
}

#[test]
fn a_kv_config_that_is_the_prepared_document_is_served_prepared_and_another_is_parsed() {
    in_new_instance(|| {
        tailor::prepare(&BUNDLE).unwrap();
        // The demo host's `config/v1` is the bundled document, as in fastly.toml.
        let mut host = demo_host();
        host.memo = None;
        let (first, source) = config(&host, &BUNDLE);
        assert!(matches!(source, ConfigSource::Kv { .. }));
        let (second, _) = config(&host, &BUNDLE);
        assert!(std::ptr::eq(&*first, &*second));

        let edited = format!("{}\n", tailor_demo::CONFIG_JSON).into_bytes();
        let key = ("tailor_kv".to_string(), "config/v1".to_string());
        host.kv.insert(key, edited);
        // Published at once: the cache's compiled copy is purged.
        block_on(tailor_platform::Platform::purge(&host, "config"))
            .unwrap()
            .unwrap();
        let (third, _) = config(&host, &BUNDLE);
        assert!(
            !std::ptr::eq(&*first, &*third),
            "another document is parsed"
        );
    });
}

#[test]
fn a_cached_copy_that_names_the_prepared_document_is_served_without_its_body() {
    in_new_instance(|| {
        tailor::prepare(&BUNDLE).unwrap();
        let mut host = demo_host();
        host.memo = None;
        let (first, source) = config(&host, &BUNDLE);
        assert!(matches!(
            source,
            ConfigSource::Kv {
                via: ConfigVia::Kv,
                ..
            }
        ));
        // The live copy names its document; its body is not needed to serve the prepared
        // config, so a body this build could not read does not matter.
        let live_named = |host: &MemoryHost| {
            let cache = host.cache.borrow();
            let named: Vec<String> = cache
                .values()
                .filter_map(|(object, _, _)| {
                    let (_, digest) = object
                        .headers
                        .iter()
                        .find(|(name, _)| name == "x-tailor-config-digest")?;
                    Some(digest.clone())
                })
                .collect();
            named
        };
        assert_eq!(live_named(&host).len(), 1, "the live copy alone is named");
        for (object, _, _) in host.cache.borrow_mut().values_mut() {
            if !object.headers.is_empty() {
                object.body = b"not a compiled config".to_vec();
            }
        }
        let (second, source) = config(&host, &BUNDLE);
        assert!(matches!(
            source,
            ConfigSource::Kv {
                via: ConfigVia::Cache,
                ..
            }
        ));
        assert!(std::ptr::eq(&*first, &*second));

        // A copy naming another document is read, and refused when damaged: KV is read again.
        for (object, _, _) in host.cache.borrow_mut().values_mut() {
            if let Some(header) = object.headers.first_mut() {
                header.1 = "00".repeat(16);
            }
        }
        let (third, source) = config(&host, &BUNDLE);
        assert!(matches!(
            source,
            ConfigSource::Kv {
                via: ConfigVia::Kv,
                ..
            }
        ));
        assert!(std::ptr::eq(&*first, &*third));
        let refused = host
            .logs
            .borrow()
            .iter()
            .any(|(_, line)| line.contains("config_refused"));
        assert!(refused, "{:?}", host.logs.borrow());
    });
}

#[test]
fn a_request_with_another_bundle_is_not_served_the_prepared_config() {
    in_new_instance(|| {
        tailor::prepare(&BUNDLE).unwrap();
        let host = fresh_instance_host();
        let (prepared, _) = config(&host, &BUNDLE);
        // Another document (one more space), which may mean anything: it is parsed itself.
        let other_json: &'static str =
            Box::leak(format!(" {}", tailor_demo::CONFIG_JSON).into_boxed_str());
        let other = tailor::Bundle {
            config_json: other_json,
            ..BUNDLE
        };
        let (served, _) = config(&host, &other);
        assert!(!std::ptr::eq(&*prepared, &*served));
    });
}

#[test]
fn an_invalid_bundle_is_not_prepared_and_requests_report_it() {
    in_new_instance(|| {
        let broken = tailor::Bundle {
            config_json: "{\"version\": 1, \"segments\": 7}",
            ..BUNDLE
        };
        assert!(tailor::prepare(&broken).is_err());
        let host = fresh_instance_host();
        let response = block_on(tailor::handle(
            http::Request::get("/banner?slot=hero")
                .body(Vec::new())
                .unwrap(),
            &host,
            &broken,
        ))
        .unwrap();
        assert_eq!(response.status(), 500);
        assert_eq!(json(&response)["error"], "invalid_config");
    });
}

/// The hero banner of a desktop visitor with debug: its item ids and the headers that say
/// which model ranked it.
fn hero_banner(host: &MemoryHost) -> (Vec<String>, Option<String>, String) {
    let response = get(
        host,
        "/banner.json?slot=hero",
        &[("User-Agent", DESKTOP), ("X-Tailor-Debug", "demo-debug")],
    );
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (model, ranking) = (header("x-tailor-model"), header("x-tailor-ranking"));
    let items = json(&response)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect();
    (items, model, ranking.unwrap_or_default())
}

#[test]
fn a_prepared_instance_ranks_with_its_model_without_reading_the_live_heads_body() {
    let unprepared = in_new_instance(|| {
        let host = fresh_instance_host();
        (hero_banner(&host), hero_banner(&host))
    });
    in_new_instance(move || {
        tailor::prepare(&BUNDLE).unwrap();
        let host = fresh_instance_host();
        // The first banner reads the pointer and the model from KV and writes the live head.
        let first = hero_banner(&host);
        let unread_before = host.bodies_unread.borrow().len();
        let second = hero_banner(&host);
        assert_eq!(second.1.as_deref(), Some("prepared"), "{second:?}");
        assert_eq!(second.2, "model v3");
        let unread = host.bodies_unread.borrow()[unread_before..].to_vec();
        let live_head = KeyParts::LiveHead { list_version: "" };
        assert!(
            unread.contains(&platform_key(&cache_key(&live_head))),
            "the live head's body was read: {unread:?}"
        );
        // The same banners as an instance that read the model.
        assert_eq!(first.0, unprepared.0 .0);
        assert_eq!(second.0, unprepared.1 .0);
        assert_eq!(unprepared.1 .1, None, "unprepared, yet: {:?}", unprepared.1);
    });
}

#[test]
fn a_published_model_other_than_the_bundled_one_is_read() {
    in_new_instance(|| {
        // Bundled: the demo model with one byte of its checksum changed, so it does not
        // verify and is not prepared.
        let mut corrupt = tailor_demo::MODEL.to_vec();
        let at = tailor_model::layout::CHECKSUM_AT;
        corrupt[at] ^= 1;
        let corrupt: &'static [u8] = Box::leak(corrupt.into_boxed_slice());
        let broken = tailor::Bundle {
            model: Some(corrupt),
            ..BUNDLE
        };
        tailor::prepare(&broken).unwrap();
        let host = fresh_instance_host();
        let _ = hero_banner(&host);
        let (items, model, ranking) = hero_banner(&host);
        assert_eq!((model, ranking.as_str()), (None, "model v3"));
        assert_eq!(items.len(), 4);
    });
    in_new_instance(|| {
        // Prepared: the demo model; published: another one. The banner follows KV's.
        tailor::prepare(&BUNDLE).unwrap();
        let mut host = fresh_instance_host();
        host.put_kv("tailor_kv", "recs/v3/model.tlrm", other_model());
        let _ = hero_banner(&host);
        let (items, model, ranking) = hero_banner(&host);
        assert_eq!((model, ranking.as_str()), (None, "model v3"));
        assert_eq!(items, ["o1", "o2"]);
    });
}
