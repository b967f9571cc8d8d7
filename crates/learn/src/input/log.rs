//! Tailor's own event log: one JSON object per line as Fastly or Cloudflare log delivery
//! writes it. `view` and `click` train the model (a `null` visitor — no consent — feeds
//! segment popularity only); `impression`, `goal` and `exposure` are recognised and counted;
//! unknown events and fields are skipped, so newer edges never break older trainers.

use super::{Interaction, Kind, Parsed};
use serde::Deserialize;
use std::borrow::Cow;

#[derive(Deserialize)]
struct LogLine<'a> {
    #[serde(borrow)]
    event: Cow<'a, str>,
    #[serde(borrow, default)]
    item: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    category: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    segment: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    visitor: Option<Cow<'a, str>>,
    #[serde(default)]
    ts_ms: Option<i64>,
}

/// Parses one log line; `Err` says what is wrong with it.
pub fn parse(line: &str) -> Result<Parsed, String> {
    let parsed: LogLine<'_> = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let kind = match parsed.event.as_ref() {
        "view" => Kind::View,
        "click" => Kind::Click,
        "impression" => return Ok(Parsed::Other("impression")),
        "goal" => return Ok(Parsed::Other("goal")),
        "exposure" => return Ok(Parsed::Other("exposure")),
        _ => return Ok(Parsed::Unknown),
    };
    let item = match parsed.item {
        Some(item) if !item.is_empty() => item.into_owned(),
        _ => return Err(format!("a {} event without an item", parsed.event)),
    };
    let ts_ms = parsed
        .ts_ms
        .filter(|&t| t >= 0)
        .ok_or_else(|| format!("a {} event without a valid ts_ms", parsed.event))?;
    Ok(Parsed::Interaction(Interaction {
        visitor: parsed
            .visitor
            .filter(|v| !v.is_empty())
            .map(Cow::into_owned),
        item,
        ts_ms,
        kind,
        segment: parsed.segment.map(Cow::into_owned),
        category: parsed.category.map(Cow::into_owned),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edge_lines_of_today_and_tomorrow_parse() {
        let click = r#"{"event":"click","item":"sku-5","category":"outdoor","slot":"hero","segment":"desktop","visitor":"v1","arms":{"exp":"arm"},"ts_ms":1764000000000}"#;
        let Ok(Parsed::Interaction(i)) = parse(click) else {
            panic!("click did not parse")
        };
        assert_eq!(
            (i.item.as_str(), i.kind, i.visitor.as_deref()),
            ("sku-5", Kind::Click, Some("v1"))
        );
        let anonymous = r#"{"event":"view","item":"a","visitor":null,"ts_ms":1,"new":[1]}"#;
        assert!(matches!(
            parse(anonymous),
            Ok(Parsed::Interaction(Interaction { visitor: None, .. }))
        ));
        let impression = r#"{"event":"impression","slot":"hero","segment":"desktop","policy":"neighbours","items":["sku-1","sku-2"],"visitor":null,"arms":{},"ts_ms":1}"#;
        assert_eq!(parse(impression), Ok(Parsed::Other("impression")));
        assert_eq!(
            parse(r#"{"event":"goal","name":"purchase","value":49.9,"ts_ms":1}"#),
            Ok(Parsed::Other("goal"))
        );
        assert_eq!(
            parse(r#"{"event":"teleport","ts_ms":1}"#),
            Ok(Parsed::Unknown)
        );
    }

    #[test]
    fn broken_lines_say_why() {
        assert!(parse("{").is_err());
        assert!(parse(r#"{"event":"view","ts_ms":1}"#)
            .unwrap_err()
            .contains("without an item"));
        assert!(parse(r#"{"event":"view","item":"a"}"#)
            .unwrap_err()
            .contains("ts_ms"));
        assert!(parse(r#"{"event":"view","item":"a","ts_ms":"x"}"#).is_err());
        assert!(parse("[]").is_err());
    }
}
