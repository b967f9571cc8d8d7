//! Beacon events: the view and click reports a page sends to `POST /events`, and the goals
//! (conversions such as a purchase, named in the config), parsed and validated before
//! anything is recorded in the visitor cookie or logged.

use crate::recs::MAX_ID_BYTES;
use serde::{Deserialize, Serialize};

/// What the visitor did with an item: the event's `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// The item was shown.
    View,
    /// The item was clicked.
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
    /// `view` or `click` (`type` in the JSON).
    #[serde(rename = "type")]
    pub kind: EventKind,
    /// The item's id: 1-64 characters of A-Z a-z 0-9 . _ : -.
    pub item: String,
    /// Accepted for older pages but never trusted: the edge takes the item's category from
    /// its catalogue (the model or the segment list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The banner slot it happened in, for analytics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot: Option<String>,
}

/// A conversion the page reports: `{"type":"goal","name":"purchase","value":49.90}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Goal {
    /// One of the config's `events.goals`.
    pub name: String,
    /// What it was worth (finite, at most [`MAX_GOAL_VALUE`] either way), if the page says.
    pub value: Option<f64>,
}

/// The largest goal value accepted, either sign (a refund may be negative).
pub const MAX_GOAL_VALUE: f64 = 1e12;

/// One accepted beacon entry: an interaction with an item, or a goal.
#[derive(Debug, Clone, PartialEq)]
pub enum Beacon {
    /// A view or click of a recommended item.
    Item(Event),
    /// A conversion.
    Goal(Goal),
}

impl Beacon {
    /// The item interaction, if this is one.
    pub fn item(&self) -> Option<&Event> {
        match self {
            Self::Item(event) => Some(event),
            Self::Goal(_) => None,
        }
    }

    /// The goal, if this is one.
    pub fn goal(&self) -> Option<&Goal> {
        match self {
            Self::Item(_) => None,
            Self::Goal(goal) => Some(goal),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGoal {
    #[serde(rename = "type")]
    _kind: String,
    name: String,
    #[serde(default)]
    value: Option<f64>,
}

/// Limits on a beacon body; `events` in the config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EventSettings {
    /// The log endpoint each accepted event is written to (a Fastly logging endpoint).
    pub log_endpoint: String,
    /// The largest body accepted, in bytes.
    pub max_body_bytes: usize,
    /// The most entries one batch may hold.
    pub max_events: usize,
    /// The goal names the beacon accepts (identifiers); any other goal is refused.
    pub goals: Vec<String>,
}

impl Default for EventSettings {
    fn default() -> Self {
        Self {
            log_endpoint: "tailor_events".into(),
            max_body_bytes: 8 * 1024,
            max_events: 20,
            goals: Vec::new(),
        }
    }
}

/// Why a beacon body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// The body is over `max_body_bytes`.
    #[error("the body is {size} bytes; at most {limit} are accepted")]
    TooLarge {
        /// The body's length, in bytes.
        size: usize,
        /// The configured `max_body_bytes`.
        limit: usize,
    },
    /// Anything else wrong (not JSON, a bad entry, too many); the message says what and where.
    #[error("{0}")]
    Invalid(String),
}

/// Parses one event (`{"type":"click",...}`, `{"type":"goal",...}`) or a batch
/// (`{"events":[...]}`).
pub fn parse(body: &[u8], settings: &EventSettings) -> Result<Vec<Beacon>, EventError> {
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
                    .map(|(i, v)| one(v, &format!("events[{i}]"), settings))
                    .collect::<Result<Vec<_>, _>>()?,
                _ => return Err(invalid("'events' must be an array".into())),
            }
        }
        single => vec![one(single, "(body)", settings)?],
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

fn one(
    value: serde_json::Value,
    place: &str,
    settings: &EventSettings,
) -> Result<Beacon, EventError> {
    if value.get("type").and_then(serde_json::Value::as_str) == Some("goal") {
        return goal(value, place, settings).map(Beacon::Goal);
    }
    let event: Event = serde_json::from_value(value).map_err(|e| {
        EventError::Invalid(format!(
            "{place}: {e}; expected {{\"type\": \"view\"|\"click\", \"item\", \"slot\"?}} or {{\"type\": \"goal\", \"name\", \"value\"?}}"
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
    Ok(Beacon::Item(event))
}

fn goal(
    value: serde_json::Value,
    place: &str,
    settings: &EventSettings,
) -> Result<Goal, EventError> {
    let raw: RawGoal = serde_json::from_value(value).map_err(|e| {
        EventError::Invalid(format!(
            "{place}: {e}; expected {{\"type\": \"goal\", \"name\", \"value\"?}}"
        ))
    })?;
    if !settings.goals.contains(&raw.name) {
        let name: String = raw.name.chars().take(MAX_ID_BYTES).collect();
        let declared = if settings.goals.is_empty() {
            "none are declared (events.goals)".to_owned()
        } else {
            format!("declared: {}", settings.goals.join(", "))
        };
        return Err(EventError::Invalid(format!(
            "{place}.name: '{name}' is not a declared goal; {declared}"
        )));
    }
    if let Some(v) = raw.value {
        if !v.is_finite() || v.abs() > MAX_GOAL_VALUE {
            return Err(EventError::Invalid(format!(
                "{place}.value: must be a finite number within ±{MAX_GOAL_VALUE:e}"
            )));
        }
    }
    Ok(Goal {
        name: raw.name,
        value: raw.value,
    })
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
            .map(|all| all.iter().filter_map(Beacon::item).cloned().collect())
    }

    fn with_goals() -> EventSettings {
        EventSettings {
            goals: vec!["purchase".into(), "signup".into()],
            ..EventSettings::default()
        }
    }

    #[test]
    fn declared_goals_are_accepted_with_or_without_a_value() {
        let parsed = parse(
            br#"{"events":[{"type":"goal","name":"purchase","value":49.9},{"type":"goal","name":"signup"},{"type":"view","item":"a"}]}"#,
            &with_goals(),
        )
        .unwrap();
        assert_eq!(
            parsed[0].goal(),
            Some(&Goal {
                name: "purchase".into(),
                value: Some(49.9)
            })
        );
        assert_eq!(parsed[1].goal().and_then(|g| g.value), None);
        assert_eq!(parsed[2].item().map(|e| e.item.as_str()), Some("a"));
    }

    #[test]
    fn undeclared_or_malformed_goals_are_refused_by_place() {
        for (body, needle) in [
            (
                r#"{"type":"goal","name":"refund"}"#,
                "(body).name: 'refund' is not a declared goal; declared: purchase, signup",
            ),
            (
                r#"{"events":[{"type":"goal","name":"purchase"},{"type":"goal","name":"x"}]}"#,
                "events[1].name",
            ),
            (
                r#"{"type":"goal","name":"purchase","value":1e13}"#,
                "(body).value",
            ),
            (
                r#"{"type":"goal","name":"purchase","value":1e999}"#,
                "not JSON",
            ),
            (
                r#"{"type":"goal","name":"purchase","value":"12"}"#,
                "(body)",
            ),
            (
                r#"{"type":"goal","name":"purchase","item":"a"}"#,
                "unknown field",
            ),
            (r#"{"type":"goal"}"#, "name"),
        ] {
            let error = parse(body.as_bytes(), &with_goals())
                .unwrap_err()
                .to_string();
            assert!(error.contains(needle), "{body}: {error}");
        }
        let error = parse(
            br#"{"type":"goal","name":"purchase"}"#,
            &EventSettings::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("none are declared"), "{error}");
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
