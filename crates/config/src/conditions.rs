//! A rule's `when` document → a typed [`Condition`], with errors naming the exact place
//! (`segments.rules[2].when.any[1].in`).

use super::ConfigError;
use serde_json::{Map, Value as Json};
use tailor_core::segment::condition::{Condition, Field, Kind, Test, Value};
use tailor_core::segment::DeviceClass;

/// Nesting deeper than this is a mistake, not a need.
const MAX_DEPTH: usize = 8;
const MAX_REGEX_BYTES: usize = 256;
const OPERATORS: &str = "equals, in, prefix, range, regex, present";

pub(super) fn parse(path: &str, json: &Json) -> Result<Condition, ConfigError> {
    parse_at(path, json, 0)
}

fn parse_at(path: &str, json: &Json, depth: usize) -> Result<Condition, ConfigError> {
    if depth > MAX_DEPTH {
        return Err(ConfigError::at(
            path,
            format!("conditions nest deeper than {MAX_DEPTH} levels"),
        ));
    }
    let Json::Object(map) = json else {
        return Err(ConfigError::at(
            path,
            "a condition is an object: {\"all\": [...]}, {\"any\": [...]}, {\"not\": {...}} \
             or {\"field\": ..., <operator>: ...}",
        ));
    };
    for (combinator, make) in [
        ("all", Condition::All as fn(Vec<Condition>) -> Condition),
        ("any", Condition::Any),
    ] {
        if let Some(parts) = map.get(combinator) {
            only(path, map, &[combinator])?;
            let Json::Array(parts) = parts else {
                return Err(ConfigError::at(
                    format!("{path}.{combinator}"),
                    "must be a list of conditions",
                ));
            };
            let parts = parts
                .iter()
                .enumerate()
                .map(|(i, p)| parse_at(&format!("{path}.{combinator}[{i}]"), p, depth + 1))
                .collect::<Result<_, _>>()?;
            return Ok(make(parts));
        }
    }
    if let Some(inner) = map.get("not") {
        only(path, map, &["not"])?;
        let inner = parse_at(&format!("{path}.not"), inner, depth + 1)?;
        return Ok(Condition::Not(Box::new(inner)));
    }
    test(path, map)
}

/// Rejects keys other than `allowed`, so a typo is not silently ignored.
fn only(path: &str, map: &Map<String, Json>, allowed: &[&str]) -> Result<(), ConfigError> {
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(extra) => Err(ConfigError::at(
            format!("{path}.{extra}"),
            format!("unexpected key next to {}", allowed.join(", ")),
        )),
        None => Ok(()),
    }
}

