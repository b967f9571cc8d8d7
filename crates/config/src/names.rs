//! The field checks every section shares: identifiers and strings that must not be empty.

use super::ConfigError;

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

/// Text that says something: not empty, not only whitespace.
pub(super) fn non_empty(path: &str, value: &str) -> Result<(), ConfigError> {
    if value.trim().is_empty() {
        return Err(ConfigError::at(path, "must not be empty"));
    }
    Ok(())
}
