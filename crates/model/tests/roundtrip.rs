//! Writer → reader round trips, header checks and sharding.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use tailor_model::{encode, shard_of, BlobKind, Model, ModelError, ShardWriter};

#[test]
fn a_written_model_reads_back() {
    let spec = common::small();
    let bytes = encode(&spec).unwrap();
    let view = Model::open(&bytes).unwrap();
    view.verify_checksum().unwrap();
    assert_eq!(view.version(), Some("v-test"));
    assert_eq!(view.kind(), BlobKind::Complete);
    assert_eq!(view.item_count(), 6);
    for original in &spec.items {
        let index = view.find(&original.id).unwrap();
        let item = view.item(index).unwrap();
        assert_eq!(item.id, original.id);
        assert_eq!(item.title, original.title);
        assert_eq!(item.url, original.url);
        assert_eq!(item.image, original.image);
        assert_eq!(item.category, original.category);
        assert_eq!((item.starts, item.ends), (original.starts, original.ends));
        assert!(item.owns_row);
    }
    assert_eq!(view.find("zz"), None);
    let ids = |list: tailor_model::Entries<'_>| -> Vec<String> {
        list.iter()
            .map(|(i, _)| view.id(i).unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(view.segment("mobile").unwrap()), ["d", "e", "a", "f"]);
    // Lists are written best first whatever order the publisher gave.
    assert_eq!(ids(view.segment("desktop").unwrap()), ["d", "e"]);
    assert!(view.segment("tablet").is_none());
    assert_eq!(
        ids(view.neighbours(view.find("a").unwrap()).unwrap()),
        ["b", "c"]
    );
    assert!(view.neighbours(view.find("d").unwrap()).unwrap().is_empty());
}

#[test]
fn the_same_spec_gives_the_same_bytes() {
    assert_eq!(
        encode(&common::small()).unwrap(),
        encode(&common::small()).unwrap()
    );
}

#[test]
fn bad_headers_are_named() {
    let bytes = encode(&common::small()).unwrap();
    assert_eq!(Model::open(b"nope").unwrap_err(), ModelError::BadMagic);
    let mut other = bytes.clone();
    other[4] = 9;
    assert!(matches!(
        Model::open(&other),
        Err(ModelError::UnsupportedVersion { found: 9, .. })
    ));
    assert!(matches!(
        Model::open(b"TLRM\x01\x00\x00"),
        Err(ModelError::LengthMismatch {
            declared: 64,
            actual: 7
        })
    ));
    let truncated = &bytes[..bytes.len() - 1];
    assert!(matches!(
        Model::open(truncated),
        Err(ModelError::LengthMismatch { .. })
    ));
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    let view = Model::open(&flipped).unwrap();
    assert!(matches!(
        view.verify_checksum(),
        Err(ModelError::Checksum { .. })
    ));
}

#[test]
fn invalid_specs_are_refused() {
    let mut spec = common::small();
    spec.items[1].id = spec.items[0].id.clone();
    assert!(encode(&spec).unwrap_err().to_string().contains("twice"));
    let mut spec = common::small();
    spec.segments[0].entries.push((99, 1.0));
    assert!(encode(&spec).is_err());
    let mut spec = common::small();
    spec.neighbours[0].push((0, f32::NAN));
    assert!(encode(&spec).is_err());
}

#[test]
fn shards_hold_their_rows_and_every_item_those_rows_name() {
    let spec = common::small();
    let writer = ShardWriter::new(&spec, 3).unwrap();
    let head = writer.head().unwrap();
    let head = Model::open(&head).unwrap();
    head.verify_checksum().unwrap();
    assert_eq!(head.kind(), BlobKind::Head);
    assert_eq!(head.shard_count(), 3);
    // The head has the listed items (a, d, e, f), none with a row.
    assert_eq!(head.item_count(), 4);
    assert!(head.neighbours(head.find("a").unwrap()).is_none());
    let shards: Vec<Vec<u8>> = (0..3).map(|s| writer.shard(s).unwrap()).collect();
    for item in &spec.items {
        let home = shard_of(&item.id, 3) as usize;
        let view = Model::open(&shards[home]).unwrap();
        let index = view.find(&item.id).unwrap();
        let row = view.neighbours(index).unwrap();
        for (target, _) in row.iter() {
            assert!(view.item(target).is_some());
        }
        for (other, bytes) in shards.iter().enumerate() {
            let view = Model::open(bytes).unwrap();
            if other != home {
                assert!(view
                    .find(&item.id)
                    .and_then(|i| view.neighbours(i))
                    .is_none());
            }
        }
    }
}

#[test]
fn shard_counts_and_reads_follow_the_settings() {
    use tailor_model::{shards_to_read, suggested_shard_count, HistoryItem, InteractionKind};
    assert_eq!(suggested_shard_count(240), 1);
    assert_eq!(suggested_shard_count(1_000_000), 1024);
    let ids = ["a", "b", "c", "d"];
    let history: Vec<HistoryItem<'_>> = ids
        .iter()
        .map(|id| HistoryItem {
            item: id,
            kind: InteractionKind::View,
            age_s: None,
        })
        .collect();
    let shards = shards_to_read(&history, 1000, 2);
    assert_eq!(shards, [shard_of("d", 1000), shard_of("c", 1000)]);
    assert!(shards_to_read(&history, 1000, 0).is_empty());
    assert_eq!(shards_to_read(&history, 1, 3), [0]);
}
