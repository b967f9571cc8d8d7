//! Timestamps as inputs write them: Unix seconds or milliseconds (told apart by size),
//! integer or fractional, or RFC 3339 UTC text.

/// Numbers at or above this are milliseconds (1e11 s would be the year 5138).
const MILLIS_FROM: f64 = 1e11;

/// Milliseconds since the epoch from a number of seconds or milliseconds.
pub fn from_number(value: f64) -> Option<i64> {
    if !value.is_finite() || value < 0.0 {
        return None;
    }
    let ms = if value >= MILLIS_FROM {
        value
    } else {
        value * 1000.0
    };
    if ms > 9.0e15 {
        return None;
    }
    Some(ms.round() as i64)
}

/// Milliseconds since the epoch from text: a number, or RFC 3339 (`2026-11-27T10:00:00Z`).
pub fn from_text(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(number) = text.parse::<f64>() {
        return from_number(number);
    }
    let time = humantime::parse_rfc3339_weak(text).ok()?;
    let ms = time.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis();
    i64::try_from(ms).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_millis_and_rfc3339_agree() {
        assert_eq!(from_text("1764000000"), Some(1_764_000_000_000));
        assert_eq!(from_text("1764000000000"), Some(1_764_000_000_000));
        assert_eq!(from_text("881250949.0"), Some(881_250_949_000));
        assert_eq!(from_text("2025-11-24T16:00:00Z"), Some(1_764_000_000_000));
        assert_eq!(from_text("yesterday"), None);
        assert_eq!(from_text("-5"), None);
        assert_eq!(from_number(f64::NAN), None);
    }
}
