//! Experiment assignment: `slot = SHA-256(salt, visitor id) mod 10,000`, arms own ranges of
//! slots in proportion to their weights. The salt is per experiment, so assignments are sticky
//! for a visitor and independent across experiments; experiments sharing a group split the
//! group's own slots, so a visitor is in at most one of them.
//!
//! Weights can change while an experiment runs (a bandit's allocation, see [`Allocation`]):
//! an arm recorded in the visitor's cookie at first assignment is kept as long as it exists,
//! and only visitors without one are bucketed with the weights in force.

use crate::identity::ArmMark;
use crate::recs::RerankSettings;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use tailor_model::ScoreSettings;

/// A validated experiment (config section `experiments`).
#[derive(Debug)]
pub struct Experiment {
    /// Unique name, shown in buckets and logs.
    pub name: String,
    /// Hashed with the visitor id; a new salt reshuffles every visitor.
    pub salt: String,
    /// The first arm is the control: what visitors outside the experiment see.
    pub arms: Vec<Arm>,
    /// The experiment's share of its mutual-exclusion group, if it has one.
    pub group: Option<GroupShare>,
}

/// One arm of an experiment.
#[derive(Debug)]
pub struct Arm {
    /// Unique within the experiment.
    pub name: String,
    /// Relative share of the experiment's visitors.
    pub weight: u32,
    /// Segment → banner template while in this arm.
    pub templates: BTreeMap<String, String>,
    /// How the banner's items are ranked in this arm; `None`: as the deployment does (the
    /// trained model where it covers the segment, else the list).
    pub ranking: Option<Ranking>,
    /// The re-rank settings in this arm (the config's `recs.rerank` with the arm's overrides
    /// applied); `None`: the config's.
    pub rerank: Option<RerankSettings>,
    /// The trained model's inference settings in this arm (the config's `recs.model` with
    /// the arm's overrides applied); `None`: the config's.
    pub model: Option<ScoreSettings>,
    /// How many items a banner shows in this arm (at most the slot's own `max_items`);
    /// `None`: the slot's.
    pub max_items: Option<usize>,
}

impl Arm {
    /// Whether the arm changes how any banner is ranked or sized (not only its template).
    pub fn changes_ranking(&self) -> bool {
        self.ranking.is_some()
            || self.rerank.is_some()
            || self.model.is_some()
            || self.max_items.is_some()
    }
}

impl Experiment {
    /// Whether being in this experiment can change a banner of `segment`: some arm ranks or
    /// sizes banners, or renders this segment's with another template. Its visitors are
    /// exposed (in whichever arm, the control included) when such a banner is served.
    pub fn applies_to(&self, segment: &str) -> bool {
        self.arms
            .iter()
            .any(|arm| arm.changes_ranking() || arm.templates.contains_key(segment))
    }

    /// Each arm's share of new visitors (0..1) under `allocation`, else the config weights.
    pub fn split(&self, allocation: Option<&Allocation>) -> Vec<(&str, f64)> {
        let weights = self.weights(allocation);
        let total: f64 = weights.iter().map(|&w| f64::from(w)).sum();
        self.arms
            .iter()
            .zip(&weights)
            .map(|(arm, &w)| {
                let share = if total > 0.0 {
                    f64::from(w) / total
                } else {
                    0.0
                };
                (arm.name.as_str(), share)
            })
            .collect()
    }

    /// The weights new visitors are bucketed with: the allocation's slots for this
    /// experiment when it has them (one per arm), else the config weights.
    fn weights(&self, allocation: Option<&Allocation>) -> Vec<u32> {
        allocation
            .and_then(|a| a.slots.get(&self.name))
            .filter(|slots| slots.len() == self.arms.len())
            .cloned()
            .unwrap_or_else(|| self.arms.iter().map(|a| a.weight).collect())
    }
}

/// How an arm ranks a banner's items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ranking {
    /// The trained item-to-item model with the visitor's session (the list where the model
    /// does not cover the segment or none is published).
    Model,
    /// The segment's list with the category re-rank, even when a model is published.
    List,
}