fn test(path: &str, map: &Map<String, Json>) -> Result<Condition, ConfigError> {
    let name = map.get("field").and_then(Json::as_str).ok_or_else(|| {
        ConfigError::at(
            format!("{path}.field"),
            "missing: name the context field to test, or use all/any/not",
        )
    })?;
    let field = Field::parse(name).ok_or_else(|| {
        ConfigError::at(
            format!("{path}.field"),
            format!("'{name}' is not a context field ({})", Field::NAMES),
        )
    })?;
    let operators: Vec<&String> = map.keys().filter(|k| k.as_str() != "field").collect();
    let [operator] = operators.as_slice() else {
        return Err(ConfigError::at(
            path,
            format!("a test needs exactly one operator ({OPERATORS})"),
        ));
    };
    let at = format!("{path}.{operator}");
    let value = map.get(operator.as_str()).unwrap_or(&Json::Null);
    let kind = field.kind();
    let wrong =
        |expected: &str| ConfigError::at(&at, format!("'{}' needs {expected} here", field.name()));
    let test = match (operator.as_str(), kind) {
        ("present", _) => Test::Present(value.as_bool().ok_or_else(|| wrong("true or false"))?),
        ("equals", Kind::Text) => {
            let text = lowered(value).ok_or_else(|| wrong("a string"))?;
            check_device(&at, &field, std::slice::from_ref(&text))?;
            Test::Equals(Value::Text(text))
        }
        ("equals", Kind::Flag) => Test::Equals(Value::Flag(
            value.as_bool().ok_or_else(|| wrong("true or false"))?,
        )),
        ("equals", Kind::Number) => Test::Equals(Value::Number(
            value.as_f64().ok_or_else(|| wrong("a number"))?,
        )),
        ("in", Kind::Text) => {
            let list = value
                .as_array()
                .and_then(|items| items.iter().map(lowered).collect::<Option<Vec<_>>>())
                .ok_or_else(|| wrong("a list of strings"))?;
            if list.is_empty() {
                return Err(ConfigError::at(&at, "an empty list never matches"));
            }
            check_device(&at, &field, &list)?;
            Test::In(list)
        }
        ("prefix", Kind::Text) => Test::Prefix(lowered(value).ok_or_else(|| wrong("a string"))?),
        ("range", Kind::Number) => {
            let bounds: Option<Vec<f64>> = value
                .as_array()
                .map(|b| b.iter().filter_map(Json::as_f64).collect());
            let Some(&[lo, hi]) = bounds.as_deref() else {
                return Err(wrong("[low, high] (inclusive numbers)"));
            };
            if lo > hi {
                return Err(ConfigError::at(
                    &at,
                    format!("{lo} is above {hi}: never matches"),
                ));
            }
            Test::Range(lo, hi)
        }
        ("regex", Kind::Text) => {
            let pattern = value.as_str().ok_or_else(|| wrong("a string"))?;
            if pattern.len() > MAX_REGEX_BYTES {
                return Err(ConfigError::at(
                    &at,
                    format!("patterns are limited to {MAX_REGEX_BYTES} bytes"),
                ));
            }
            let regex = regex_lite::RegexBuilder::new(pattern)
                .case_insensitive(true)
                .build()
                .map_err(|e| ConfigError::at(&at, format!("does not compile: {e}")))?;
            Test::Regex(regex)
        }
        ("in" | "prefix" | "range" | "regex", _) => {
            return Err(ConfigError::at(
                &at,
                format!(
                    "'{}' holds {}, which '{operator}' does not apply to",
                    field.name(),
                    match kind {
                        Kind::Text => "text (use equals, in, prefix, regex, present)",
                        Kind::Flag => "true/false (use equals, present)",
                        Kind::Number => "a number (use equals, range, present)",
                    }
                ),
            ))
        }
        (other, _) => {
            return Err(ConfigError::at(
                &at,
                format!("'{other}' is not an operator ({OPERATORS})"),
            ))
        }
    };
    Ok(Condition::Test(field, test))
}

fn lowered(value: &Json) -> Option<String> {
    value.as_str().map(str::to_lowercase)
}

/// Device values are checked against the classes that exist, so `"phone"` is an error.
fn check_device(at: &str, field: &Field, values: &[String]) -> Result<(), ConfigError> {
    if *field != Field::Device {
        return Ok(());
    }
    for value in values {
        value
            .parse::<DeviceClass>()
            .map_err(|e| ConfigError::at(at, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn error(json: Json) -> String {
        parse("when", &json).unwrap_err().to_string()
    }

    #[test]
    fn nested_conditions_parse() {
        let when = json!({"all": [
            {"field": "device", "in": ["Mobile", "tablet"]},
            {"not": {"field": "save_data", "equals": true}},
            {"any": [
                {"field": "local_hour", "range": [18, 23]},
                {"field": "referrer", "regex": "google\\."},
                {"field": "cookie.plan", "present": true}
            ]}
        ]});
        assert!(matches!(parse("when", &when), Ok(Condition::All(parts)) if parts.len() == 3));
    }

    #[test]
    fn mistakes_name_their_place() {
        assert_eq!(
            error(json!({"any": [{"field": "colour", "equals": "red"}]})),
            format!(
                "config when.any[0].field: 'colour' is not a context field ({})",
                Field::NAMES
            )
        );
        assert!(error(json!({"field": "device", "in": ["phone"]})).contains("when.in"));
        assert!(error(json!({"field": "local_hour", "prefix": "1"})).contains("a number"));
        assert!(error(json!({"field": "country", "in": []})).contains("never matches"));
        assert!(error(json!({"field": "downlink", "range": [5, 1]})).contains("never matches"));
        assert!(error(json!({"field": "referrer", "regex": "("})).contains("does not compile"));
        assert!(
            error(json!({"field": "country", "equals": "de", "in": ["de"]}))
                .contains("exactly one operator")
        );
        assert!(error(json!({"all": [], "any": []})).contains("unexpected key"));
        assert!(error(json!({"field": "country", "like": "d%"})).contains("not an operator"));
        assert!(error(json!(["device"])).contains("a condition is an object"));
        let mut deep = json!({"field": "device", "equals": "bot"});
        for _ in 0..10 {
            deep = json!({ "not": deep });
        }
        assert!(error(deep).contains("deeper than"));
    }
}
