//! Validation of one experiment: its name, salt and weighted arms.

use super::raw::RawExperiment;
use super::validate::{identifier, non_empty};
use super::{Arm, ConfigError, Experiment};

pub(super) fn validate(index: usize, raw: RawExperiment) -> Result<Experiment, ConfigError> {
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
    for (j, arm) in raw.arms.into_iter().enumerate() {
        identifier(&format!("{path}.arms[{j}].name"), &arm.name)?;
        if arm.weight == 0 {
            return Err(ConfigError::at(
                format!("{path}.arms[{j}].weight"),
                "must be positive",
            ));
        }
        arms.push(Arm {
            name: arm.name,
            weight: arm.weight,
        });
    }
    Ok(Experiment {
        name: raw.name,
        salt: raw.salt,
        arms,
    })
}
