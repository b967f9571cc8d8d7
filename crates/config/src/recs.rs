//! The `recs` and `events` sections: where lists live in KV, how long each layer keeps them,
//! how the re-rank weighs behaviour, and the beacon's limits.

use super::names::{identifier, non_empty};
use super::ConfigError;
use serde::{Deserialize, Serialize};
use tailor_core::events::EventSettings;
use tailor_core::recs::RerankSettings;
use tailor_model::ScoreSettings;

/// The `recs` section: where lists live in KV, how long each layer keeps them, how they
/// are re-ranked.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawRecs {
    /// The KV key whose value names the live list version. Publishing writes every
    /// `<key_prefix>/<version>/<list>` first and flips this pointer last, so readers switch
    /// from one complete set to the next.
    pub pointer_key: String,
    /// Lists live at `<key_prefix>/<version>/<segment>`.
    pub key_prefix: String,
    /// How long an instance that outlives its request (a Cloudflare isolate) keeps a list in
    /// memory before asking the platform cache again.
    pub memory_ttl_seconds: u32,
    /// How long the last list that parsed is kept in the platform cache as the fallback for
    /// when KV is missing, slow or returns garbage.
    pub last_good_ttl_seconds: u32,
    /// The category re-rank, used when no trained model is published (or the model has no
    /// list for the visitor's segment).
    pub rerank: RerankSettings,
    /// How the trained model (`<key_prefix>/<version>/model.tlrm`) weighs the visitor's
    /// history against the segment list.
    pub model: ScoreSettings,
}

impl Default for RawRecs {
    fn default() -> Self {
        Self {
            pointer_key: "recs/current".into(),
            key_prefix: "recs".into(),
            memory_ttl_seconds: 30,
            last_good_ttl_seconds: 7 * 86_400,
            rerank: RerankSettings::default(),
            model: ScoreSettings::default(),
        }
    }
}

/// The most goal names `events.goals` may declare.
const MAX_GOALS: usize = 32;

pub(crate) fn validate(recs: &RawRecs, events: &EventSettings) -> Result<(), ConfigError> {
    non_empty("recs.pointer_key", &recs.pointer_key)?;
    non_empty("recs.key_prefix", &recs.key_prefix)?;
    if let Some((field, problem)) = recs.rerank.problem() {
        return Err(ConfigError::at(format!("recs.rerank.{field}"), problem));
    }
    if let Err(e) = recs.model.validate() {
        return Err(ConfigError::at(format!("recs.model.{}", e.field), e.rule));
    }
    non_empty("events.log_endpoint", &events.log_endpoint)?;
    if events.max_events == 0 || events.max_body_bytes < 64 {
        return Err(ConfigError::at(
            "events",
            "max_events must be at least 1 and max_body_bytes at least 64",
        ));
    }
    if events.goals.len() > MAX_GOALS {
        return Err(ConfigError::at(
            "events.goals",
            format!("at most {MAX_GOALS} goals may be declared"),
        ));
    }
    for (i, goal) in events.goals.iter().enumerate() {
        identifier(&format!("events.goals[{i}]"), goal)?;
        if events.goals.iter().take(i).any(|g| g == goal) {
            return Err(ConfigError::at(
                format!("events.goals[{i}]"),
                format!("duplicate goal '{goal}'"),
            ));
        }
    }
    Ok(())
}
