//! Item date windows as written in lists (RFC 3339, UTC: `2026-11-27T00:00:00Z`), held as Unix
//! seconds so the per-request window check is two integer comparisons.

use serde::{Deserialize, Deserializer, Serializer};
use std::time::{Duration, UNIX_EPOCH};

pub(super) fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<i64>, D::Error> {
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    let time = humantime::parse_rfc3339(&text).map_err(|e| {
        serde::de::Error::custom(format!(
            "'{text}' is not an RFC 3339 UTC time like 2026-11-27T00:00:00Z: {e}"
        ))
    })?;
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .map_err(|_| serde::de::Error::custom(format!("'{text}' is before 1970")))?
        .as_secs();
    i64::try_from(seconds)
        .map(Some)
        .map_err(|_| serde::de::Error::custom(format!("'{text}' is out of range")))
}

pub(super) fn serialize<S: Serializer>(
    value: &Option<i64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value.and_then(|s| u64::try_from(s).ok()) {
        Some(seconds) => {
            let time = UNIX_EPOCH + Duration::from_secs(seconds);
            serializer.serialize_str(&humantime::format_rfc3339_seconds(time).to_string())
        }
        None => serializer.serialize_none(),
    }
}