/// Arm weights from outside the config (a bandit's allocation, read from KV): per
/// experiment the slots of each arm in config order, summing to [`SLOTS`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allocation {
    /// The document's own version label, for logs.
    pub version: String,
    /// Experiment name → each arm's slots, in config order.
    pub slots: BTreeMap<String, Vec<u32>>,
}

/// Shares (non-negative, finite) → slots summing to [`SLOTS`], every arm with a positive
/// share keeping at least one slot (largest remainders get the rest). `None` when no share is
/// positive or more arms have one than there are slots.
pub fn shares_to_slots(shares: &[f64]) -> Option<Vec<u32>> {
    if shares.iter().any(|s| !s.is_finite() || *s < 0.0) {
        return None;
    }
    let total: f64 = shares.iter().sum();
    let positive = shares.iter().filter(|&&s| s > 0.0).count();
    if total.is_nan() || total <= 0.0 || positive > SLOTS as usize {
        return None;
    }
    let exact: Vec<f64> = shares
        .iter()
        .map(|s| s / total * f64::from(SLOTS))
        .collect();
    let mut slots: Vec<u32> = shares
        .iter()
        .zip(&exact)
        .map(|(&s, &e)| {
            if s > 0.0 {
                (e.floor() as u32).max(1)
            } else {
                0
            }
        })
        .collect();
    // Largest remainder first, ties by position: deterministic.
    let mut order: Vec<usize> = (0..slots.len())
        .filter(|&i| shares.get(i).is_some_and(|&s| s > 0.0))
        .collect();
    order.sort_by(|&a, &b| {
        let rem = |i: usize| exact.get(i).map_or(0.0, |e| e - e.floor());
        rem(b).total_cmp(&rem(a)).then(a.cmp(&b))
    });
    let mut sum: u32 = slots.iter().sum();
    let mut k = 0;
    while sum < SLOTS && !order.is_empty() {
        if let Some(s) = order.get(k % order.len()).and_then(|&i| slots.get_mut(i)) {
            *s += 1;
            sum += 1;
        }
        k += 1;
    }
    // Minimums may overshoot: take from the largest arms, never below one.
    while sum > SLOTS {
        let largest = (0..slots.len())
            .max_by_key(|&i| (slots.get(i).copied().unwrap_or(0), usize::MAX - i))?;
        match slots.get_mut(largest) {
            Some(s) if *s > 1 => {
                *s -= 1;
                sum -= 1;
            }
            _ => return None,
        }
    }
    Some(slots)
}

/// An experiment's share of its mutual-exclusion group: the group's slots `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupShare {
    /// The group's name.
    pub name: String,
    /// The slots of the group this experiment owns, `[start, end)`.
    pub slots: (u32, u32),
}

/// The slots visitors are hashed into; arms and groups own ranges of them.
pub const SLOTS: u32 = 10_000;

/// Why a visitor got the arm they got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Bucketed by their visitor id.
    Enrolled,
    /// No consent (or an opt-out signal): no identity, so the control arm.
    NoConsent,
    /// Crawlers always see the control arm.
    Bot,
    /// In a mutual-exclusion group, assigned to another experiment of the group.
    Excluded,
    /// A preview token forced the segment; previews never feed experiments.
    Preview,
}

impl Reason {
    fn label(self) -> &'static str {
        match self {
            Self::Enrolled => "",
            Self::NoConsent => "no-consent",
            Self::Bot => "bot",
            Self::Excluded => "excluded",
            Self::Preview => "preview",
        }
    }
}

/// One experiment's outcome for this visitor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The experiment's name.
    pub experiment: String,
    /// Index into the experiment's arms; 0 is the control.
    pub arm: usize,
    /// The arm's name.
    pub arm_name: String,
    /// The visitor's slot (0..[`SLOTS`]) for the experiment's salt; `None` when given the
    /// control without bucketing.
    pub slot: Option<u32>,
    /// Why this arm.
    pub reason: Reason,
    /// The arm came from the visitor's cookie (kept whatever the weights now say).
    pub recorded: bool,
}

