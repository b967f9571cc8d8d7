#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;
use tailor_model::{encode, ItemSpec, Model, ModelSpec, SegmentSpec};

fn item(id: &str, category: &str) -> ItemSpec {
    ItemSpec {
        id: id.into(),
        title: format!("Title of {id}"),
        url: format!("/p/{id}"),
        image: format!("photos/{id}.jpg"),
        category: category.into(),
        starts: None,
        ends: None,
    }
}

/// Six items: the list is p1 > p2 > p3 > p4 (all "pop"), `a`'s neighbours are n1 then n2
/// (both "near"), and n2 is out of its window before t = 100.
fn model() -> Vec<u8> {
    let mut items = vec![
        item("p1", "pop"),
        item("p2", "pop"),
        item("p3", "pop"),
        item("p4", "pop"),
        item("a", "near"),
        item("n1", "near"),
        item("n2", "near"),
        item("n3", "near"),
    ];
    items[6].starts = Some(100);
    let mut neighbours = vec![Vec::new(); items.len()];
    neighbours[4] = vec![(5, 1.0), (6, 0.9), (7, 0.8)];
    encode(&ModelSpec {
        version: "t".into(),
        segments: vec![SegmentSpec {
            name: "desktop".into(),
            entries: vec![(0, 10.0), (1, 9.0), (2, 8.0), (3, 7.0), (4, 6.0)],
        }],
        neighbours,
        items,
    })
    .unwrap()
}

fn click(id: &str) -> HistoryEntry {
    HistoryEntry {
        item: id.into(),
        category: String::new(),
        kind: 'c',
        at_s: Some(1_000),
    }
}

fn ids(picked: &[Picked]) -> Vec<&str> {
    picked.iter().map(|p| p.item.id.as_str()).collect()
}

fn rules(settings: &ScoreSettings, cap: usize) -> RankRules<'_> {
    RankRules {
        score: settings,
        max_per_category: cap,
    }
}

#[test]
fn without_history_it_is_the_segment_list_under_the_cap() {
    let bytes = model();
    let views = [Model::open(&bytes).unwrap()];
    let settings = ScoreSettings::default();
    let picked = rank(&views, "desktop", &[], 0, 3, rules(&settings, 2), &[]);
    assert_eq!(ids(&picked), ["p1", "p2", "a"]);
    assert!(picked.iter().all(|p| p.why == Why::SegmentList));
    assert!(covers(&views, "desktop") && !covers(&views, "sale"));
}

#[test]
fn a_click_brings_its_neighbours_and_says_so() {
    let bytes = model();
    let views = [Model::open(&bytes).unwrap()];
    let settings = ScoreSettings::default();
    let entries = [click("a")];
    let history = history_items(&entries, 1_060);
    assert_eq!(history[0].age_s, Some(60));
    let picked = rank(
        &views,
        "desktop",
        &history,
        200,
        4,
        rules(&settings, 2),
        &[],
    );
    // The clicked item is not shown again; its neighbours lead within the cap of two.
    assert_eq!(ids(&picked), ["n1", "n2", "p1", "p2"]);
    assert_eq!(picked[0].why, Why::NeighbourOf("a".into()));
    assert_eq!(picked[0].why.to_string(), "neighbour of a");
    assert_eq!(picked[2].why.to_string(), "segment list");
}

#[test]
fn windows_and_earlier_slots_are_respected() {
    let bytes = model();
    let views = [Model::open(&bytes).unwrap()];
    let settings = ScoreSettings::default();
    let entries = [click("a")];
    let history = history_items(&entries, 1_000);
    // Before t = 100 n2 is not live; n1 is already on the page.
    let picked = rank(
        &views,
        "desktop",
        &history,
        50,
        3,
        rules(&settings, 5),
        &["n1"],
    );
    assert_eq!(ids(&picked), ["n3", "p1", "p2"]);
}

#[test]
fn no_model_ranks_nothing() {
    let settings = ScoreSettings::default();
    assert!(rank(&[], "desktop", &[], 0, 4, rules(&settings, 2), &[]).is_empty());
}
