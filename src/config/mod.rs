//! Configuration: one JSON document (schema 1) parsed once into validated, typed values.
//!
//! `raw` mirrors the document; `validate` turns it into [`Config`] or a [`ConfigError`] that
//! names the offending field.

mod experiments;
mod images;
mod raw;
mod validate;

use crate::segment::DeviceClass;
use std::collections::BTreeMap;

pub use raw::{
    RawCache as CacheTtls, RawConsent as Consent, RawImages as Images, RawKeys as KeyIds,
    RawLimits as Limits, RawStores as Stores,
};

/// The schema version this build understands.
pub const SCHEMA_VERSION: u32 = 1;

/// The demo configuration, compiled in as the fallback when the host provides none.
pub const BUNDLED_JSON: &str = include_str!("../../demo/config.json");

/// A configuration problem: where in the document, and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("config {path}: {message}")]
pub struct ConfigError {
    pub path: String,
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
    pub debug_token: Option<String>,
    pub stores: Stores,
    pub consent: Consent,
    pub keys: KeyIds,
    pub segments: Segments,
    pub experiments: Vec<Experiment>,
    pub variants: BTreeMap<String, Variant>,
    pub banners: Banners,
    pub limits: Limits,
    pub cache: CacheTtls,
    pub images: Images,
}

#[derive(Debug)]
pub struct Segments {
    pub list: Vec<SegmentDef>,
    pub rules: Vec<Rule>,
    pub default: String,
}

#[derive(Debug)]
pub struct SegmentDef {
    pub id: String,
    pub template: String,
}

/// A segment rule: every condition present must hold for the rule to match.
#[derive(Debug)]
pub struct Rule {
    pub name: String,
    pub segment: String,
    pub device: Option<Vec<DeviceClass>>,
}

#[derive(Debug)]
pub struct Experiment {
    pub name: String,
    pub salt: String,
    pub arms: Vec<Arm>,
}

#[derive(Debug)]
pub struct Arm {
    pub name: String,
    pub weight: u32,
}

/// A named image variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variant {
    pub width: u32,
    pub jpeg_quality: u8,
    pub webp_quality: u8,
}

#[derive(Debug)]
pub struct Banners {
    pub slots: BTreeMap<String, Slot>,
    /// Templates compiled at load, so a syntax error is a config error and not a request error.
    pub templates: minijinja::Environment<'static>,
}

#[derive(Debug)]
pub struct Slot {
    pub max_items: usize,
    pub image_variant: String,
}

impl Config {
    /// Parses and validates a config document.
    pub fn from_json(bytes: &[u8]) -> Result<Self, ConfigError> {
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let raw: raw::RawConfig =
            serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
                ConfigError::at(display_path(&e.path().to_string()), e.inner().to_string())
            })?;
        Self::try_from(raw)
    }

    /// The compiled-in demo configuration.
    pub fn bundled() -> Result<Self, ConfigError> {
        Self::from_json(BUNDLED_JSON.as_bytes())
    }

    pub fn segment(&self, id: &str) -> Option<&SegmentDef> {
        self.segments.list.iter().find(|s| s.id == id)
    }
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
