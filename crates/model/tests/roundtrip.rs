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

/// Rewrites a narrow (version 2) blob as version 1 wrote it: wide entries, byte 52 zero.
fn as_version_1(bytes: &[u8]) -> Vec<u8> {
    let field = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    let (items, categories, segments) = (field(16), field(20), field(24));
    let (lists, neighbours) = (field(28), field(32));
    let lists_at = 64 + items * 20 + categories * 8 + segments * 16;
    let widen = |from: usize, count: usize, out: &mut Vec<u8>| {
        for e in bytes[from..from + count * 4].chunks_exact(4) {
            let index = u16::from_le_bytes([e[0], e[1]]);
            let score = f32::from_bits(u32::from(u16::from_le_bytes([e[2], e[3]])) << 16);
            out.extend_from_slice(&u32::from(index).to_le_bytes());
            out.extend_from_slice(&score.to_le_bytes());
        }
    };
    let mut out = bytes[..lists_at].to_vec();
    widen(lists_at, lists, &mut out);
    let offsets_at = lists_at + lists * 4;
    let neighbours_at = offsets_at + (items + 1) * 4;
    out.extend_from_slice(&bytes[offsets_at..neighbours_at]);
    widen(neighbours_at, neighbours, &mut out);
    out.extend_from_slice(&bytes[neighbours_at + neighbours * 4..]);
    out[4..6].copy_from_slice(&1u16.to_le_bytes());
    out[52] = 0;
    out[44..48].copy_from_slice(&[0; 4]);
    let crc = crc32fast::hash(&out);
    out[44..48].copy_from_slice(&crc.to_le_bytes());
    out
}

#[test]
fn small_blobs_store_entries_narrow_and_version_1_blobs_still_read() {
    let spec = common::small();
    let narrow = encode(&spec).unwrap();
    assert_eq!((narrow[4], narrow[52]), (2, 4), "version 2, 4-byte entries");
    let wide = as_version_1(&narrow);
    let view = Model::open(&narrow).unwrap();
    let old = Model::open(&wide).unwrap();
    old.verify_checksum().unwrap();
    assert!(wide.len() > narrow.len());
    for name in ["mobile", "desktop"] {
        let (a, b) = (view.segment(name).unwrap(), old.segment(name).unwrap());
        assert_eq!(a.iter().collect::<Vec<_>>(), b.iter().collect::<Vec<_>>());
    }
    let a = view.find("a").unwrap();
    assert_eq!(
        view.neighbours(a).unwrap().iter().collect::<Vec<_>>(),
        old.neighbours(a).unwrap().iter().collect::<Vec<_>>()
    );
    let mut unknown = narrow.clone();
    unknown[52] = 6;
    assert_eq!(
        Model::open(&unknown).unwrap_err(),
        ModelError::UnknownEntryWidth(6)
    );
}

#[test]
fn narrow_scores_round_to_the_nearest_bfloat16_and_keep_their_order() {
    use tailor_model::layout::{narrow_score, stored_score, wide_score, EntryWidth};
    assert_eq!(wide_score(narrow_score(1.0)), 1.0);
    assert_eq!(wide_score(narrow_score(0.0)), 0.0);
    // 1 + 2^-8 is a tie between 1 and 1 + 2^-7: to even, so 1.
    assert_eq!(wide_score(narrow_score(1.0 + 1.0 / 256.0)), 1.0);
    assert_eq!(
        wide_score(narrow_score(1.0 + 3.0 / 512.0)),
        1.0 + 1.0 / 128.0
    );
    assert!(wide_score(narrow_score(f32::NAN)).is_nan());
    let mut previous = f32::INFINITY;
    for i in (0..20_000).rev() {
        let score = i as f32 * 0.37;
        let stored = stored_score(score, EntryWidth::Narrow);
        assert!(
            (stored - score).abs() <= score / 256.0,
            "{score} → {stored}"
        );
        assert!(stored <= previous, "rounding keeps best-first order");
        previous = stored;
    }
    assert_eq!(stored_score(0.123_456_7, EntryWidth::Wide), 0.123_456_7);
    assert_eq!(EntryWidth::for_items(65_536), EntryWidth::Narrow);
    assert_eq!(EntryWidth::for_items(65_537), EntryWidth::Wide);
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
