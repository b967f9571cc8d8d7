//! Configuration: one JSON document (schema 1) parsed once into validated, typed values —
//! the core's and the image pipeline's own types wherever they exist.
//!
//! `raw` mirrors the document; `validate` turns it into [`Config`] or a [`ConfigError`] that
//! names the offending field; `cardinality` counts the cache keys a config allows.
#![warn(missing_docs)]

pub mod cardinality;
pub mod compiled;
mod conditions;
mod embedded_json;
mod experiments;
mod images;
mod names;
mod raw;
mod recs;
mod segments;
mod templates;
mod validate;
mod weights;

use std::collections::BTreeMap;

pub use raw::{
    RawCache as CacheTtls, RawImages as Images, RawKeys as KeyIds, RawLimits as Limits,
    RawStores as Stores, RawVisitor as VisitorCookieSettings,
};
pub use recs::RawRecs as RecsSettings;
pub use tailor_core::identity::Consent;
pub use tailor_core::segment::buckets::{Allocation, Arm, Experiment, GroupShare, Ranking};
pub use tailor_core::segment::{Rule, RuleSet};
pub use templates::Templates;
pub use weights::{parse_weights, Weights, WeightsError, MAX_WEIGHTS_BYTES, WEIGHTS_KEY};

/// The schema version this build understands.
pub const SCHEMA_VERSION: u32 = 1;

/// A configuration problem: where in the document, and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("config {path}: {message}")]
pub struct ConfigError {
    /// The offending field, e.g. `variants.full.jpeg_quality`; `(document)` for the whole.
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

impl ConfigError {
    pub(crate) fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// A validated configuration. Constructed only through [`Config::from_json`].
#[derive(Debug)]
pub struct Config {
    /// The JSON document the config was read from: its digest is the version, worked out
    /// when a request first needs it (images never do). Empty when read from the compiled
    /// form, which carries the digest.
    document: Box<[u8]>,
    digest: std::sync::OnceLock<[u8; 16]>,
    version: std::sync::OnceLock<String>,
    /// A request sending this in `X-Tailor-Debug` gets the debug headers; `None` disables them.
    pub debug_token: Option<String>,
    /// The KV store, the origin backend and the pages path.
    pub stores: Stores,
    /// The consent cookie and the value that grants consent.
    pub consent: Consent,
    /// The sealed visitor cookie's name and lifetime.
    pub visitor: VisitorCookieSettings,
    /// Ids of the cookie, URL-signing and preview keys in the secret store.
    pub keys: KeyIds,
    /// The segments and the rules that assign them.
    pub segments: Segments,
    /// Experiments in config order; arms are addressed as (experiment index, arm index).
    pub experiments: Vec<Experiment>,
    /// Named image variants by name (`/img/{variant}/{path}`).
    pub variants: BTreeMap<String, Variant>,
    /// Banner slots and their compiled templates.
    pub banners: Banners,
    /// Size and work limits: inputs, outputs, paths, lists, templates, pages, models.
    pub limits: Limits,
    /// Cache lifetimes and the key budgets `tailor check` enforces.
    pub cache: CacheTtls,
    /// Free-form transforms, origin path prefixes, AVIF and dpr settings.
    pub images: Images,
    /// Where recommendation lists live, how long they are kept and how they are re-ranked.
    pub recs: RecsSettings,
    /// The event beacon's settings.
    pub events: tailor_core::events::EventSettings,
}

/// The segments and how a visitor is assigned one.
#[derive(Debug)]
pub struct Segments {
    /// Every segment, in config order.
    pub list: Vec<SegmentDef>,
    /// The ordered rules and the default segment, as the core's rule engine takes them.
    pub rules: RuleSet,
    /// Segments some visitor can land in, in list order: the segment cardinality of keys.
    pub reachable: Vec<String>,
}

/// A segment and the banner template it renders with.
#[derive(Debug)]
pub struct SegmentDef {
    /// The id rules assign and lists are keyed by.
    pub id: String,
    /// The name of its banner template (a key of `banners.templates`).
    pub template: String,
}

/// A named image variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variant {
    /// Maximum output width in pixels at dpr 1; aspect kept, never enlarged.
    pub width: u32,
    /// JPEG quality, 1..=100.
    pub jpeg_quality: u8,
    /// WebP (and AVIF) quality, 1..=100.
    pub webp_quality: u8,
}

impl Variant {
    /// What the variant resolves to, for its cache keys: `w500.q85.80`. Changing a variant's
    /// definition changes its keys, so old renderings are never served under the new name.
    pub fn key_settings(&self) -> String {
        format!(
            "w{}.q{}.{}",
            self.width, self.jpeg_quality, self.webp_quality
        )
    }
}

/// Banner slots and the templates they render.
#[derive(Debug)]
pub struct Banners {
    /// Slots by name.
    pub slots: BTreeMap<String, Slot>,
    /// The templates, compiled on first use.
    pub templates: Templates,
}

/// A place a banner is shown.
#[derive(Debug)]
pub struct Slot {
    /// Most items the banner shows, 1 to 50 (an experiment arm may override it).
    pub max_items: usize,
    /// The named variant the banner's pictures link to.
    pub image_variant: String,
}

impl Config {
    /// Parses and validates a config document.
    pub fn from_json(bytes: &[u8]) -> Result<Self, ConfigError> {
        Self::from_raw(parse_json(bytes)?, bytes)
    }

