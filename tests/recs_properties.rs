//! Properties of the re-rank, the page rewriter and the beacon parser over arbitrary input:
//! the re-rank never panics, never repeats an item, always honours the category cap, the
//! exclusions and date windows, and is deterministic; the rewriter and parser never panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use std::collections::HashSet;
use tailor_core::events::{self, EventSettings};
use tailor_core::identity::history::record;
use tailor_core::identity::HistoryEntry;
use tailor_core::page::{PageStream, SlotFills};
use tailor_core::recs::{rerank, Item, RerankSettings};

fn item_strategy() -> impl Strategy<Value = Item> {
    (
        0u8..40,
        0u8..6,
        prop_oneof![
            Just(0.0),
            0.0f64..100.0,
            Just(f64::MAX),
            Just(f64::NAN),
            Just(f64::INFINITY)
        ],
        proptest::option::of(0i64..200),
        proptest::option::of(0i64..200),
    )
        .prop_map(|(id, category, score, starts, ends)| Item {
            id: format!("sku-{id}"),
            title: format!("Item {id}"),
            url: format!("/p/{id}"),
            image: "photos/a.jpg".into(),
            category: format!("c{category}"),
            score,
            starts,
            ends,
        })
}

fn history_strategy() -> impl Strategy<Value = Vec<HistoryEntry>> {
    proptest::collection::vec((0u8..40, 0u8..6, prop_oneof![Just('c'), Just('v')]), 0..16).prop_map(
        |entries| {
            let mut history = Vec::new();
            for (id, category, kind) in entries {
                record(
                    &mut history,
                    HistoryEntry {
                        item: format!("sku-{id}"),
                        category: format!("c{category}"),
                        kind,
                        at_s: None,
                    },
                );
            }
            history
        },
    )
}

fn settings_strategy() -> impl Strategy<Value = RerankSettings> {
    (
        0.0f64..5.0,
        0.0f64..5.0,
        0.01f64..=1.0,
        any::<bool>(),
        any::<bool>(),
        1usize..4,
    )
        .prop_map(
            |(click_boost, view_boost, decay, exclude_clicked, exclude_viewed, cap)| {
                RerankSettings {
                    click_boost,
                    view_boost,
                    decay,
                    exclude_clicked,
                    exclude_viewed,
                    max_per_category: cap,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn rerank_honours_every_rule(
        items in proptest::collection::vec(item_strategy(), 0..80),
        history in history_strategy(),
        settings in settings_strategy(),
        now in 0i64..200,
        n in 0usize..12,
        skip_ids in proptest::collection::vec(0u8..40, 0..4),
    ) {
        let skip_owned: Vec<String> = skip_ids.iter().map(|i| format!("sku-{i}")).collect();
        let skip: Vec<&str> = skip_owned.iter().map(String::as_str).collect();
        let ranked = rerank(&items, &history, now, n, &settings, &skip);
        prop_assert!(ranked.len() <= n);
        let mut ids = HashSet::new();
        for r in &ranked {
            prop_assert!(ids.insert(r.item.id.clone()), "duplicate {}", r.item.id);
            prop_assert!(r.item.live_at(now));
            prop_assert!(!skip.contains(&r.item.id.as_str()));
            let excluded = history.iter().any(|h| h.item == r.item.id
                && ((h.kind == 'c' && settings.exclude_clicked) || (h.kind == 'v' && settings.exclude_viewed)));
            prop_assert!(!excluded, "excluded {} shown", r.item.id);
        }
        for category in ranked.iter().map(|r| &r.item.category) {
            let count = ranked.iter().filter(|r| &r.item.category == category).count();
            prop_assert!(count <= settings.max_per_category);
        }
        let again = rerank(&items, &history, now, n, &settings, &skip);
        let first: Vec<&str> = ranked.iter().map(|r| r.item.id.as_str()).collect();
        let second: Vec<&str> = again.iter().map(|r| r.item.id.as_str()).collect();
        prop_assert_eq!(first, second);
    }

    #[test]
    fn rerank_fills_the_banner_when_it_can(
        items in proptest::collection::vec(item_strategy(), 0..80),
        n in 0usize..12,
    ) {
        // With unique ids, no history and no windows, the banner is short only when the cap
        // forces it.
        let settings = RerankSettings::default();
        let mut distinct = HashSet::new();
        let plain: Vec<Item> = items
            .into_iter()
            .filter(|i| distinct.insert(i.id.clone()))
            .map(|i| Item { starts: None, ends: None, ..i })
            .collect();
        let ranked = rerank(&plain, &[], 0, n, &settings, &[]);
        let mut per_category = std::collections::HashMap::new();
        for item in &plain {
            *per_category.entry(item.category.clone()).or_insert(0usize) += 1;
        }
        let reachable: usize = per_category.values().map(|&c| c.min(settings.max_per_category)).sum();
        prop_assert_eq!(ranked.len(), n.min(reachable));
    }

    #[test]
    fn the_page_rewriter_never_panics(
        chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..16),
        markup in proptest::collection::vec(prop_oneof![
            Just("<div data-tailor-slot=\"hero\">".to_string()),
            Just("<p data-tailor-slot=x>".to_string()),
            Just("</div>".to_string()),
            Just("<!-- c".to_string()),
            Just("<script>".to_string()),
            Just("<select><option data-tailor-slot=hero>".to_string()),
            "[a-z<>/\"= ]{0,12}",
        ], 0..24),
        gzip in any::<bool>(),
    ) {
        let fills = SlotFills(vec![("hero".into(), "<b>H</b>".into())]);
        let encoding = gzip.then_some("gzip");
        let mut stream = PageStream::new(fills, encoding).unwrap();
        let mut sink = |_: &[u8]| Ok(());
        for chunk in chunks.iter().map(Vec::as_slice).chain(markup.iter().map(String::as_bytes)) {
            if stream.push(chunk, &mut sink).is_err() {
                return Ok(());
            }
        }
        let _ = stream.finish(&mut sink);
    }

    #[test]
    fn the_beacon_parser_never_panics(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = events::parse(&body, &EventSettings::default());
    }

    #[test]
    fn history_stays_bounded_and_unique(history in history_strategy()) {
        prop_assert!(history.len() <= tailor_core::identity::sealed::MAX_HISTORY);
        let ids: HashSet<&str> = history.iter().map(|h| h.item.as_str()).collect();
        prop_assert_eq!(ids.len(), history.len());
    }
}
