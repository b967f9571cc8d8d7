//! Synthetic data: generators are deterministic, and a model trained on the shop log
//! recovers the complements its sessions follow (what the demo shows after a click).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use tailor_learn::synth::{big, bulk, shop};
use tailor_learn::train::{ingest, TrainSettings, Trainer};
use tailor_model::{encode, score, HistoryItem, InteractionKind, Model, Reason, ScoreSettings};

#[test]
fn a_model_trained_on_the_shop_log_brings_an_items_complements() {
    let catalogue = shop::catalogue(240, 1);
    let spec = shop::ShopLog {
        visitors: 3_000,
        ..shop::ShopLog::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.log");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let lines = shop::write_log(&catalogue, &spec, &mut file).unwrap();
    drop(file);
    assert!(lines > 50_000);
    let mut again = Vec::new();
    shop::write_log(&catalogue, &spec, &mut again).unwrap();
    assert_eq!(again, std::fs::read(&path).unwrap());

    let mut trainer = Trainer::new(TrainSettings::default(), Some(catalogue.clone())).unwrap();
    let stats = ingest::ingest(&mut trainer, &path, 1 << 16).unwrap();
    assert_eq!(stats.malformed, 0);
    assert!(stats.without_consent > 0 && stats.impressions > 0 && stats.goals > 0);
    let (model, _) = trainer.finish().unwrap();
    let bytes = encode(&model).unwrap();
    let view = Model::open(&bytes).unwrap();
    let links = shop::structure(&catalogue, spec.seed);
    let mut recovered = 0;
    for (item, complements) in links.iter().enumerate().take(100) {
        let id = &catalogue.items()[item].id;
        let history = [HistoryItem {
            item: id,
            kind: InteractionKind::Click,
            age_s: None,
        }];
        let out = score(&[view], "desktop", &history, &ScoreSettings::default());
        let top: Vec<&str> = out.iter().take(4).map(|c| c.item.id).collect();
        assert_eq!(out[0].reason, Reason::Neighbour { of: id.as_str() });
        recovered += complements
            .iter()
            .filter(|&&c| {
                c as usize != item && top.contains(&catalogue.items()[c as usize].id.as_str())
            })
            .count();
    }
    // Three complements per item (some coincide with the item): most are in the top 4.
    assert!(recovered > 200, "recovered {recovered} of ~300");
}

#[test]
fn bulk_and_big_generators_are_deterministic() {
    let spec = bulk::Bulk {
        items: 1000,
        visitors: 100,
        interactions: 5000,
        ..bulk::Bulk::default()
    };
    let (mut a, mut b) = (Vec::new(), Vec::new());
    assert_eq!(bulk::write_csv(&spec, &mut a).unwrap(), 5000);
    bulk::write_csv(&spec, &mut b).unwrap();
    assert_eq!(a, b);
    let small = big::BigModel {
        items: 300,
        list_len: 50,
        ..big::BigModel::default()
    };
    let model = big::spec(&small);
    assert_eq!(model, big::spec(&small));
    assert!(model.neighbours.iter().all(|r| r.len() == 20));
    encode(&model).unwrap();
}
