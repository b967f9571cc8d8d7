//! The model reader: a blob as KV or a cache hands it over, opened in place, checked, walked
//! and scored — scored even when its checksum fails, since cached copies are trusted with the
//! O(1) open alone.

use tailor_core::recs::{rank, RankRules};
use tailor_model::{
    score, shards_to_read, HistoryItem, InteractionKind, Model, ModelView, ScoreSettings,
};

/// How many items and segments of a blob are walked (each is O(1) to reach).
const WALK: u32 = 64;

/// `Model::open` then `verify_checksum`, every accessor over the first items and segments,
/// and session scoring and ranking for a visitor whose history names the blob's first items
/// (and an id it lacks), in each listed segment, over the blob as head and as head + shard.
pub fn read(data: &[u8]) {
    let Ok(view) = Model::open(data) else {
        return;
    };
    let _ = view.verify_checksum();
    let _ = (
        view.kind(),
        view.version(),
        view.byte_len(),
        view.shard_count(),
    );
    walk(&view);
    let ids: Vec<&str> = (0..view.item_count().min(12))
        .filter_map(|index| view.id(index))
        .chain(["not-in-the-model"])
        .collect();
    let history: Vec<HistoryItem<'_>> = ids
        .iter()
        .zip(0_u32..)
        .map(|(item, n)| HistoryItem {
            item,
            kind: if n % 3 == 0 {
                InteractionKind::Click
            } else {
                InteractionKind::View
            },
            age_s: (n % 2 == 0).then_some(n * 3600),
        })
        .collect();
    let _ = shards_to_read(&history, view.shard_count(), 2);
    let segments: Vec<&str> = (0..view.segment_count().min(8))
        .filter_map(|index| view.segment_at(index).map(|(name, _)| name))
        .chain(["no-such-segment"])
        .collect();
    let settings = ScoreSettings {
        half_life_s: 86_400,
        ..ScoreSettings::default()
    };
    for views in [&[view][..], &[view, view][..]] {
        for segment in &segments {
            let candidates = score(views, segment, &history, &settings);
            assert!(candidates.len() <= settings.max_candidates);
            for candidate in &candidates {
                let _ = candidate.display();
            }
            let rules = RankRules {
                score: &settings,
                max_per_category: 2,
            };
            let picked = rank(views, segment, &history, 1_750_000_000, 6, rules, &[]);
            assert!(picked.len() <= 6);
        }
    }
}

/// Every accessor over the first items and segments (ids looked up again: corrupt bytes may
/// make the lookup miss, never fail).
fn walk(view: &ModelView<'_>) {
    for index in 0..view.item_count().min(WALK) {
        let _ = (view.item(index), view.summary(index));
        if let Some(entries) = view.neighbours(index) {
            let _ = entries.iter().take(1024).count();
        }
        if let Some(id) = view.id(index) {
            let _ = view.find(id);
        }
        let _ = view.category(u16::try_from(index).unwrap_or(u16::MAX));
    }
    for index in 0..view.segment_count().min(WALK) {
        if let Some((name, entries)) = view.segment_at(index) {
            let _ = view.segment(name);
            let _ = entries.iter().take(1024).count();
        }
    }
}
