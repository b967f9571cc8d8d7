//! Properties: arbitrary and mutated bytes never panic any accessor or `score`; random
//! specifications round-trip through writer and reader; `score` ranks as a plain reading of
//! its documentation does, bit for bit.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use proptest::prelude::*;
use tailor_model::layout::{stored_score, EntryWidth};
use tailor_model::{
    encode, score, HistoryItem, InteractionKind, ItemSpec, Model, ModelSpec, ScoreSettings,
    SegmentSpec, ShardWriter,
};

/// Touches every accessor of whatever opens.
fn exercise(bytes: &[u8]) {
    let Ok(view) = Model::open(bytes) else {
        return;
    };
    let _ = view.verify_checksum();
    let _ = view.version();
    for index in 0..view.item_count().min(64) {
        let _ = view.item(index);
        let _ = view.neighbours(index).map(|r| r.iter().count());
    }
    for index in 0..view.segment_count().min(8) {
        let _ = view.segment_at(index);
    }
    let _ = view.find("a");
    let history = [
        HistoryItem {
            item: "a",
            kind: InteractionKind::Click,
            age_s: Some(5),
        },
        HistoryItem {
            item: "b",
            kind: InteractionKind::View,
            age_s: None,
        },
    ];
    let _ = score(&[view, view], "mobile", &history, &ScoreSettings::default());
}

fn spec_strategy() -> impl Strategy<Value = ModelSpec> {
    (1usize..30).prop_flat_map(|n| {
        let items = proptest::collection::btree_set("[a-z0-9-]{1,12}", n..=n);
        let rows = proptest::collection::vec(
            proptest::collection::vec((0..n as u32, 0.0f32..10.0), 0..6),
            n..=n,
        );
        let list = proptest::collection::vec((0..n as u32, 0.0f32..100.0), 0..20);
        let window = proptest::option::of(0i64..1_000_000);
        let windows = proptest::collection::vec((window.clone(), window), n..=n);
        (items, rows, list, windows, "[ -~]{0,20}").prop_map(|(ids, rows, list, windows, title)| {
            let items = ids
                .into_iter()
                .zip(windows)
                .map(|(id, (starts, ends))| ItemSpec {
                    title: format!("{title}{id}"),
                    url: format!("/p/{id}"),
                    image: String::new(),
                    category: id.chars().take(1).collect(),
                    starts,
                    ends,
                    id,
                })
                .collect();
            ModelSpec {
                version: "p".into(),
                items,
                segments: vec![SegmentSpec {
                    name: "mobile".into(),
                    entries: list,
                }],
                neighbours: rows,
            }
        })
    })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        exercise(&bytes);
        let mut with_magic = b"TLRM\x01\x00".to_vec();
        with_magic.extend_from_slice(&bytes);
        exercise(&with_magic);
    }

    #[test]
    fn mutated_models_never_panic(
        spec in spec_strategy(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
    ) {
        let mut bytes = encode(&spec).unwrap();
        for (at, value) in edits {
            let at = at.index(bytes.len());
            bytes[at] = value;
        }
        exercise(&bytes);
    }

    #[test]
    fn random_specs_round_trip(spec in spec_strategy()) {
        let bytes = encode(&spec).unwrap();
        let view = Model::open(&bytes).unwrap();
        prop_assert!(view.verify_checksum().is_ok());
        // Scores come back as the blob's entry width stores them (bfloat16 when narrow).
        let width = EntryWidth::for_items(view.item_count());
        for (spec_index, original) in spec.items.iter().enumerate() {
            let item = view.item(view.find(&original.id).unwrap()).unwrap();
            prop_assert_eq!(item.title, original.title.as_str());
            prop_assert_eq!(item.category, original.category.as_str());
            prop_assert_eq!((item.starts, item.ends), (original.starts, original.ends));
            let row = view.neighbours(item.index).unwrap();
            let mut got: Vec<(String, f32)> =
                row.iter().map(|(i, s)| (view.id(i).unwrap().to_owned(), s)).collect();
            let mut want: Vec<(String, f32)> = spec.neighbours[spec_index]
                .iter()
                .map(|&(i, s)| (spec.items[i as usize].id.clone(), stored_score(s, width)))
                .collect();
            prop_assert!(got.windows(2).all(|w| w[0].1 >= w[1].1));
            got.sort_by(|a, b| a.partial_cmp(b).unwrap());
            want.sort_by(|a, b| a.partial_cmp(b).unwrap());
            prop_assert_eq!(got, want);
        }
        let writer = ShardWriter::new(&spec, 3).unwrap();
        for shard in 0..3 {
            let blob = writer.shard(shard).unwrap();
            prop_assert!(Model::open(&blob).unwrap().verify_checksum().is_ok());
        }
    }
}

/// One candidate's sums: neighbour votes, the best vote, its history position, the segment
/// part and the list position.
type Sums = (f32, f32, usize, f32, u32);
/// One candidate as compared: item index, the bits of score, neighbour and segment parts, and
/// the history position of its reason (none: the segment list).
type Ranked = (u32, u32, u32, u32, Option<usize>);

