//! Validation of the experiments: names, salts, weighted arms, their template refinements,
//! and the split of each mutual-exclusion group's slots among its experiments.

use super::raw::RawExperiment;
use super::validate::{identifier, non_empty};
use super::{Arm, Banners, ConfigError, Experiment, GroupShare, Segments};
use std::collections::{BTreeMap, BTreeSet};
use tailor_core::segment::buckets::SLOTS;

pub(super) fn validate_all(
    raw: Vec<RawExperiment>,
    segments: &Segments,
    banners: &Banners,
) -> Result<Vec<Experiment>, ConfigError> {
    let mut names = BTreeSet::new();
    let mut experiments = Vec::with_capacity(raw.len());
    for (i, e) in raw.into_iter().enumerate() {
        let experiment = validate(i, e, segments, banners)?;
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
            if banners.templates.get_template(template).is_err() {
                return Err(ConfigError::at(
                    format!("{at}.templates.{segment}"),
                    format!("'{template}' is not in banners.templates"),
                ));
            }
        }
        arms.push(Arm {
            name: arm.name,
            weight: arm.weight,
            templates: arm.templates,
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
