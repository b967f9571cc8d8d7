//! How session inference weighs a visitor's history against the segment list; deserialized
//! from config (`recs.model` in Tailor), with defaults chosen on MovieLens-100K and the
//! synthetic shop log (see the tailor-learn README) and checked before use.

use serde::{Deserialize, Serialize};

/// Inference settings. Every field has a default; unknown fields are refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScoreSettings {
    /// Weight of a clicked history item's neighbours.
    pub click_weight: f32,
    /// Weight of a viewed history item's neighbours.
    pub view_weight: f32,
    /// Each step back from the newest history item counts this much of the step after it.
    pub position_decay: f32,
    /// Halves an item's weight per this many seconds of age (0: age is ignored).
    pub half_life_s: u32,
    /// λ: the segment list's weight; a candidate's final score is its neighbour part plus λ
    /// × its segment score divided by the list's best score.
    pub segment_weight: f32,
    /// How many of the newest history items are used.
    pub max_history: usize,
    /// Whether items the visitor viewed may be recommended again (on shop data repeat
    /// interactions are a large share of next clicks).
    pub reshow_viewed: bool,
    /// Whether items the visitor clicked may be recommended again.
    pub reshow_clicked: bool,
    /// At most this many candidates are returned, best first.
    pub max_candidates: usize,
    /// For a sharded model: how many shards (besides the head) a banner reads — those of the
    /// newest history items (see `shards_to_read`). Each read is a KV or cache lookup.
    pub shard_reads: usize,
}

impl Default for ScoreSettings {
    fn default() -> Self {
        Self {
            click_weight: 1.0,
            view_weight: 0.5,
            position_decay: 0.7,
            half_life_s: 0,
            segment_weight: 0.05,
            max_history: 12,
            reshow_viewed: true,
            reshow_clicked: false,
            max_candidates: 50,
            shard_reads: 1,
        }
    }
}

/// A setting out of range: the field and what it must be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} {rule}")]
pub struct SettingsError {
    /// Name of the setting at fault.
    pub field: &'static str,
    /// What its value must be, e.g. "must be from 1 to 64".
    pub rule: &'static str,
}

impl ScoreSettings {
    /// Checks every field; the edge refuses a config whose settings fail.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let weight_ok = |w: f32| w.is_finite() && (0.0..=1000.0).contains(&w);
        let fail = |field, rule| Err(SettingsError { field, rule });
        if !weight_ok(self.click_weight) {
            fail("click_weight", "must be a number from 0 to 1000")
        } else if !weight_ok(self.view_weight) {
            fail("view_weight", "must be a number from 0 to 1000")
        } else if !(self.position_decay > 0.0 && self.position_decay <= 1.0) {
            fail("position_decay", "must be above 0 and at most 1")
        } else if !weight_ok(self.segment_weight) {
            fail("segment_weight", "must be a number from 0 to 1000")
        } else if self.max_history == 0 || self.max_history > 64 {
            fail("max_history", "must be from 1 to 64")
        } else if self.max_candidates == 0 || self.max_candidates > 10_000 {
            fail("max_candidates", "must be from 1 to 10000")
        } else if self.shard_reads > 12 {
            fail("shard_reads", "must be from 0 to 12")
        } else {
            Ok(())
        }
    }
}