/// What `score` returns, by the plain reading of its documentation: the history's votes per
/// neighbour (newest first), the segment list blended in, items the visitor may not see
/// again left out, best first by score, then list position, then key; at most the cap.
/// One blob, so an item's key is its index.
fn reference(
    view: tailor_model::ModelView<'_>,
    segment: &str,
    history: &[HistoryItem<'_>],
    settings: &ScoreSettings,
) -> Vec<Ranked> {
    use std::collections::BTreeMap;
    let sane = |s: f32| if s.is_finite() && s > 0.0 { s } else { 0.0 };
    let used = history.len().min(settings.max_history);
    let recent = &history[history.len() - used..];
    let mut tallies: BTreeMap<u32, Sums> = BTreeMap::new();
    let mut excluded = Vec::new();
    let mut weight = 1.0f32;
    for (position, h) in recent.iter().enumerate().rev() {
        let kind = match h.kind {
            InteractionKind::Click => settings.click_weight,
            InteractionKind::View => settings.view_weight,
        };
        let age = match (h.age_s, settings.half_life_s) {
            (Some(age), half) if half > 0 => 0.5f32.powf(age as f32 / half as f32),
            _ => 1.0,
        };
        let w = weight * kind * age;
        weight *= settings.position_decay;
        let Some(index) = view.find(h.item) else {
            continue;
        };
        let reshow = match h.kind {
            InteractionKind::Click => settings.reshow_clicked,
            InteractionKind::View => settings.reshow_viewed,
        };
        if !reshow {
            excluded.push(index);
        }
        let Some(row) = view.neighbours(index) else {
            continue;
        };
        for (target, s) in row.iter().take(tailor_model::MAX_ROW_ENTRIES) {
            let vote = w * sane(s);
            if vote <= 0.0 {
                continue;
            }
            let t = tallies
                .entry(target)
                .or_insert((0.0, 0.0, 0, 0.0, u32::MAX));
            t.0 += vote;
            if vote > t.1 {
                t.1 = vote;
                t.2 = position;
            }
        }
    }
    let list: Vec<(u32, f32)> = view
        .segment(segment)
        .map(|l| l.iter().collect())
        .unwrap_or_default();
    let best = list.iter().map(|&(_, s)| sane(s)).fold(0.0, f32::max);
    let mut listed_only = Vec::new();
    for (position, &(index, raw)) in list.iter().enumerate() {
        let part = if best > 0.0 {
            settings.segment_weight * sane(raw) / best
        } else {
            0.0
        };
        match tallies.get_mut(&index) {
            Some(t) if t.4 == u32::MAX => {
                t.3 = part;
                t.4 = position as u32;
            }
            Some(_) => {}
            None if listed_only.len() < settings.max_candidates && !excluded.contains(&index) => {
                listed_only.push((index, (0.0, 0.0, 0, part, position as u32)))
            }
            None => {}
        }
    }
    let mut all: Vec<(u32, Sums)> = tallies
        .into_iter()
        .filter(|(index, _)| !excluded.contains(index))
        .chain(listed_only)
        .collect();
    all.sort_by(|(ka, a), (kb, b)| {
        (b.0 + b.3)
            .total_cmp(&(a.0 + a.3))
            .then(a.4.cmp(&b.4))
            .then(ka.cmp(kb))
    });
    all.truncate(settings.max_candidates);
    all.into_iter()
        .map(|(index, (neighbour, best, best_of, segment, _))| {
            let reason = (best > segment).then_some(best_of);
            let score = neighbour + segment;
            (
                index,
                score.to_bits(),
                neighbour.to_bits(),
                segment.to_bits(),
                reason,
            )
        })
        .collect()
}

fn history_strategy() -> impl Strategy<Value = Vec<(String, bool, Option<u32>)>> {
    proptest::collection::vec(
        (
            "[a-z0-9-]{1,3}",
            any::<bool>(),
            proptest::option::of(0u32..100_000),
        ),
        0..16,
    )
}

proptest! {
    #[test]
    fn score_is_its_documented_ranking(
        spec in spec_strategy(),
        picks in proptest::collection::vec(any::<prop::sample::Index>(), 0..16),
        extra in history_strategy(),
        cap in 1usize..40,
        max_history in 1usize..16,
        reshow in any::<(bool, bool)>(),
        half_life in 0u32..5000,
    ) {
        let bytes = encode(&spec).unwrap();
        let view = Model::open(&bytes).unwrap();
        // History items from the model (each one's neighbours vote) and unknown ones.
        let mut entries: Vec<(String, bool, Option<u32>)> = picks
            .iter()
            .enumerate()
            .map(|(i, at)| (spec.items[at.index(spec.items.len())].id.clone(), i % 3 == 0, Some(i as u32 * 700)))
            .collect();
        entries.extend(extra);
        let history: Vec<HistoryItem<'_>> = entries
            .iter()
            .map(|(item, click, age)| HistoryItem {
                item,
                kind: if *click { InteractionKind::Click } else { InteractionKind::View },
                age_s: *age,
            })
            .collect();
        let settings = ScoreSettings {
            max_candidates: cap,
            max_history,
            reshow_clicked: reshow.0,
            reshow_viewed: reshow.1,
            half_life_s: half_life,
            ..ScoreSettings::default()
        };
        let got: Vec<Ranked> = score(&[view], "mobile", &history, &settings)
            .iter()
            .map(|c| {
                let of = match c.reason {
                    tailor_model::Reason::Neighbour { of } => {
                        let used = history.len().min(max_history);
                        let recent = &history[history.len() - used..];
                        recent.iter().position(|h| std::ptr::eq(h.item, of))
                    }
                    tailor_model::Reason::Segment => None,
                };
                (c.item.index, c.score.to_bits(), c.neighbour_score.to_bits(), c.segment_score.to_bits(), of)
            })
            .collect();
        prop_assert_eq!(got, reference(view, "mobile", &history, &settings));
    }
}
