//! The arm weights a bandit writes next to the config (KV key [`WEIGHTS_KEY`]), read by the
//! edge without a redeploy:
//! `{"version":"<label>","experiments":{"<experiment>":{"<arm>":<share ≥ 0>,...}}}`.
//! Shares are normalised to the experiments' bucket slots (every arm with a positive share
//! keeps at least one). Experiments and arms the config does not know are ignored with a
//! warning; a document that does not parse, or has a negative or non-finite share, is refused
//! whole (the config's own weights then serve).

use serde::Deserialize;
use std::collections::BTreeMap;
use tailor_core::segment::buckets::{shares_to_slots, Allocation, Experiment};

/// The KV key, in the store the config comes from.
pub const WEIGHTS_KEY: &str = "experiments/weights";
/// A larger document is refused before it is read.
pub const MAX_WEIGHTS_BYTES: usize = 64 * 1024;
/// The longest `version` label (only ever logged).
const MAX_VERSION_BYTES: usize = 128;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeights {
    version: String,
    experiments: BTreeMap<String, BTreeMap<String, f64>>,
}

/// A weights document checked against the config's experiments.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    /// Each known experiment's arm slots, in place of its config weights.
    pub allocation: Allocation,
    /// What was ignored (unknown experiments or arms, experiments without a positive share).
    pub warnings: Vec<String>,
}

/// Why a weights document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("experiments weights {0}")]
pub struct WeightsError(pub String);

/// Parses and checks a weights document against `experiments`.
pub fn parse_weights(bytes: &[u8], experiments: &[Experiment]) -> Result<Weights, WeightsError> {
    if bytes.len() > MAX_WEIGHTS_BYTES {
        return Err(WeightsError(format!(
            "are {} bytes; at most {MAX_WEIGHTS_BYTES} are read",
            bytes.len()
        )));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let raw: RawWeights = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| WeightsError(format!("at {}: {}", e.path(), e.inner())))?;
    let version_ok = !raw.version.is_empty()
        && raw.version.len() <= MAX_VERSION_BYTES
        && !raw.version.chars().any(char::is_control);
    if !version_ok {
        return Err(WeightsError(format!(
            "version: must be 1-{MAX_VERSION_BYTES} bytes without control characters"
        )));
    }
    for (experiment, arms) in &raw.experiments {
        for (arm, share) in arms {
            if !share.is_finite() || *share < 0.0 {
                return Err(WeightsError(format!(
                    "experiments.{experiment}.{arm}: a share must be a finite number ≥ 0"
                )));
            }
        }
    }
    let mut warnings = Vec::new();
    let mut slots = BTreeMap::new();
    for (name, shares) in &raw.experiments {
        let Some(experiment) = experiments.iter().find(|e| &e.name == name) else {
            warnings.push(format!("unknown experiment '{name}' ignored"));
            continue;
        };
        for arm in shares.keys() {
            if !experiment.arms.iter().any(|a| &a.name == arm) {
                warnings.push(format!("unknown arm '{name}.{arm}' ignored"));
            }
        }
        let per_arm: Vec<f64> = experiment
            .arms
            .iter()
            .map(|a| shares.get(&a.name).copied().unwrap_or(0.0))
            .collect();
        match shares_to_slots(&per_arm) {
            Some(s) => {
                slots.insert(name.clone(), s);
            }
            None => warnings.push(format!(
                "experiment '{name}' has no arm with a positive share; its config weights serve"
            )),
        }
    }
    Ok(Weights {
        allocation: Allocation {
            version: raw.version,
            slots,
        },
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;

    fn experiments() -> Vec<Experiment> {
        Config::from_json(tailor_demo::CONFIG_JSON.as_bytes())
            .unwrap()
            .experiments
    }

    #[test]
    fn shares_become_slots_and_unknown_names_are_warned_about() {
        let doc = br#"{"version":"2026-12-02T06:00Z","experiments":{
            "hero-layout":{"control":0.2,"big-images":0.8,"gone":0.5},
            "badge-copy":{"control":0,"free-shipping":3},
            "retired":{"a":1}}}"#;
        let weights = parse_weights(doc, &experiments()).unwrap();
        let slots = &weights.allocation.slots;
        assert_eq!(slots["hero-layout"], vec![2_000, 8_000]);
        assert_eq!(slots["badge-copy"], vec![0, 10_000]);
        assert!(!slots.contains_key("countdown"));
        assert_eq!(weights.allocation.version, "2026-12-02T06:00Z");
        let warnings = weights.warnings.join("; ");
        assert!(
            warnings.contains("unknown arm 'hero-layout.gone'"),
            "{warnings}"
        );
        assert!(
            warnings.contains("unknown experiment 'retired'"),
            "{warnings}"
        );
    }

    #[test]
    fn an_arm_with_a_tiny_share_keeps_a_slot_and_missing_arms_get_none() {
        let doc =
            br#"{"version":"v","experiments":{"hero-layout":{"control":1e-9,"big-images":1}}}"#;
        let weights = parse_weights(doc, &experiments()).unwrap();
        assert_eq!(weights.allocation.slots["hero-layout"], vec![1, 9_999]);
        let doc = br#"{"version":"v","experiments":{"hero-layout":{"big-images":1}}}"#;
        let weights = parse_weights(doc, &experiments()).unwrap();
        assert_eq!(weights.allocation.slots["hero-layout"], vec![0, 10_000]);
    }

    #[test]
    fn all_zero_shares_leave_the_config_weights() {
        let doc = br#"{"version":"v","experiments":{"hero-layout":{"control":0,"big-images":0}}}"#;
        let weights = parse_weights(doc, &experiments()).unwrap();
        assert!(weights.allocation.slots.is_empty());
        assert!(weights.warnings[0].contains("no arm with a positive share"));
    }

    #[test]
    fn corrupt_or_oversized_documents_are_refused() {
        let big = vec![b' '; MAX_WEIGHTS_BYTES + 1];
        for (doc, needle) in [
            (&b"not json"[..], "expected"),
            (br#"{"version":"v"}"#, "experiments"),
            (
                br#"{"version":"v","experiments":{},"extra":1}"#,
                "unknown field",
            ),
            (br#"{"version":"","experiments":{}}"#, "version"),
            (
                br#"{"version":"v","experiments":{"hero-layout":{"control":-1}}}"#,
                "hero-layout.control",
            ),
            (
                br#"{"version":"v","experiments":{"hero-layout":{"control":"1"}}}"#,
                "hero-layout.control",
            ),
            (br#"{"version":"v","experiments":[]}"#, "experiments"),
            (&big[..], "bytes"),
        ] {
            let error = parse_weights(doc, &experiments()).unwrap_err().to_string();
            assert!(
                error.contains(needle),
                "{}: {error}",
                String::from_utf8_lossy(doc)
            );
        }
    }
}
