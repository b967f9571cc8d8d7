//! Raw document → validated [`Config`]: cross-references, ranges and template compilation.

use super::raw::{RawBanners, RawConfig, RawSegments, RawVariant};
use super::{
    Banners, Config, ConfigError, Rule, SegmentDef, Segments, Slot, Variant, SCHEMA_VERSION,
};
use crate::segment::DeviceClass;
use std::collections::{BTreeMap, BTreeSet};

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
        let segments = segments(raw.segments, &banners)?;
        let experiments = raw
            .experiments
            .into_iter()
            .enumerate()
            .map(|(i, e)| super::experiments::validate(i, e))
            .collect::<Result<_, _>>()?;
        non_empty("consent.cookie", &raw.consent.cookie)?;
        non_empty("keys.cookie", &raw.keys.cookie)?;
        non_empty("keys.url_signing", &raw.keys.url_signing)?;
        non_empty("stores.kv", &raw.stores.kv)?;
        non_empty("stores.origin_backend", &raw.stores.origin_backend)?;
        if let Some(token) = &raw.debug_token {
            if token.len() < 8 {
                return Err(ConfigError::at(
                    "debug_token",
                    "must be at least 8 characters",
                ));
            }
        }
        super::images::validate(&raw.images, raw.limits.max_output_width)?;
        Ok(Config {
            debug_token: raw.debug_token,
            stores: raw.stores,
            consent: raw.consent,
            keys: raw.keys,
            segments,
            experiments,
            variants,
            banners,
            limits: raw.limits,
            cache: raw.cache,
            images: raw.images,
        })
    }
}

pub(super) fn non_empty(path: &str, value: &str) -> Result<(), ConfigError> {
    if value.trim().is_empty() {
        return Err(ConfigError::at(path, "must not be empty"));
    }
    Ok(())
}

/// Identifiers appear in cache keys and URLs, so they are kept to a safe alphabet.
pub(super) fn identifier(path: &str, value: &str) -> Result<(), ConfigError> {
    let ok = !value.is_empty()
        && value.len() <= 32
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ConfigError::at(
            path,
            format!("'{value}' must be 1-32 characters of a-z, 0-9, '-' or '_'"),
        ))
    }
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
    let mut env = crate::banner::html_environment(fuel);
    for (name, source) in raw.templates {
        let path = format!("banners.templates.{name}");
        identifier(&path, &name)?;
        env.add_template_owned(name, source)
            .map_err(|e| ConfigError::at(path, format!("template does not compile: {e}")))?;
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
        templates: env,
    })
}

fn segments(raw: RawSegments, banners: &Banners) -> Result<Segments, ConfigError> {
    let mut ids = BTreeSet::new();
    let mut list = Vec::new();
    for (i, s) in raw.list.into_iter().enumerate() {
        let path = format!("segments.list[{i}]");
        identifier(&format!("{path}.id"), &s.id)?;
        if !ids.insert(s.id.clone()) {
            return Err(ConfigError::at(
                format!("{path}.id"),
                format!("duplicate segment '{}'", s.id),
            ));
        }
        if banners.templates.get_template(&s.template).is_err() {
            return Err(ConfigError::at(
                format!("{path}.template"),
                format!("'{}' is not in banners.templates", s.template),
            ));
        }
        list.push(SegmentDef {
            id: s.id,
            template: s.template,
        });
    }
    if !ids.contains(&raw.default) {
        return Err(ConfigError::at(
            "segments.default",
            format!("'{}' is not in segments.list", raw.default),
        ));
    }
    let mut reachable = BTreeSet::from([raw.default.clone()]);
    let mut rules = Vec::new();
    for (i, r) in raw.rules.into_iter().enumerate() {
        let path = format!("segments.rules[{i}]");
        if !ids.contains(&r.segment) {
            return Err(ConfigError::at(
                format!("{path}.segment"),
                format!("'{}' is not in segments.list", r.segment),
            ));
        }
        let device = match r.when.device {
            None => None,
            Some(names) => Some(
                names
                    .iter()
                    .enumerate()
                    .map(|(j, n)| {
                        n.parse::<DeviceClass>()
                            .map_err(|e| ConfigError::at(format!("{path}.when.device[{j}]"), e))
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        reachable.insert(r.segment.clone());
        rules.push(Rule {
            name: r.name,
            segment: r.segment,
            device,
        });
    }
    if let Some(unreachable) = ids.difference(&reachable).next() {
        return Err(ConfigError::at(
            "segments.list",
            format!("segment '{unreachable}' is neither the default nor the target of any rule"),
        ));
    }
    Ok(Segments {
        list,
        rules,
        default: raw.default,
    })
}
