//! Validation of the experiments: names, salts, weighted arms, their template refinements and
//! ranking overrides, and the split of each mutual-exclusion group's slots among its
//! experiments.

use super::names::{identifier, non_empty};
use super::raw::RawExperiment;
use super::recs::RawRecs;
use super::{Arm, Banners, ConfigError, Experiment, GroupShare, Segments};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use tailor_core::segment::buckets::SLOTS;

/// The most items an arm may ask a banner for (as a slot's `max_items`).
const MAX_ITEMS: usize = 50;

pub(super) fn validate_all(
    raw: Vec<RawExperiment>,
    segments: &Segments,
    banners: &Banners,
    recs: &RawRecs,
) -> Result<Vec<Experiment>, ConfigError> {
    let mut names = BTreeSet::new();
    let mut experiments = Vec::with_capacity(raw.len());
    for (i, e) in raw.into_iter().enumerate() {
        let experiment = validate(i, e, segments, banners, recs)?;
        if !names.insert(experiment.name.clone()) {
            return Err(ConfigError::at(
                format!("experiments[{i}].name"),
                format!("duplicate experiment '{}'", experiment.name),
            ));
        }
        experiments.push(experiment);
    }
    // Each group's slots are split evenly, in config order, among its experiments.
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, e) in experiments.iter().enumerate() {
        if let Some(group) = &e.group {
            groups.entry(group.name.clone()).or_default().push(i);
        }
    }
    for members in groups.values() {
        let count = members.len() as u32;
        for (k, &index) in members.iter().enumerate() {
            if let Some(group) = experiments.get_mut(index).and_then(|e| e.group.as_mut()) {
                let k = k as u32;
                group.slots = (k * SLOTS / count, (k + 1) * SLOTS / count);
            }
        }
    }
    Ok(experiments)
}

fn validate(
    index: usize,
    raw: RawExperiment,
    segments: &Segments,
    banners: &Banners,
    recs: &RawRecs,
) -> Result<Experiment, ConfigError> {
    let path = format!("experiments[{index}]");
    identifier(&format!("{path}.name"), &raw.name)?;
    non_empty(&format!("{path}.salt"), &raw.salt)?;
    if raw.arms.len() < 2 {
        return Err(ConfigError::at(
            format!("{path}.arms"),
            "an experiment needs at least two arms",
        ));
    }
    let mut arms = Vec::new();
    let mut arm_names = BTreeSet::new();
    for (j, arm) in raw.arms.into_iter().enumerate() {
        let at = format!("{path}.arms[{j}]");
        identifier(&format!("{at}.name"), &arm.name)?;
        if !arm_names.insert(arm.name.clone()) {
            return Err(ConfigError::at(
                format!("{at}.name"),
                format!("duplicate arm '{}'", arm.name),
            ));
        }
        if arm.weight == 0 || arm.weight > SLOTS {
            return Err(ConfigError::at(
                format!("{at}.weight"),
                format!("must be within 1..={SLOTS}"),
            ));
        }
        for (segment, template) in &arm.templates {
            if !segments.reachable.contains(segment) {
                return Err(ConfigError::at(
                    format!("{at}.templates.{segment}"),
                    format!("'{segment}' is not a segment"),
                ));
            }
            if !banners.templates.contains(template) {
                return Err(ConfigError::at(
                    format!("{at}.templates.{segment}"),
                    format!("'{template}' is not in banners.templates"),
                ));
            }
        }
        if let Some(n) = arm.max_items {
            if !(1..=MAX_ITEMS).contains(&n) {
                return Err(ConfigError::at(
                    format!("{at}.max_items"),
                    format!("{n} is outside 1..={MAX_ITEMS}"),
                ));
            }
        }
        let rerank = arm
            .rerank
            .map(|overrides| {
                merged(&format!("{at}.rerank"), &recs.rerank, overrides, |s| {
                    s.problem()
                })
            })
            .transpose()?;
        let model = arm
            .model
            .map(|overrides| {
                merged(&format!("{at}.model"), &recs.model, overrides, |s| {
                    s.validate().err().map(|e| (e.field, e.rule))
                })
            })
            .transpose()?;
        arms.push(Arm {
            name: arm.name,
            weight: arm.weight,
            templates: arm.templates,
            ranking: arm.ranking,
            rerank,
            model,
            max_items: arm.max_items,
        });
    }
    if let Some(group) = &raw.group {
        identifier(&format!("{path}.group"), group)?;
    }
    Ok(Experiment {
        name: raw.name,
        salt: raw.salt,
        arms,
        group: raw.group.map(|name| GroupShare {
            name,
            slots: (0, SLOTS),
        }),
    })
}

/// The config's settings `base` (`recs.rerank` or `recs.model`) with an arm's overrides
/// applied, then checked by `problem` (the same check as the config's own settings: the field
/// at fault and its rule); every error is named by the arm's path and field.
fn merged<T: Serialize + DeserializeOwned>(
    path: &str,
    base: &T,
    overrides: serde_json::Map<String, serde_json::Value>,
    problem: impl Fn(&T) -> Option<(&'static str, &'static str)>,
) -> Result<T, ConfigError> {
    let mut merged = match serde_json::to_value(base) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => return Err(ConfigError::at(path, "the base settings do not serialize")),
    };
    for (field, value) in overrides {
        if !merged.contains_key(&field) {
            let known: Vec<&str> = merged.keys().map(String::as_str).collect();
            return Err(ConfigError::at(
                format!("{path}.{field}"),
                format!("unknown field; expected one of {}", known.join(", ")),
            ));
        }
        let settings: Result<T, _> = {
            let mut probe = merged.clone();
            probe.insert(field.clone(), value.clone());
            serde_json::from_value(serde_json::Value::Object(probe))
        };
        if let Err(e) = settings {
            return Err(ConfigError::at(format!("{path}.{field}"), e.to_string()));
        }
        merged.insert(field, value);
    }
    let settings: T = serde_json::from_value(serde_json::Value::Object(merged))
        .map_err(|e| ConfigError::at(path, e.to_string()))?;
    match problem(&settings) {
        Some((field, rule)) => Err(ConfigError::at(format!("{path}.{field}"), rule)),
        None => Ok(settings),
    }
}
