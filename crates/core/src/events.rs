//! Beacon events: the view and click reports a page sends to `POST /events`, parsed and
//! validated before anything is recorded in the visitor cookie or logged.

use crate::recs::MAX_ID_BYTES;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    View,
    Click,
}

impl EventKind {
    /// The one-letter kind the cookie history stores.
    pub fn history_kind(self) -> char {
        match self {
            Self::View => 'v',
            Self::Click => 'c',
        }
    }
}

/// One interaction with a recommended item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub item: String,
    /// Accepted for older pages but never trusted: the edge takes the item's category from
    /// its catalogue (the model or the segment list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The banner slot it happened in, for analytics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot: Option<String>,
}

/// Limits on a beacon body; `events` in the config.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EventSettings {
    /// The log endpoint each accepted event is written to (a Fastly logging endpoint).
    pub log_endpoint: String,
    pub max_body_bytes: usize,
    pub max_events: usize,
}

impl Default for EventSettings {
    fn default() -> Self {
        Self {
            log_endpoint: "tailor_events".into(),
            max_body_bytes: 8 * 1024,
            max_events: 20,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("the body is {size} bytes; at most {limit} are accepted")]
    TooLarge { size: usize, limit: usize },
    #[error("{0}")]
    Invalid(String),
}

/// Parses one event (`{"type":"click",...}`) or a batch (`{"events":[...]}`).
pub fn parse(body: &[u8], settings: &EventSettings) -> Result<Vec<Event>, EventError> {
    if body.len() > settings.max_body_bytes {
        return Err(EventError::TooLarge {
            size: body.len(),
            limit: settings.max_body_bytes,
        });
    }
    let invalid = |message: String| EventError::Invalid(message);
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| invalid(format!("the body is not JSON: {e}")))?;
    let events = match value {
        serde_json::Value::Object(mut map) if map.contains_key("events") => {
            if map.len() > 1 {
                return Err(invalid("a batch has only the field 'events'".into()));
            }
            match map.remove("events") {
                Some(serde_json::Value::Array(list)) => list
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| one(v, &format!("events[{i}]")))
                    .collect::<Result<Vec<_>, _>>()?,
                _ => return Err(invalid("'events' must be an array".into())),
            }
        }
        single => vec![one(single, "(body)")?],
    };
    if events.is_empty() {
        return Err(invalid("the batch is empty".into()));
    }
    if events.len() > settings.max_events {
        return Err(invalid(format!(
            "{} events in one batch; at most {} are accepted",
            events.len(),
            settings.max_events
        )));
    }
    Ok(events)
}

fn one(value: serde_json::Value, place: &str) -> Result<Event, EventError> {
    let event: Event = serde_json::from_value(value).map_err(|e| {
        EventError::Invalid(format!(
            "{place}: {e}; expected {{\"type\": \"view\"|\"click\", \"item\", \"slot\"?}}"
        ))
    })?;
    let fields = [
        ("item", Some(&event.item)),
        ("category", event.category.as_ref()),
        ("slot", event.slot.as_ref()),
    ];
    for (name, value) in fields {
        if value.is_some_and(|v| !is_token(v)) {
            return Err(EventError::Invalid(format!(
                "{place}.{name}: must be 1-{MAX_ID_BYTES} characters of A-Z a-z 0-9 . _ : -"
            )));
        }
    }
    Ok(event)
}

/// Ids and categories go into the cookie and log lines: a short safe alphabet only.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_ID_BYTES
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(body: &str) -> Result<Vec<Event>, EventError> {
        parse(body.as_bytes(), &EventSettings::default())
    }

    #[test]
    fn the_beacon_needs_only_the_item() {
        let one = parse_str(r#"{"type":"click","item":"sku-5"}"#).unwrap();
        assert_eq!(one[0].item, "sku-5");
        assert_eq!(one[0].category, None);
    }

    #[test]
    fn single_events_and_batches_parse() {
        let one = parse_str(r#"{"type":"click","item":"sku-001","category":"shoes"}"#).unwrap();
        assert_eq!(one[0].kind, EventKind::Click);
        let batch = parse_str(
            r#"{"events":[{"type":"view","item":"a","category":"c","slot":"hero"},{"type":"click","item":"b","category":"c"}]}"#,
        )
        .unwrap();
        assert_eq!(batch.len(), 2);
        assert_eq!(batch[0].slot.as_deref(), Some("hero"));
    }

    #[test]
    fn bad_bodies_say_what_is_wrong() {
        for (body, needle) in [
            ("not json", "not JSON"),
            (r#"{"type":"buy","item":"a","category":"c"}"#, "(body)"),
            (
                r#"{"type":"view","item":"<x>","category":"c"}"#,
                "(body).item",
            ),
            (r#"{"events":[{"type":"view"}]}"#, "events[0]"),
            (r#"{"events":[]}"#, "empty"),
            (r#"{"events":{}}"#, "array"),
            (r#"{"events":[],"x":1}"#, "only the field"),
            (
                r#"{"type":"view","item":"a","category":"c","extra":1}"#,
                "unknown field",
            ),
            ("[1,2]", "(body)"),
        ] {
            let error = parse_str(body).unwrap_err().to_string();
            assert!(error.contains(needle), "{body}: {error}");
        }
    }

    #[test]
    fn limits_hold() {
        let settings = EventSettings {
            max_events: 2,
            max_body_bytes: 200,
            ..EventSettings::default()
        };
        let event = r#"{"type":"view","item":"a","category":"c"}"#;
        let three = format!(r#"{{"events":[{event},{event},{event}]}}"#);
        assert!(parse(three.as_bytes(), &settings)
            .unwrap_err()
            .to_string()
            .contains("at most 2"));
        assert!(matches!(
            parse(&[b' '; 201], &settings),
            Err(EventError::TooLarge { .. })
        ));
    }
}
