//! The `segments` section: the segment list, the rules and the default, with the reachability
//! check — every listed segment must be where some visitor can land, so the segment count
//! used for cache-key cardinality is exact.

use super::names::identifier;
use super::raw::RawSegments;
use super::{Banners, ConfigError, Rule, RuleSet, SegmentDef, Segments};
use std::collections::BTreeSet;

pub(super) fn validate(raw: RawSegments, banners: &Banners) -> Result<Segments, ConfigError> {
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
        if !banners.templates.contains(&s.template) {
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
    let mut names = BTreeSet::new();
    let mut rules = Vec::new();
    // Once a rule matches every visitor, nothing after it (the default included) is reached.
    let mut catch_all: Option<String> = None;
    let mut reachable = BTreeSet::new();
    for (i, r) in raw.rules.into_iter().enumerate() {
        let path = format!("segments.rules[{i}]");
        identifier(&format!("{path}.name"), &r.name)?;
        if !names.insert(r.name.clone()) {
            return Err(ConfigError::at(
                format!("{path}.name"),
                format!("duplicate rule name '{}'", r.name),
            ));
        }
        if !ids.contains(&r.segment) {
            return Err(ConfigError::at(
                format!("{path}.segment"),
                format!("'{}' is not in segments.list", r.segment),
            ));
        }
        let when = super::conditions::parse(&format!("{path}.when"), &r.when)?;
        if let Some(earlier) = &catch_all {
            return Err(ConfigError::at(
                path,
                format!("unreachable: rule '{earlier}' before it matches every visitor"),
            ));
        }
        if when.never() {
            return Err(ConfigError::at(
                format!("{path}.when"),
                "can never match, so the rule is dead",
            ));
        }
        if when.always() {
            catch_all = Some(r.name.clone());
        }
        reachable.insert(r.segment.clone());
        rules.push(Rule {
            name: r.name,
            segment: r.segment,
            when,
        });
    }
    if let Some(rule) = &catch_all {
        if !reachable.contains(&raw.default) {
            return Err(ConfigError::at(
                "segments.default",
                format!(
                    "'{}' is unreachable: rule '{rule}' matches every visitor",
                    raw.default
                ),
            ));
        }
    }
    reachable.insert(raw.default.clone());
    if let Some(unreachable) = ids.difference(&reachable).next() {
        return Err(ConfigError::at(
            "segments.list",
            format!("segment '{unreachable}' is unreachable: neither the default nor the target of any rule"),
        ));
    }
    Ok(Segments {
        reachable: list.iter().map(|s| s.id.clone()).collect(),
        list,
        rules: RuleSet {
            rules,
            default: raw.default,
        },
    })
}
