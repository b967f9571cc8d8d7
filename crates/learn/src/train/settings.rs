//! Training settings with their defaults (chosen on MovieLens-100K validation data and the
//! synthetic shop log; see the README) and the checks they must pass.

use crate::input::Kind;
use crate::LearnError;
use serde::Deserialize;

/// How interactions become neighbour rows and segment lists.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrainSettings {
    /// Model version string written into the blob.
    pub version: String,
    /// K: neighbours kept per item.
    pub neighbours: usize,
    /// Pairs are counted up to this many steps apart in a session, weighted 1/distance.
    pub window: usize,
    /// Weight of a pair counted against the order (b seen before a), relative to 1 for
    /// the order itself.
    pub backward_weight: f64,
    /// A gap longer than this starts a new session (0: a visitor's whole history is one).
    pub session_gap_s: u64,
    /// Interactions lose half their weight per this many days of age at training time
    /// (0: no decay).
    pub half_life_days: f64,
    /// α: a pair's weight is divided by the target item's count^α (damps popular items).
    pub popularity_damping: f64,
    /// Weights of views, clicks and purchases.
    pub view_weight: f64,
    /// Weight of a click.
    pub click_weight: f64,
    /// Weight of a purchase.
    pub purchase_weight: f64,
    /// Each row is scaled so its best score is 1 (makes λ at the edge comparable).
    pub normalize_rows: bool,
    /// Longest segment list written (0: every item with any weight).
    pub segment_list_len: usize,
    /// Visitor partitions of the map phase (spill files).
    pub partitions: usize,
    /// Item buckets of the reduce phase.
    pub reduce_buckets: usize,
    /// The time decay is measured from (Unix ms); default: the newest interaction.
    pub now_ms: Option<i64>,
}

impl Default for TrainSettings {
    fn default() -> Self {
        Self {
            version: "v1".into(),
            neighbours: 20,
            window: 20,
            backward_weight: 0.5,
            session_gap_s: 1800,
            half_life_days: 0.0,
            popularity_damping: 0.25,
            view_weight: 1.0,
            click_weight: 2.0,
            purchase_weight: 3.0,
            normalize_rows: true,
            segment_list_len: 1000,
            partitions: 16,
            reduce_buckets: 16,
            now_ms: None,
        }
    }
}

fn bad(field: &'static str, rule: &str) -> Result<(), LearnError> {
    Err(LearnError::Settings {
        field,
        rule: rule.into(),
    })
}

impl TrainSettings {
    /// Checks the settings' ranges; the first one out of range is the error.
    pub fn validate(&self) -> Result<(), LearnError> {
        let weight = |w: f64| w.is_finite() && (0.0..=100.0).contains(&w);
        if self.neighbours == 0 || self.neighbours > 1000 {
            bad("neighbours", "must be from 1 to 1000")
        } else if self.window == 0 || self.window > 1000 {
            bad("window", "must be from 1 to 1000")
        } else if !weight(self.backward_weight) {
            bad("backward_weight", "must be from 0 to 100")
        } else if !(self.half_life_days.is_finite() && self.half_life_days >= 0.0) {
            bad("half_life_days", "must be a number ≥ 0")
        } else if !(self.popularity_damping.is_finite()
            && (0.0..=2.0).contains(&self.popularity_damping))
        {
            bad("popularity_damping", "must be from 0 to 2")
        } else if ![self.view_weight, self.click_weight, self.purchase_weight]
            .into_iter()
            .all(weight)
        {
            bad("view/click/purchase_weight", "must be from 0 to 100")
        } else if self.partitions == 0 || self.partitions > 4096 {
            bad("partitions", "must be from 1 to 4096")
        } else if self.reduce_buckets == 0 || self.reduce_buckets > 4096 {
            bad("reduce_buckets", "must be from 1 to 4096")
        } else {
            Ok(())
        }
    }

    /// Training weight of an interaction of `kind`.
    pub fn kind_weight(&self, kind: Kind) -> f64 {
        match kind {
            Kind::View => self.view_weight,
            Kind::Click => self.click_weight,
            Kind::Purchase => self.purchase_weight,
        }
    }
}

/// Weights are summed as fixed-point integers (2^-20 units) so that partial counts summed
/// in any grouping give exactly the same totals: shard-then-merge equals a single run.
pub(super) const FIXED_ONE: f64 = (1u64 << 20) as f64;

pub(super) fn fixed(weight: f64) -> u64 {
    if weight.is_finite() && weight > 0.0 {
        (weight * FIXED_ONE).round() as u64
    } else {
        0
    }
}