    /// Validates `raw`, which was read from the JSON document `document`.
    fn from_raw(raw: raw::RawConfig, document: &[u8]) -> Result<Self, ConfigError> {
        let mut config = Self::try_from(raw)?;
        config.document = document.into();
        Ok(config)
    }

    /// Everything `from_json` leaves to first use, checked now: every banner template compiles.
    /// `tailor check` runs this, so a published config has no template that fails at render.
    pub fn check_deferred(&self) -> Result<(), ConfigError> {
        self.banners.templates.compile_all()
    }

    /// The first 12 hex digits of the document's 128-bit SipHash-1-3 (zero key): part of keys
    /// whose content the config shapes (banners), and shown in debug output. Worked out on
    /// first use. SipHash rather than SHA-256: a version names a document the operator wrote,
    /// nothing secret or adversarial, and without SHA instructions in wasm SHA-256 of the demo
    /// config cost a third of its whole parse; SipHash is a stable, specified function.
    pub fn version(&self) -> &str {
        self.version.get_or_init(|| {
            self.digest()
                .iter()
                .take(6)
                .map(|b| format!("{b:02x}"))
                .collect()
        })
    }

    /// The whole 128-bit digest of the JSON document ([`Config::version`] is its start): the
    /// compiled form carries it, so a compiled copy is known to be of a document unread.
    pub fn digest(&self) -> [u8; 16] {
        *self
            .digest
            .get_or_init(|| compiled::document_digest(&self.document))
    }

    /// How the banner of `slot` links its pictures.
    pub fn image_links<'c>(&'c self, slot: &'c Slot) -> tailor_core::banner::ImageLinks<'c> {
        tailor_core::banner::ImageLinks {
            variant: &slot.image_variant,
            max_dpr: self.images.max_dpr,
        }
    }

    /// The segment with this id, if the list has it.
    pub fn segment(&self, id: &str) -> Option<&SegmentDef> {
        self.segments.list.iter().find(|s| s.id == id)
    }

    /// The banner template for `segment`, refined by the first assigned arm that overrides it.
    pub fn template_for<'c>(&'c self, segment: &str, arms: &[(usize, usize)]) -> Option<&'c str> {
        let refined = arms.iter().find_map(|&(experiment, arm)| {
            self.experiments
                .get(experiment)?
                .arms
                .get(arm)?
                .templates
                .get(segment)
        });
        refined
            .or_else(|| self.segment(segment).map(|s| &s.template))
            .map(String::as_str)
    }

    /// The first of the assigned arms (config order; (experiment index, arm index)) for
    /// which `pick` gives a value.
    fn first_arm<'c, T>(
        &'c self,
        arms: &[(usize, usize)],
        pick: impl Fn(&'c Arm) -> Option<T>,
    ) -> Option<T> {
        arms.iter()
            .find_map(|&(experiment, arm)| pick(self.experiments.get(experiment)?.arms.get(arm)?))
    }

    /// The ranking policy of the first assigned arm that sets one.
    pub fn ranking_for(&self, arms: &[(usize, usize)]) -> Option<Ranking> {
        self.first_arm(arms, |arm| arm.ranking)
    }

    /// The re-rank settings of the first assigned arm that overrides them, else `recs.rerank`.
    pub fn rerank_for(&self, arms: &[(usize, usize)]) -> &tailor_core::recs::RerankSettings {
        self.first_arm(arms, |arm| arm.rerank.as_ref())
            .unwrap_or(&self.recs.rerank)
    }

    /// The model's inference settings of the first assigned arm that overrides them, else
    /// `recs.model`.
    pub fn model_for(&self, arms: &[(usize, usize)]) -> &tailor_model::ScoreSettings {
        self.first_arm(arms, |arm| arm.model.as_ref())
            .unwrap_or(&self.recs.model)
    }

    /// The banner's item count: the first assigned arm's `max_items`, else the slot's.
    pub fn max_items_for(&self, slot: &Slot, arms: &[(usize, usize)]) -> usize {
        self.first_arm(arms, |arm| arm.max_items)
            .unwrap_or(slot.max_items)
    }
}

/// The raw document, or an error naming the field where it stops making sense.
fn parse_json(bytes: &[u8]) -> Result<raw::RawConfig, ConfigError> {
    // Tracking the path costs a fifth of a parse, but a plain parse first (and a tracked
    // one only on failure) would put a second copy of the deserializer in the bundle.
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| ConfigError::at(display_path(&e.path().to_string()), e.inner().to_string()))
}

fn display_path(path: &str) -> String {
    if path == "." || path.is_empty() {
        "(document)".into()
    } else {
        path.into()
    }
}

#[cfg(test)]
mod tests;
