//! The document parsers: the config loader, beacon bodies and recommendation lists (with their
//! version pointer), each read as the edge reads it.

use crate::demo;
use tailor_config::{compiled, Config};
use tailor_core::banner::{Banner, BannerItem, Environments as _};
use tailor_core::events;
use tailor_core::identity::sealed::MAX_HISTORY;
use tailor_core::identity::{history, HistoryEntry};
use tailor_core::recs;

/// A config document, parsed and validated (`Config::from_json`, what loading a config from
/// the config store runs), then its templates compiled (what `tailor check` runs; the edge compiles each on first use). A config
/// that loads keeps its cross-references: every rule and the default name a listed segment,
/// and every segment's template is compiled. A config that loads compiles, and its compiled
/// form reads back from its binary part as the same version. The same bytes are also read as
/// the binary part of a compiled config (sealed, so they pass its checksum), as a published
/// or cached compiled copy is read.
pub fn config(data: &[u8]) {
    if let Ok((config, _)) = Config::from_compiled(&compiled::sealed(data, b"")) {
        check_loaded(&config);
    }
    let Ok(config) = Config::from_json(data) else {
        return;
    };
    let compiled = Config::compile(data);
    assert!(
        compiled.is_ok(),
        "a config that loads does not compile: {compiled:?}"
    );
    if let Ok((_, blob)) = compiled {
        let read = Config::from_compiled(&blob);
        let binary = matches!(read, Ok((_, compiled::Read::Binary)));
        assert!(binary, "a compiled config does not read back: {read:?}");
        if let Ok((again, _)) = read {
            assert_eq!(again.version(), config.version());
        }
    }
    check_loaded(&config);
}

/// What holds of every config that loads, whatever it was read from.
fn check_loaded(config: &Config) {
    if config.check_deferred().is_err() {
        return;
    }
    let templates = config
        .banners
        .templates
        .environment(tailor_core::banner::Builtins::With);
    let rules = &config.segments.rules;
    for segment in rules
        .rules
        .iter()
        .map(|r| &r.segment)
        .chain([&rules.default])
    {
        assert!(
            config.segment(segment).is_some(),
            "'{segment}' is not listed"
        );
    }
    for segment in &config.segments.list {
        let template = config.template_for(&segment.id, &[]).unwrap_or_default();
        assert!(
            templates.get_template(template).is_ok(),
            "segment '{}' has no compiled template",
            segment.id
        );
        // A template with a plan renders by it what MiniJinja renders.
        if let Some(plan) = config.banners.templates.plan(template) {
            let banner = awkward_banner(&segment.id);
            // An environment alone has no plans: this renders through MiniJinja.
            if let Ok(expected) = banner.render_html(templates, template) {
                assert_eq!(plan.render(&banner), expected, "template '{template}'");
            }
        }
    }
}

/// A banner whose text needs escaping everywhere.
fn awkward_banner(segment: &str) -> Banner {
    let item = |id: &str| BannerItem {
        id: id.into(),
        title: "<b>\"Hat\"</b> & 'co' — 日本".into(),
        url: "/p/1?a=1&b=2".into(),
        image: "/img/preview/a.jpg".into(),
        srcset: "/img/preview/a.jpg 1x, /img/preview/a.jpg?dpr=2 2x".into(),
        category: "<cat>".into(),
        score: 1.5,
        boosted: true,
    };
    Banner {
        segment: segment.into(),
        slot: "hero\"".into(),
        items: vec![item("a1"), item("b&2")],
    }
}

/// A `POST /events` body under the demo's limits and the defaults; the accepted events join a
/// history as the route records them, which stays within its length.
pub fn beacon(data: &[u8]) {
    let demo_settings = demo::signed().map(|config| config.events.clone());
    for settings in demo_settings.into_iter().chain([Default::default()]) {
        let Ok(accepted) = events::parse(data, &settings) else {
            continue;
        };
        assert!(!accepted.is_empty() && accepted.len() <= settings.max_events);
        let mut kept: Vec<HistoryEntry> = Vec::new();
        for (at_s, event) in (0_u64..).zip(accepted.iter().filter_map(events::Beacon::item)) {
            history::record(
                &mut kept,
                HistoryEntry {
                    item: event.item.clone(),
                    category: event.category.clone().unwrap_or_default(),
                    kind: event.kind.history_kind(),
                    at_s: Some(at_s),
                },
            );
            assert!(kept.len() <= MAX_HISTORY);
        }
    }
}

/// A recommendation list as KV holds it, under the demo's size limit, re-ranked for a visitor
/// whose history names its first items; the same bytes as the version pointer, and as the
/// payload of a compact list (sealed, so they pass its checksum). A list that loads reads back
/// from its compact form as itself.
pub fn recs_list(data: &[u8]) {
    let _ = recs::parse_version(data);
    let Some(config) = demo::signed() else {
        return;
    };
    let limit = config.limits.max_list_bytes;
    let lists = [
        recs::parse_list(data, limit),
        recs::read_list(&recs::compact::sealed(data), limit),
    ];
    for list in lists.into_iter().flatten() {
        let again = recs::compact::decode(&recs::compact::encode(&list));
        assert_eq!(again.as_ref(), Ok(&list));
        rerank(config, &list);
    }
}

/// The re-rank of `list` for a visitor whose history names its first items stays within the
/// banner's size.
fn rerank(config: &tailor_config::Config, list: &recs::RecList) {
    let history: Vec<HistoryEntry> = list
        .items
        .iter()
        .take(MAX_HISTORY)
        .zip(['c', 'v'].into_iter().cycle())
        .map(|(item, kind)| HistoryEntry {
            item: item.id.clone(),
            category: item.category.clone(),
            kind,
            at_s: None,
        })
        .collect();
    let skip: Vec<&str> = list
        .items
        .iter()
        .skip(1)
        .take(2)
        .map(|i| i.id.as_str())
        .collect();
    for n in [0, 4, list.items.len()] {
        let ranked = recs::rerank(
            &list.items,
            &history,
            1_750_000_000,
            n,
            &config.recs.rerank,
            &skip,
        );
        assert!(ranked.len() <= n);
    }
}
