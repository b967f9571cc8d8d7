//! Query parameters of a named-variant request. Only known keys are read, so unknown and
//! tracking parameters can never reach a cache key.

use super::format::{FormatError, FormatRequest};

/// Normalized options of `/img/{variant}/{path}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VariantParams {
    /// `format`; `auto` when not given.
    pub format: FormatRequest,
    /// Device pixel ratio bucket, 1 to 3.
    pub dpr: u32,
}

/// Why an image request's query was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// `format` names no format, or one this build leaves out.
    #[error(transparent)]
    Format(#[from] FormatError),
    /// `dpr` is not a plain decimal from 1 to 3; carries the value's first 16 characters.
    #[error("dpr '{0}' is not 1, 2 or 3")]
    Dpr(String),
    /// A free-form key has a value it does not accept.
    #[error("{key} '{value}' is not valid")]
    Bad {
        /// The query key.
        key: &'static str,
        /// The value as given, cut to 32 characters.
        value: String,
    },
    /// A required key is absent; carries what was required (e.g. `w or h`).
    #[error("{0} is required")]
    Missing(&'static str),
    /// A key appears more than once; carries the key.
    #[error("{0} is given more than once")]
    Duplicate(&'static str),
}

impl VariantParams {
    /// Reads `format` (default `auto`) and `dpr` (default 1; `1.5` rounds up to the 2 bucket).
    pub fn parse(query: &[(String, String)]) -> Result<Self, ParamError> {
        let format = match single(query, "format")? {
            None | Some("") => FormatRequest::Auto,
            Some(v) => FormatRequest::parse(v)?,
        };
        let dpr = match single(query, "dpr")? {
            None | Some("") => 1,
            Some(v) => parse_dpr(v).ok_or_else(|| ParamError::Dpr(v.chars().take(16).collect()))?,
        };
        Ok(Self { format, dpr })
    }
}

/// The value of `name` when it is given once; two or more are refused, so no reader can take
/// another occurrence than the one a signer or a cache key meant.
pub(super) fn single<'q>(
    query: &'q [(String, String)],
    name: &'static str,
) -> Result<Option<&'q str>, ParamError> {
    let mut values = tailor_core::query::values(query, name);
    match (values.next(), values.next()) {
        (Some(_), Some(_)) => Err(ParamError::Duplicate(name)),
        (value, _) => Ok(value),
    }
}

/// A plain decimal: digits, optionally a dot and more digits (no sign, exponent, spaces or
/// words such as `inf`).
pub(super) fn is_decimal(value: &str) -> bool {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, "0"));
    let digits = |s: &str| !s.is_empty() && s.len() <= 8 && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction)
}

/// `1` to `3` as a plain decimal; `1.5` rounds up to the 2 bucket.
pub(super) fn parse_dpr(value: &str) -> Option<u32> {
    if !is_decimal(value) {
        return None;
    }
    let ratio: f32 = value.parse().ok()?;
    (1.0..=3.0).contains(&ratio).then(|| ratio.ceil() as u32)
}

/// Test helper: a parsed query from string pairs.
#[cfg(test)]
pub(crate) fn test_query(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::OutputFormat;
    use crate::test_query as query;

    #[test]
    fn defaults_and_known_values() {
        let params = VariantParams::parse(&query(&[("utm_source", "x")])).unwrap();
        assert_eq!(
            params,
            VariantParams {
                format: FormatRequest::Auto,
                dpr: 1
            }
        );
        let params = VariantParams::parse(&query(&[("format", "png"), ("dpr", "1.5")])).unwrap();
        assert_eq!(
            params,
            VariantParams {
                format: FormatRequest::Fixed(OutputFormat::Png),
                dpr: 2
            }
        );
    }

    #[test]
    fn bad_values_are_errors() {
        for (key, value) in [
            ("dpr", "0"),
            ("dpr", "4"),
            ("dpr", "NaN"),
            ("dpr", "two"),
            ("dpr", "+2"),
            ("dpr", "2e0"),
            ("dpr", " 2"),
            ("format", "bmp"),
        ] {
            assert!(
                VariantParams::parse(&query(&[(key, value)])).is_err(),
                "{key}={value}"
            );
        }
        assert_eq!(
            VariantParams::parse(&query(&[("dpr", "2"), ("dpr", "1")])),
            Err(ParamError::Duplicate("dpr"))
        );
    }
}
