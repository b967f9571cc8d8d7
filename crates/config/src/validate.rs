//! Raw document → validated [`Config`]: cross-references and ranges (templates are checked by
//! name here and compiled on first use, see `templates`).

use super::names::{identifier, non_empty};
use super::raw::{RawBanners, RawConfig, RawVariant};
use super::{Banners, Config, ConfigError, Slot, Templates, Variant, SCHEMA_VERSION};
use std::collections::BTreeMap;

impl TryFrom<RawConfig> for Config {
    type Error = ConfigError;

    fn try_from(raw: RawConfig) -> Result<Self, ConfigError> {
        if raw.schema != SCHEMA_VERSION {
            return Err(ConfigError::at(
                "schema",
                format!(
                    "version {} is not supported (expected {SCHEMA_VERSION})",
                    raw.schema
                ),
            ));
        }
        let variants = variants(raw.variants, raw.limits.max_output_width)?;
        let banners = banners(raw.banners, &variants, raw.limits.template_fuel)?;
        let segments = super::segments::validate(raw.segments, &banners)?;
        let experiments =
            super::experiments::validate_all(raw.experiments, &segments, &banners, &raw.recs)?;
        non_empty("consent.cookie", &raw.consent.cookie)?;
        identifier("keys.cookie", &raw.keys.cookie)?;
        for (i, id) in raw.keys.cookie_previous.iter().enumerate() {
            identifier(&format!("keys.cookie_previous[{i}]"), id)?;
        }
        identifier("keys.url_signing", &raw.keys.url_signing)?;
        if let Some(id) = &raw.keys.preview {
            identifier("keys.preview", id)?;
        }
        for (i, id) in raw.keys.preview_previous.iter().enumerate() {
            identifier(&format!("keys.preview_previous[{i}]"), id)?;
        }
        if !(60..=30 * 86_400).contains(&raw.keys.preview_max_lifetime_seconds) {
            return Err(ConfigError::at(
                "keys.preview_max_lifetime_seconds",
                "must be within 60..=2592000 (a minute to 30 days)",
            ));
        }
        cookie_name("visitor.cookie", &raw.visitor.cookie)?;
        if raw.visitor.max_age_seconds < 3600 || raw.visitor.max_age_seconds > 400 * 86_400 {
            return Err(ConfigError::at(
                "visitor.max_age_seconds",
                "must be within 3600..=34560000 (one hour to 400 days, the browsers' cap)",
            ));
        }
        non_empty("stores.kv", &raw.stores.kv)?;
        non_empty("stores.origin_backend", &raw.stores.origin_backend)?;
        if !raw.stores.pages_path.starts_with('/') {
            return Err(ConfigError::at(
                "stores.pages_path",
                "must be an origin path starting with '/'",
            ));
        }
        if let Some(token) = &raw.debug_token {
            if token.len() < 8 {
                return Err(ConfigError::at(
                    "debug_token",
                    "must be at least 8 characters",
                ));
            }
        }
        path_limit(raw.limits.max_path_bytes)?;
        model_limit(raw.limits.max_model_bytes)?;
        super::images::validate(&raw.images, &raw.limits)?;
        super::recs::validate(&raw.recs, &raw.events)?;
        Ok(Config {
            document: Box::default(), // set by the caller, which has the bytes
            digest: std::sync::OnceLock::new(),
            version: std::sync::OnceLock::new(),
            debug_token: raw.debug_token,
            stores: raw.stores,
            consent: raw.consent,
            visitor: raw.visitor,
            keys: raw.keys,
            segments,
            experiments,
            variants,
            banners,
            limits: raw.limits,
            cache: raw.cache,
            images: raw.images,
            recs: raw.recs,
            events: raw.events,
        })
    }
}

/// An RFC 6265 cookie name (a token), kept short.
fn cookie_name(path: &str, value: &str) -> Result<(), ConfigError> {
    let ok = !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(ConfigError::at(
            path,
            format!("'{value}' is not a valid cookie name"),
        ))
    }
}

