//! Training end to end on small data: neighbours follow sequences, consent decides what
//! trains, and shard-then-merge gives exactly the single run's model.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use tailor_learn::input::{Interaction, Kind};
use tailor_learn::train::{ingest, train_on, TrainSettings, Trainer};
use tailor_model::{encode, score, HistoryItem, InteractionKind, Model, ScoreSettings};

fn event(visitor: Option<&str>, item: &str, ts_s: i64) -> Interaction {
    Interaction {
        visitor: visitor.map(str::to_owned),
        item: item.into(),
        ts_ms: ts_s * 1000,
        kind: Kind::Click,
        segment: Some("desktop".into()),
        category: None,
    }
}

/// Visitors who see `a` go on to `b`, then `c`; `z` is popular but unrelated.
fn sessions() -> Vec<Interaction> {
    let mut out = Vec::new();
    for v in 0..40 {
        let visitor = format!("v{v}");
        let t = v * 10_000;
        out.push(event(Some(&visitor), "z", t));
        out.push(event(None, "z", t + 1));
        out.push(event(Some(&visitor), "a", t + 3_000));
        out.push(event(Some(&visitor), "b", t + 3_010));
        out.push(event(Some(&visitor), "c", t + 3_020));
        if v % 3 == 0 {
            out.push(event(Some(&visitor), &format!("rare{v}"), t + 3_030));
        }
    }
    out
}

#[test]
fn neighbours_follow_sequences_and_popularity_counts_everyone() {
    let (spec, report) = train_on(sessions(), None, &TrainSettings::default()).unwrap();
    assert_eq!(report.input.items_not_in_catalogue, 0);
    let bytes = encode(&spec).unwrap();
    let view = Model::open(&bytes).unwrap();
    let row = |id: &str| -> Vec<String> {
        view.neighbours(view.find(id).unwrap())
            .unwrap()
            .iter()
            .map(|(i, _)| view.id(i).unwrap().to_owned())
            .collect()
    };
    assert_eq!(row("a")[0], "b");
    assert_eq!(row("b")[0], "c");
    // z is 30 minutes before a (session gap): never its neighbour.
    assert!(!row("a").contains(&"z".to_owned()));
    let list = view.segment("desktop").unwrap();
    assert_eq!(view.id(list.get(0).unwrap().0), Some("z"));
    let history = [HistoryItem {
        item: "a",
        kind: InteractionKind::Click,
        age_s: None,
    }];
    let out = score(&[view], "desktop", &history, &ScoreSettings::default());
    assert_eq!(out[0].item.id, "b");
}

#[test]
fn shard_then_merge_equals_a_single_run() {
    let single = TrainSettings {
        partitions: 1,
        reduce_buckets: 1,
        half_life_days: 0.3,
        ..TrainSettings::default()
    };
    let sharded = TrainSettings {
        partitions: 7,
        reduce_buckets: 3,
        ..single.clone()
    };
    let (a, _) = train_on(sessions(), None, &single).unwrap();
    let (b, _) = train_on(sessions(), None, &sharded).unwrap();
    assert_eq!(a, b);
    assert_eq!(encode(&a).unwrap(), encode(&b).unwrap());
}

#[test]
fn files_of_every_format_train_and_problems_are_placed() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("events");
    std::fs::write(
        &log,
        "{\"event\":\"click\",\"item\":\"a\",\"segment\":\"s\",\"visitor\":\"v\",\"ts_ms\":1000}\n\
         {\"event\":\"click\",\"item\":\"b\",\"segment\":\"s\",\"visitor\":\"v\",\"ts_ms\":2000}\n\
         not json\n\
         {\"event\":\"goal\",\"name\":\"purchase\",\"value\":3}\n\
         {\"event\":\"view\",\"item\":\"ghost\",\"visitor\":null,\"ts_ms\":5}\n",
    )
    .unwrap();
    let csv = dir.path().join("history.csv");
    std::fs::write(
        &csv,
        "visitor_or_session,item,timestamp,kind\nw,a,10,view\nw,b,11,buy\n",
    )
    .unwrap();
    let mut catalogue = tailor_learn::input::Catalogue::default();
    catalogue.push_id("a", None);
    catalogue.push_id("b", None);
    let mut trainer = Trainer::new(TrainSettings::default(), Some(catalogue)).unwrap();
    let stats = ingest::ingest(&mut trainer, &log, 1024).unwrap();
    assert_eq!(
        (stats.interactions, stats.goals, stats.malformed),
        (3, 1, 1)
    );
    assert_eq!(stats.items_not_in_catalogue, 1);
    assert!(
        stats.problems[0].ends_with("events:3: expected ident at line 1 column 2"),
        "{:?}",
        stats.problems
    );
    let stats = ingest::ingest(&mut trainer, &csv, 1024).unwrap();
    assert_eq!(stats.interactions, 2);
    let (spec, report) = trainer.finish().unwrap();
    assert_eq!(report.sessions, 2);
    assert_eq!(spec.segments.len(), 2);
}
