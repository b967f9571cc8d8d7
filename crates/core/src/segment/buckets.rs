//! Experiment assignment: `slot = SHA-256(salt, visitor id) mod 10,000`, arms own ranges of
//! slots in proportion to their weights. The salt is per experiment, so assignments are sticky
//! for a visitor and independent across experiments; experiments sharing a group split the
//! group's own slots, so a visitor is in at most one of them.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

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
}

/// An experiment's share of its mutual-exclusion group: the group's slots `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupShare {
    /// The group's name.
    pub name: String,
    /// The slots of the group this experiment owns, `[start, end)`.
    pub slots: (u32, u32),
}

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
    pub experiment: String,
    /// Index into the experiment's arms; 0 is the control.
    pub arm: usize,
    pub arm_name: String,
    pub slot: Option<u32>,
    pub reason: Reason,
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
            let weights: Vec<u32> = experiment.arms.iter().map(|a| a.weight).collect();
            let arm = arm_for_slot(&weights, s);
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

    #[test]
    fn slots_are_sticky_and_depend_on_the_salt() {
        assert_eq!(slot("a", "visitor"), slot("a", "visitor"));
        let differs = (0..100)
            .filter(|i| slot("a", &i.to_string()) != slot("b", &i.to_string()))
            .count();
        assert!(differs > 95);
    }
}
