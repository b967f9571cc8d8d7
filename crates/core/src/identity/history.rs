//! The visitor's recent behaviour as the sealed cookie keeps it: oldest first, one entry per
//! item, and clicks outlasting views when room runs out (a banner view records several items
//! at once and would otherwise push the more telling clicks out).

use super::sealed::{HistoryEntry, MAX_HISTORY};

/// Records one interaction. A repeated item moves to the newest place, and stays a click if it
/// ever was one.
pub fn record(history: &mut Vec<HistoryEntry>, mut entry: HistoryEntry) {
    if let Some(index) = history.iter().position(|e| e.item == entry.item) {
        let previous = history.remove(index);
        if previous.kind == 'c' {
            entry.kind = 'c';
        }
    }
    history.push(entry);
    while history.len() > MAX_HISTORY {
        let oldest_view = history.iter().position(|e| e.kind != 'c').unwrap_or(0);
        history.remove(oldest_view);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(item: &str, kind: char) -> HistoryEntry {
        HistoryEntry {
            item: item.into(),
            category: "c".into(),
            kind,
            at_s: None,
        }
    }

    fn items(history: &[HistoryEntry]) -> Vec<String> {
        history
            .iter()
            .map(|e| format!("{}{}", e.item, e.kind))
            .collect()
    }

    #[test]
    fn repeats_move_to_the_end_and_keep_clicks() {
        let mut history = Vec::new();
        record(&mut history, entry("a", 'c'));
        record(&mut history, entry("b", 'v'));
        record(&mut history, entry("a", 'v'));
        assert_eq!(items(&history), ["bv", "ac"]);
    }

    #[test]
    fn views_make_room_before_clicks() {
        let mut history = Vec::new();
        record(&mut history, entry("clicked", 'c'));
        for i in 0..MAX_HISTORY + 5 {
            record(&mut history, entry(&format!("v{i}"), 'v'));
        }
        assert_eq!(history.len(), MAX_HISTORY);
        assert_eq!(history[0].item, "clicked");
        assert_eq!(
            history.last().unwrap().item,
            format!("v{}", MAX_HISTORY + 4)
        );
        for i in 0..MAX_HISTORY + 1 {
            record(&mut history, entry(&format!("c{i}"), 'c'));
        }
        assert_eq!(history.len(), MAX_HISTORY);
        assert!(history.iter().all(|e| e.kind == 'c'));
        assert_eq!(history[0].item, "c1");
    }
}