/// A visitor's slot for `salt`.
pub fn slot(salt: &str, visitor_id: &str) -> u32 {
    let digest = Sha256::new()
        .chain_update(salt.as_bytes())
        .chain_update([0x1f])
        .chain_update(visitor_id.as_bytes())
        .finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(digest.get(..8).unwrap_or(&[0; 8]));
    // 2^64 mod 10,000 is negligible bias.
    (u64::from_be_bytes(first) % u64::from(SLOTS)) as u32
}

/// The arm owning `slot` under cumulative weights.
pub fn arm_for_slot(weights: &[u32], slot: u32) -> usize {
    let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    let point = u64::from(slot) * total.max(1) / u64::from(SLOTS);
    let mut cumulative = 0u64;
    for (index, &weight) in weights.iter().enumerate() {
        cumulative += u64::from(weight);
        if point < cumulative {
            return index;
        }
    }
    weights.len().saturating_sub(1)
}

/// Every experiment's arm. `visitor_id` is `None` when there is no identity to bucket; then
/// (and for bots and previews, given as `gate`) everyone gets the control arm.
pub fn assign(
    experiments: &[Experiment],
    visitor_id: Option<&str>,
    gate: Option<Reason>,
) -> Vec<Assignment> {
    assign_with(experiments, visitor_id, gate, &[], None)
}

/// [`assign`] for a visitor whose cookie records arms (`recorded`, kept when the arm still
/// exists) under the weights in force (`allocation`, else the config's) for the others.
pub fn assign_with(
    experiments: &[Experiment],
    visitor_id: Option<&str>,
    gate: Option<Reason>,
    recorded: &[ArmMark],
    allocation: Option<&Allocation>,
) -> Vec<Assignment> {
    experiments
        .iter()
        .map(|experiment| {
            let control = |reason| Assignment {
                experiment: experiment.name.clone(),
                arm: 0,
                arm_name: experiment
                    .arms
                    .first()
                    .map(|a| a.name.clone())
                    .unwrap_or_default(),
                slot: None,
                reason,
                recorded: false,
            };
            let id = match (gate, visitor_id) {
                (Some(reason), _) => return control(reason),
                (None, None) => return control(Reason::NoConsent),
                (None, Some(id)) => id,
            };
            if let Some(group) = &experiment.group {
                let group_slot = slot(&format!("group:{}", group.name), id);
                if !(group.slots.0..group.slots.1).contains(&group_slot) {
                    return control(Reason::Excluded);
                }
            }
            let s = slot(&experiment.salt, id);
            let kept = recorded
                .iter()
                .find(|m| m.experiment == experiment.name)
                .and_then(|m| experiment.arms.iter().position(|a| a.name == m.arm));
            let arm = kept.unwrap_or_else(|| arm_for_slot(&experiment.weights(allocation), s));
            Assignment {
                experiment: experiment.name.clone(),
                arm,
                arm_name: experiment
                    .arms
                    .get(arm)
                    .map(|a| a.name.clone())
                    .unwrap_or_default(),
                slot: Some(s),
                reason: Reason::Enrolled,
                recorded: kept.is_some(),
            }
        })
        .collect()
}

