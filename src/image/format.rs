//! Output formats and their negotiation: an explicit `format=` or `auto`, resolved from the
//! client's `Accept` header and whether the image has transparency.

use std::fmt;

/// Formats Tailor encodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    Jpeg,
    Png,
}

impl OutputFormat {
    pub fn token(self) -> &'static str {
        match self {
            Self::Jpeg => "jpeg",
            Self::Png => "png",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.token())
    }
}

/// What the request asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatRequest {
    /// The best format the client accepts: PNG when the image has transparency, else JPEG.
    /// (WebP and AVIF join the negotiation when their encoders land.)
    Auto,
    Fixed(OutputFormat),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("format '{0}' is not one of auto, jpeg, png")]
    Unknown(String),
    #[error("format '{0}' is not available in this build yet")]
    NotYet(String),
}

impl FormatRequest {
    pub fn parse(value: &str) -> Result<Self, FormatError> {
        match value.to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "jpeg" | "jpg" => Ok(Self::Fixed(OutputFormat::Jpeg)),
            "png" => Ok(Self::Fixed(OutputFormat::Png)),
            "webp" | "avif" => Err(FormatError::NotYet(value.into())),
            _ => Err(FormatError::Unknown(value.into())),
        }
    }

    /// The cache-key token: what the output depends on before the image is seen. With only
    /// JPEG and PNG available, `auto` depends on the image alone, not on `Accept`.
    pub fn key_token(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Fixed(format) => format.token(),
        }
    }

    /// Whether responses must carry `Vary: Accept`.
    pub fn varies_by_accept(self) -> bool {
        false
    }

    /// The format for an image, given whether it has transparency worth keeping.
    pub fn resolve(self, has_alpha: bool) -> OutputFormat {
        match self {
            Self::Fixed(format) => format,
            Self::Auto if has_alpha => OutputFormat::Png,
            Self::Auto => OutputFormat::Jpeg,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_resolves() {
        assert_eq!(
            FormatRequest::parse("JPG"),
            Ok(FormatRequest::Fixed(OutputFormat::Jpeg))
        );
        assert_eq!(
            FormatRequest::parse("auto").unwrap().resolve(true),
            OutputFormat::Png
        );
        assert_eq!(
            FormatRequest::parse("auto").unwrap().resolve(false),
            OutputFormat::Jpeg
        );
        assert_eq!(
            FormatRequest::parse("png").unwrap().resolve(false),
            OutputFormat::Png
        );
        assert!(matches!(
            FormatRequest::parse("gif"),
            Err(FormatError::Unknown(_))
        ));
        assert!(matches!(
            FormatRequest::parse("webp"),
            Err(FormatError::NotYet(_))
        ));
    }
}
