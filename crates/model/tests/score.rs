//! Session inference: cold start, neighbour votes, reasons, reshow rules, sharded reads.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use tailor_model::{
    candidates, encode, score, HistoryItem, InteractionKind, Model, Reason, ScoreSettings,
    ShardWriter,
};

fn ids(candidates: &[tailor_model::Candidate<'_, '_>]) -> Vec<String> {
    candidates.iter().map(|c| c.item.id.to_owned()).collect()
}

fn click(id: &str) -> HistoryItem<'_> {
    HistoryItem {
        item: id,
        kind: InteractionKind::Click,
        age_s: None,
    }
}

#[test]
fn without_history_it_is_the_segment_list() {
    let bytes = encode(&common::small()).unwrap();
    let view = Model::open(&bytes).unwrap();
    let out = score(&[view], "mobile", &[], &ScoreSettings::default());
    assert_eq!(ids(&out), ["d", "e", "a", "f"]);
    assert!(out.iter().all(|c| c.reason == Reason::Segment));
    assert!(score(&[view], "unknown", &[], &ScoreSettings::default()).is_empty());
}

#[test]
fn candidates_are_the_scored_list_taken_one_at_a_time() {
    let bytes = encode(&common::small()).unwrap();
    let view = Model::open(&bytes).unwrap();
    let history = [click("a")];
    let settings = ScoreSettings {
        max_candidates: 3,
        ..ScoreSettings::default()
    };
    let all = score(&[view], "mobile", &history, &settings);
    assert_eq!(ids(&all), ["b", "c", "d"]);
    let views = [view];
    let mut lazy = candidates(&views, "mobile", &history, &settings);
    assert_eq!(lazy.size_hint(), (0, Some(3)));
    let first = lazy.next().unwrap();
    assert_eq!((first.item.id, first.score), (all[0].item.id, all[0].score));
    assert_eq!(ids(&lazy.collect::<Vec<_>>()), ["c", "d"]);
    let none = ScoreSettings {
        max_candidates: 0,
        ..ScoreSettings::default()
    };
    assert_eq!(candidates(&views, "mobile", &history, &none).count(), 0);
    assert_eq!(candidates(&[], "mobile", &history, &settings).count(), 0);
}

#[test]
fn a_click_brings_its_neighbours_and_says_why() {
    let bytes = encode(&common::small()).unwrap();
    let view = Model::open(&bytes).unwrap();
    let out = score(&[view], "mobile", &[click("a")], &ScoreSettings::default());
    // b (1.0) and c (0.5) lead; a itself was clicked and is not shown again.
    assert_eq!(ids(&out)[..3], ["b", "c", "d"]);
    assert_eq!(out[0].reason, Reason::Neighbour { of: "a" });
    assert_eq!(out[0].reason.to_string(), "neighbour:a");
    assert_eq!(out[2].reason, Reason::Segment);
    assert!(!ids(&out).contains(&"a".to_owned()));
}

#[test]
fn newer_history_weighs_more_and_views_less_than_clicks() {
    let bytes = encode(&common::small()).unwrap();
    let view = Model::open(&bytes).unwrap();
    let settings = ScoreSettings {
        segment_weight: 0.0,
        position_decay: 0.8,
        reshow_clicked: true,
        ..ScoreSettings::default()
    };
    // c ← a (0.5 × 0.8) and c ← b (1.0 × 1): b is newest; f only via c (not in history).
    let out = score(&[view], "mobile", &[click("a"), click("b")], &settings);
    assert_eq!(out[0].item.id, "c");
    assert_eq!(out[0].reason, Reason::Neighbour { of: "b" });
    let as_view = HistoryItem {
        kind: InteractionKind::View,
        ..click("b")
    };
    let out = score(&[view], "mobile", &[click("a"), as_view], &settings);
    let c = out.iter().find(|c| c.item.id == "c").unwrap();
    // b (newest, a view): 0.5 × 1.0; a (one step back, a click): 0.8 × 0.5.
    assert!((c.neighbour_score - (0.5 * 1.0 + 0.8 * 0.5)).abs() < 1e-6);
}

#[test]
fn age_halves_weight_per_half_life() {
    let bytes = encode(&common::small()).unwrap();
    let view = Model::open(&bytes).unwrap();
    let settings = ScoreSettings {
        half_life_s: 100,
        segment_weight: 0.0,
        ..ScoreSettings::default()
    };
    let old = HistoryItem {
        age_s: Some(100),
        ..click("a")
    };
    let out = score(&[view], "mobile", &[old], &settings);
    assert!((out[0].score - 0.5).abs() < 1e-6);
}

#[test]
fn the_candidate_cap_and_history_cap_hold() {
    let bytes = encode(&common::small()).unwrap();
    let view = Model::open(&bytes).unwrap();
    let settings = ScoreSettings {
        max_candidates: 2,
        max_history: 1,
        ..ScoreSettings::default()
    };
    // Only the newest item (c) is used: f leads.
    let out = score(&[view], "mobile", &[click("a"), click("c")], &settings);
    assert_eq!(ids(&out), ["f", "d"]);
}

#[test]
fn a_sharded_model_scores_like_the_complete_one_for_the_newest_item() {
    let spec = common::small();
    let complete = encode(&spec).unwrap();
    let complete = Model::open(&complete).unwrap();
    let writer = ShardWriter::new(&spec, 4).unwrap();
    let head = writer.head().unwrap();
    let home = tailor_model::shard_of("a", 4);
    let shard = writer.shard(home).unwrap();
    let views = [Model::open(&head).unwrap(), Model::open(&shard).unwrap()];
    let history = [click("a")];
    let settings = ScoreSettings::default();
    let whole = score(&[complete], "mobile", &history, &settings);
    let parts = score(&views, "mobile", &history, &settings);
    assert_eq!(ids(&whole), ids(&parts));
    for (w, p) in whole.iter().zip(&parts) {
        assert_eq!(w.score, p.score);
        assert_eq!(w.reason, p.reason);
        assert_eq!(w.display().unwrap().title, p.display().unwrap().title);
        assert_eq!(w.display().unwrap().url, "/p/".to_owned() + w.item.id);
    }
}

#[test]
fn settings_deserialize_with_defaults_and_are_checked() {
    let settings: ScoreSettings = serde_json_from("{\"segment_weight\": 0.5}");
    assert_eq!(settings.segment_weight, 0.5);
    assert_eq!(settings.max_history, 12);
    settings.validate().unwrap();
    let bad = ScoreSettings {
        position_decay: 0.0,
        ..ScoreSettings::default()
    };
    assert_eq!(bad.validate().unwrap_err().field, "position_decay");
}

fn serde_json_from(text: &str) -> ScoreSettings {
    use serde::de::value::{MapDeserializer, StrDeserializer};
    use serde::Deserialize;
    // A tiny map deserializer keeps serde_json out of this crate's dependencies.
    assert_eq!(text, "{\"segment_weight\": 0.5}");
    let map = MapDeserializer::<_, serde::de::value::Error>::new(
        [(
            StrDeserializer::<serde::de::value::Error>::new("segment_weight"),
            0.5f32,
        )]
        .into_iter(),
    );
    ScoreSettings::deserialize(map).unwrap()
}
