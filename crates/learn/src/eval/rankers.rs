//! The rankers evaluated today: the segment list alone (popularity) and session inference
//! over the trained model (`tailor_model::score`), both reading the same model blob.

use super::{excluded, Ranker};
use tailor_model::{score, shards_to_read, HistoryItem, Model, ScoreSettings};

/// The segment's list, best first, skipping excluded items.
#[derive(Debug, Clone)]
pub struct PopularityRanker {
    /// The model blob (as `tailor_model::encode` writes it).
    pub bytes: Vec<u8>,
    /// Segment whose list is read.
    pub segment: String,
}

impl Ranker for PopularityRanker {
    fn name(&self) -> &str {
        "popularity"
    }

    fn rank(&self, _history: &[HistoryItem<'_>], exclude: &[String], k: usize) -> Vec<String> {
        let Ok(view) = Model::open(&self.bytes) else {
            return Vec::new();
        };
        let Some(list) = view.segment(&self.segment) else {
            return Vec::new();
        };
        list.iter()
            .filter_map(|(index, _)| view.id(index))
            .filter(|id| !excluded(exclude, id))
            .take(k)
            .map(str::to_owned)
            .collect()
    }
}

/// Session inference as the edge runs it, then exclusions, then the top k.
#[derive(Debug, Clone)]
pub struct ModelRanker {
    /// The model blob (as `tailor_model::encode` writes it).
    pub bytes: Vec<u8>,
    /// Segment of the visitors ranked for.
    pub segment: String,
    /// Inference settings as at the edge (`max_candidates` is raised to fill k).
    pub settings: ScoreSettings,
}

impl Ranker for ModelRanker {
    fn name(&self) -> &str {
        "model"
    }

    fn rank(&self, history: &[HistoryItem<'_>], exclude: &[String], k: usize) -> Vec<String> {
        let Ok(view) = Model::open(&self.bytes) else {
            return Vec::new();
        };
        let settings = ScoreSettings {
            // Enough candidates to fill k after exclusions.
            max_candidates: k + exclude.len() + history.len(),
            ..self.settings.clone()
        };
        score(&[view], &self.segment, history, &settings)
            .into_iter()
            .filter(|c| !excluded(exclude, c.item.id))
            .take(k)
            .map(|c| c.item.id.to_owned())
            .collect()
    }
}

/// Session inference over a sharded model as the edge reads it: the head plus the shards of
/// the newest history items (`settings.shard_reads`), so evaluation shows what the
/// sharding approximation costs.
#[derive(Debug, Clone)]
pub struct ShardedRanker {
    /// The sharded model's head blob.
    pub head: Vec<u8>,
    /// Shard blobs, indexed by shard number.
    pub shards: Vec<Vec<u8>>,
    /// Segment of the visitors ranked for.
    pub segment: String,
    /// Inference settings as at the edge (`max_candidates` is raised to fill k).
    pub settings: ScoreSettings,
}

impl Ranker for ShardedRanker {
    fn name(&self) -> &str {
        "model-sharded"
    }

    fn rank(&self, history: &[HistoryItem<'_>], exclude: &[String], k: usize) -> Vec<String> {
        let Ok(head) = Model::open(&self.head) else {
            return Vec::new();
        };
        let count = u32::try_from(self.shards.len()).unwrap_or(1);
        let mut views = vec![head];
        for shard in shards_to_read(history, count, self.settings.shard_reads) {
            let blob = self.shards.get(shard as usize).map(Vec::as_slice);
            if let Some(view) = blob.and_then(|b| Model::open(b).ok()) {
                views.push(view);
            }
        }
        let settings = ScoreSettings {
            max_candidates: k + exclude.len() + history.len(),
            ..self.settings.clone()
        };
        score(&views, &self.segment, history, &settings)
            .into_iter()
            .filter(|c| !excluded(exclude, c.item.id))
            .take(k)
            .map(|c| c.item.id.to_owned())
            .collect()
    }
}