/// The longest `limits.max_path_bytes`: Fastly refuses URLs over 8 KB, so a longer path could
/// never arrive. Paths whose purge tag would pass the platforms' 1024-byte limit are tagged by
/// their hash (`cache_key::surrogate_key`), so any length up to this is safe to cache and purge.
const MAX_PATH_BYTES: usize = 8 * 1024;

fn path_limit(max_path_bytes: usize) -> Result<(), ConfigError> {
    if (1..=MAX_PATH_BYTES).contains(&max_path_bytes) {
        return Ok(());
    }
    Err(ConfigError::at(
        "limits.max_path_bytes",
        format!(
            "{max_path_bytes} is outside 1..={MAX_PATH_BYTES} (longer URLs never reach the edge)"
        ),
    ))
}

/// The largest `limits.max_model_bytes`: a model blob is held whole in memory, next to the
/// last good copy and the request's own work, within the platforms' 128 MB.
const MAX_MODEL_BYTES: usize = 48 * 1024 * 1024;

fn model_limit(max_model_bytes: usize) -> Result<(), ConfigError> {
    if (1024..=MAX_MODEL_BYTES).contains(&max_model_bytes) {
        return Ok(());
    }
    Err(ConfigError::at(
        "limits.max_model_bytes",
        format!("{max_model_bytes} is outside 1024..={MAX_MODEL_BYTES} (a blob is held whole in a 128 MB heap)"),
    ))
}

fn variants(
    raw: BTreeMap<String, RawVariant>,
    max_width: u32,
) -> Result<BTreeMap<String, Variant>, ConfigError> {
    if raw.is_empty() {
        return Err(ConfigError::at(
            "variants",
            "at least one variant is required",
        ));
    }
    let mut out = BTreeMap::new();
    for (name, v) in raw {
        let path = format!("variants.{name}");
        identifier(&path, &name)?;
        if name == "_" {
            return Err(ConfigError::at(
                path,
                "'_' is reserved for free-form transforms",
            ));
        }
        if v.width == 0 || v.width > max_width {
            return Err(ConfigError::at(
                format!("{path}.width"),
                format!(
                    "{} is outside 1..={max_width} (limits.max_output_width)",
                    v.width
                ),
            ));
        }
        for (field, q) in [
            ("jpeg_quality", v.jpeg_quality),
            ("webp_quality", v.webp_quality),
        ] {
            if !(1..=100).contains(&q) {
                return Err(ConfigError::at(
                    format!("{path}.{field}"),
                    format!("{q} is outside 1..=100"),
                ));
            }
        }
        out.insert(
            name,
            Variant {
                width: v.width,
                jpeg_quality: v.jpeg_quality,
                webp_quality: v.webp_quality,
            },
        );
    }
    Ok(out)
}

fn banners(
    raw: RawBanners,
    variants: &BTreeMap<String, Variant>,
    fuel: u64,
) -> Result<Banners, ConfigError> {
    for name in raw.templates.keys() {
        identifier(&format!("banners.templates.{name}"), name)?;
    }
    let mut slots = BTreeMap::new();
    for (name, slot) in raw.slots {
        let path = format!("banners.slots.{name}");
        identifier(&path, &name)?;
        if slot.max_items == 0 || slot.max_items > 50 {
            return Err(ConfigError::at(
                format!("{path}.max_items"),
                "must be within 1..=50",
            ));
        }
        if !variants.contains_key(&slot.image_variant) {
            return Err(ConfigError::at(
                format!("{path}.image_variant"),
                format!("'{}' is not a configured variant", slot.image_variant),
            ));
        }
        slots.insert(
            name,
            Slot {
                max_items: slot.max_items,
                image_variant: slot.image_variant,
            },
        );
    }
    if slots.is_empty() {
        return Err(ConfigError::at(
            "banners.slots",
            "at least one slot is required",
        ));
    }
    Ok(Banners {
        slots,
        templates: Templates::new(raw.templates, fuel),
    })
}