/// `X-Tailor-Buckets`: `hero-layout=big-images@4821, banner-copy=control(no-consent)`.
pub fn explain(assignments: &[Assignment]) -> String {
    if assignments.is_empty() {
        return "none".into();
    }
    assignments
        .iter()
        .map(|a| match a.slot {
            Some(slot) => format!("{}={}@{slot}", a.experiment, a.arm_name),
            None => format!("{}={}({})", a.experiment, a.arm_name, a.reason.label()),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arms_own_slot_ranges_by_weight() {
        assert_eq!(arm_for_slot(&[50, 50], 0), 0);
        assert_eq!(arm_for_slot(&[50, 50], 4_999), 0);
        assert_eq!(arm_for_slot(&[50, 50], 5_000), 1);
        assert_eq!(arm_for_slot(&[1, 3], 2_499), 0);
        assert_eq!(arm_for_slot(&[1, 3], 2_500), 1);
        assert_eq!(arm_for_slot(&[10, 20, 70], 9_999), 2);
    }

    fn experiment(weights: &[u32]) -> Experiment {
        Experiment {
            name: "e".into(),
            salt: "s".into(),
            arms: weights
                .iter()
                .enumerate()
                .map(|(i, &weight)| Arm {
                    name: format!("a{i}"),
                    weight,
                    templates: BTreeMap::new(),
                    ranking: None,
                    rerank: None,
                    model: None,
                    max_items: None,
                })
                .collect(),
            group: None,
        }
    }

    #[test]
    fn shares_become_slots_with_one_for_every_positive_share() {
        assert_eq!(shares_to_slots(&[1.0, 1.0]), Some(vec![5_000, 5_000]));
        assert_eq!(shares_to_slots(&[0.0, 1.0]), Some(vec![0, 10_000]));
        assert_eq!(
            shares_to_slots(&[1.0, 1.0, 1.0]),
            Some(vec![3_334, 3_333, 3_333])
        );
        assert_eq!(shares_to_slots(&[1e-9, 1.0]), Some(vec![1, 9_999]));
        assert_eq!(shares_to_slots(&[0.0, 0.0]), None);
        assert_eq!(shares_to_slots(&[f64::NAN, 1.0]), None);
        assert_eq!(shares_to_slots(&[-1.0, 2.0]), None);
        assert_eq!(shares_to_slots(&[]), None);
        let many = vec![1.0; 10_001];
        assert_eq!(shares_to_slots(&many), None);
        let tiny: Vec<f64> = (0..300).map(|i| if i == 0 { 1e6 } else { 1e-6 }).collect();
        let slots = shares_to_slots(&tiny).unwrap();
        assert_eq!(slots.iter().sum::<u32>(), SLOTS);
        assert!(slots.iter().all(|&s| s >= 1));
    }

    #[test]
    fn recorded_arms_are_kept_and_new_visitors_follow_the_allocation() {
        let e = experiment(&[50, 50]);
        let experiments = [e];
        let all_to_second = Allocation {
            version: "w1".into(),
            slots: BTreeMap::from([("e".to_owned(), vec![0, SLOTS])]),
        };
        for i in 0..50 {
            let id = format!("visitor-{i}");
            let new = assign_with(&experiments, Some(&id), None, &[], Some(&all_to_second));
            assert_eq!(new[0].arm, 1);
            assert!(!new[0].recorded);
            let mark = ArmMark {
                experiment: "e".into(),
                arm: "a0".into(),
                day: 0,
            };
            let kept = assign_with(&experiments, Some(&id), None, &[mark], Some(&all_to_second));
            assert_eq!((kept[0].arm, kept[0].recorded), (0, true));
            let gone = ArmMark {
                experiment: "e".into(),
                arm: "removed".into(),
                day: 0,
            };
            let rebucketed =
                assign_with(&experiments, Some(&id), None, &[gone], Some(&all_to_second));
            assert_eq!(rebucketed[0].arm, 1);
        }
        let split = experiments[0].split(Some(&all_to_second));
        assert_eq!(split, vec![("a0", 0.0), ("a1", 1.0)]);
        assert_eq!(experiments[0].split(None), vec![("a0", 0.5), ("a1", 0.5)]);
    }

    #[test]
    fn slots_are_sticky_and_depend_on_the_salt() {
        assert_eq!(slot("a", "visitor"), slot("a", "visitor"));
        let differs = (0..100)
            .filter(|i| slot("a", &i.to_string()) != slot("b", &i.to_string()))
            .count();
        assert!(differs > 95);
    }
}
