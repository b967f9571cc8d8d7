//! The experiments fixture: the demo config plus an experiment whose arms rank banners
//! differently (the trained model, or the segment list with a stricter re-rank and three
//! items), and the goals the beacon accepts. Made from `demo/config.json`, so the two never
//! drift.

use super::viceroy::{project_root, Harness};

pub(crate) const EXPERIMENT: &str = "ranking";
/// The arm ranking by the trained model.
pub(crate) const MODEL_ARM: &str = "model";
/// The arm ranking by the segment list, showing three items.
pub(crate) const LIST_ARM: &str = "list";
pub(crate) const LIST_ITEMS: usize = 3;
pub(crate) const WEIGHTS_KEY: &str = "experiments/weights";

pub(crate) fn config_json() -> String {
    let demo = std::fs::read(project_root().join("demo/config.json")).unwrap();
    let mut config: serde_json::Value = serde_json::from_slice(&demo).unwrap();
    config["experiments"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "name": EXPERIMENT, "salt": "2026-12-ranking", "arms": [
                {"name": MODEL_ARM, "weight": 50, "ranking": "model"},
                {"name": LIST_ARM, "weight": 50, "ranking": "list", "max_items": LIST_ITEMS,
                 "rerank": {"max_per_category": 1}}]}));
    config["events"]["goals"] = serde_json::json!(["purchase", "signup"]);
    config.to_string()
}

/// A weights document sending every new visitor of the experiment to `arm`.
pub(crate) fn all_to(arm: &str) -> String {
    serde_json::json!({"version": "w-test", "experiments": {EXPERIMENT: {arm: 1.0}}}).to_string()
}

/// The log lines (JSON) of one `event` kind in `log`, which may hold other text too.
pub(crate) fn lines_of(log: &str, event: &str) -> Vec<serde_json::Value> {
    log.lines()
        .filter_map(|line| {
            let start = line.find('{')?;
            serde_json::from_str::<serde_json::Value>(line.get(start..)?.trim()).ok()
        })
        .filter(|v| v["event"] == event)
        .collect()
}

/// The log lines of `event` once `enough` holds for them (logs can lag behind responses).
pub(crate) fn logged(
    h: &Harness,
    event: &str,
    enough: impl Fn(&[serde_json::Value]) -> bool,
) -> Vec<serde_json::Value> {
    let mut lines = Vec::new();
    for _ in 0..50 {
        lines = lines_of(&h.log(), event);
        if enough(&lines) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    lines
}
