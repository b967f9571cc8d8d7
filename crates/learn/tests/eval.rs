//! Evaluation: metrics by hand, the cookie's history rules, and the protocols' splits.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use tailor_learn::eval::{
    evaluate, leave_last_out, protocol::cookie_history, session_next_item, Case, Ranker,
};
use tailor_learn::input::{Interaction, Kind};
use tailor_model::{HistoryItem, InteractionKind};

fn at(visitor: &str, item: &str, ts_s: i64, kind: Kind) -> Interaction {
    Interaction {
        visitor: Some(visitor.into()),
        item: item.into(),
        ts_ms: ts_s * 1000,
        kind,
        segment: None,
        category: None,
    }
}

/// Always answers the same list, minus exclusions.
struct Fixed(Vec<&'static str>);

impl Ranker for Fixed {
    fn name(&self) -> &str {
        "fixed"
    }
    fn rank(&self, _: &[HistoryItem<'_>], exclude: &[String], k: usize) -> Vec<String> {
        self.0
            .iter()
            .filter(|id| !tailor_learn::eval::excluded(exclude, id))
            .take(k)
            .map(|s| s.to_string())
            .collect()
    }
}

#[test]
fn metrics_match_a_hand_computation() {
    let case = |target: &str, exclude: Vec<String>| Case {
        history: Vec::new(),
        exclude,
        target: target.into(),
    };
    // Targets at rank 1, rank 3 (after an exclusion shifts it up from 4), and missing.
    let cases = [
        case("a", vec![]),
        case("d", vec!["b".into()]),
        case("z", vec![]),
    ];
    let ranker = Fixed(vec!["a", "b", "c", "d"]);
    let report = evaluate("t", &cases, &[&ranker], &[2, 10], 10);
    let k2 = report.get("fixed", 2).unwrap();
    assert!((k2.hr - 1.0 / 3.0).abs() < 1e-12);
    let k10 = report.get("fixed", 10).unwrap();
    assert!((k10.hr - 2.0 / 3.0).abs() < 1e-12);
    assert!((k10.mrr - (1.0 + 1.0 / 3.0) / 3.0).abs() < 1e-12);
    assert!((k10.ndcg - (1.0 + 1.0 / 4f64.log2()) / 3.0).abs() < 1e-12);
    assert!((k10.coverage - 0.4).abs() < 1e-12);
    assert!(report.to_markdown().contains("| fixed | 10 | 0.6667 |"));
}

#[test]
fn the_cookie_keeps_twelve_newest_first_clicks_outlasting_views() {
    let mut seen = vec![at("v", "clicked", 0, Kind::Click)];
    for i in 0..15 {
        seen.push(at("v", &format!("i{i}"), i + 1, Kind::View));
    }
    seen.push(at("v", "i14", 20, Kind::Click));
    let refs: Vec<&Interaction> = seen.iter().collect();
    let history = cookie_history(&refs, 12, 30_000);
    assert_eq!(history.len(), 12);
    assert_eq!(history[0].0, "clicked");
    assert_eq!(history[11], ("i14".into(), InteractionKind::Click, 10));
}

#[test]
fn leave_last_out_holds_out_the_last_by_time_then_id() {
    let data = vec![
        at("u", "3", 5, Kind::View),
        at("u", "1", 1, Kind::View),
        at("u", "2", 5, Kind::View),
        at("w", "9", 1, Kind::View),
    ];
    let split = leave_last_out(&data, 12);
    assert_eq!(split.cases.len(), 1);
    assert_eq!(split.cases[0].target, "3");
    assert_eq!(split.cases[0].exclude, ["1", "2"]);
    let trained: Vec<&str> = split.train.iter().map(|i| i.item.as_str()).collect();
    assert_eq!(trained, ["1", "2", "9"]);
}

#[test]
fn session_next_item_tests_only_the_last_share_of_time() {
    let mut data = vec![at("u", "a", 0, Kind::View), at("u", "b", 10, Kind::View)];
    data.extend([
        at("u", "c", 100, Kind::View),
        at("u", "d", 110, Kind::View),
        at("u", "c", 120, Kind::View),
    ]);
    let split = session_next_item(&data, 0.2, 1800, false, 12);
    assert_eq!(split.train.len(), 2);
    // c → d is a case; the repeat of c is skipped without repeats.
    assert_eq!(split.cases.len(), 1);
    assert_eq!(split.cases[0].target, "d");
    let with_repeats = session_next_item(&data, 0.2, 1800, true, 12);
    assert_eq!(with_repeats.cases.len(), 2);
}
