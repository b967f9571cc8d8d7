//! Properties: arbitrary and mutated bytes never panic any accessor or `score`; random
//! specifications round-trip through writer and reader.
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
