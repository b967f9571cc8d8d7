//! Output formats and their negotiation: an explicit `format=` or `auto`, resolved from the
//! client's `Accept` header and whether the image has transparency.

use std::fmt;

/// Formats Tailor encodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    /// JPEG, lossy; alpha is composited onto the background.
    Jpeg,
    /// PNG, lossless; alpha kept.
    Png,
    /// WebP, lossy; alpha kept (needs the `webp` feature).
    Webp,
    /// AVIF, lossy; alpha kept (needs the `avif` feature).
    Avif,
}

impl OutputFormat {
    /// Every format there is (whether or not this build encodes it).
    pub const ALL: [Self; 4] = [Self::Jpeg, Self::Png, Self::Webp, Self::Avif];

    /// The lowercase name used in `format=` and in cache keys, e.g. `jpeg`.
    pub fn token(self) -> &'static str {
        match self {
            Self::Jpeg => "jpeg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Avif => "avif",
        }
    }

    /// The MIME type for the `Content-Type` header, e.g. `image/jpeg`.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Avif => "image/avif",
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
    /// The best format the client accepts: AVIF when its `Accept` names it and the requested
    /// size is small enough for AVIF's encoding cost, else WebP when named; otherwise PNG when
    /// the image has transparency, else JPEG.
    Auto,
    /// This format, whatever the client accepts.
    Fixed(OutputFormat),
}

/// Why a `format=` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The value names no format Tailor knows; carries the value as given.
    #[error("format '{0}' is not one of auto, jpeg, png, webp, avif")]
    Unknown(String),
    /// A known format whose encoder this build leaves out (`webp` or `avif`).
    #[error("format '{0}' is not available in this build")]
    NotBuilt(&'static str),
}

impl FormatRequest {
    /// Every request there is: `auto` and each format.
    pub fn all() -> impl Iterator<Item = Self> + Clone {
        std::iter::once(Self::Auto).chain(OutputFormat::ALL.map(Self::Fixed))
    }

    /// Reads a `format=` value, case-insensitively; `jpg` is accepted for `jpeg`.
    pub fn parse(value: &str) -> Result<Self, FormatError> {
        match value.to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "jpeg" | "jpg" => Ok(Self::Fixed(OutputFormat::Jpeg)),
            "png" => Ok(Self::Fixed(OutputFormat::Png)),
            "webp" if cfg!(feature = "webp") => Ok(Self::Fixed(OutputFormat::Webp)),
            "avif" if cfg!(feature = "avif") => Ok(Self::Fixed(OutputFormat::Avif)),
            "webp" => Err(FormatError::NotBuilt("webp")),
            "avif" => Err(FormatError::NotBuilt("avif")),
            _ => Err(FormatError::Unknown(value.into())),
        }
    }

    /// The cache-key token: everything the output format depends on before the image is seen.
    /// For `auto` that is the client's capability, so WebP and non-WebP clients never share.
    pub fn key_token(self, client: ClientFormats) -> &'static str {
        match self {
            Self::Auto if client.avif => "auto-avif",
            Self::Auto if client.webp => "auto-webp",
            Self::Auto => "auto",
            Self::Fixed(format) => format.token(),
        }
    }

    /// Whether responses must carry `Vary: Accept`.
    pub fn varies_by_accept(self) -> bool {
        self == Self::Auto
    }

    /// The format for an image, given the client and whether the image has transparency.
    pub fn resolve(self, client: ClientFormats, has_alpha: bool) -> OutputFormat {
        match self {
            Self::Fixed(format) => format,
            Self::Auto if client.avif => OutputFormat::Avif,
            Self::Auto if client.webp => OutputFormat::Webp,
            Self::Auto if has_alpha => OutputFormat::Png,
            Self::Auto => OutputFormat::Jpeg,
        }
    }
}

/// Modern formats a client declares in `Accept`. Wildcards do not count: browsers that decode
/// WebP say so explicitly, and guessing wrong would serve an image the client cannot show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientFormats {
    /// The client names `image/webp` (and this build encodes WebP).
    pub webp: bool,
    /// Set only when the client names AVIF *and* the request is small enough to encode it
    /// (`images.avif_max_width`); the route decides the latter.
    pub avif: bool,
}

impl ClientFormats {
    /// Every capability a client can be credited with.
    pub const ALL: [Self; 4] = [
        Self {
            webp: false,
            avif: false,
        },
        Self {
            webp: true,
            avif: false,
        },
        Self {
            webp: false,
            avif: true,
        },
        Self {
            webp: true,
            avif: true,
        },
    ];

    /// Reads an `Accept` header; a format listed with `q=0` counts as refused.
    pub fn from_accept(accept: &str) -> Self {
        let names = |wanted: &str| {
            tailor_core::accept::q_values(accept)
                .any(|(token, q)| token.eq_ignore_ascii_case(wanted) && q != Some(0.0))
        };
        // A build without an encoder never offers its format, whatever the client accepts.
        Self {
            webp: cfg!(feature = "webp") && names("image/webp"),
            avif: cfg!(feature = "avif") && names("image/avif"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_resolves() {
        let (old, new) = (
            ClientFormats::default(),
            ClientFormats {
                webp: true,
                avif: false,
            },
        );
        let auto = FormatRequest::parse("auto").unwrap();
        assert_eq!(
            FormatRequest::parse("JPG"),
            Ok(FormatRequest::Fixed(OutputFormat::Jpeg))
        );
        assert_eq!(auto.resolve(old, true), OutputFormat::Png);
        assert_eq!(auto.resolve(old, false), OutputFormat::Jpeg);
        assert_eq!(auto.resolve(new, true), OutputFormat::Webp);
        assert_eq!(
            FormatRequest::parse("png").unwrap().resolve(new, false),
            OutputFormat::Png
        );
        assert_ne!(auto.key_token(old), auto.key_token(new));
        assert!(matches!(
            FormatRequest::parse("gif"),
            Err(FormatError::Unknown(_))
        ));
        assert_eq!(
            FormatRequest::parse("avif"),
            Ok(FormatRequest::Fixed(OutputFormat::Avif))
        );
        let avif = ClientFormats {
            webp: true,
            avif: true,
        };
        assert_eq!(auto.resolve(avif, true), OutputFormat::Avif);
        assert_eq!(auto.key_token(avif), "auto-avif");
    }

    #[test]
    fn accept_headers_of_real_browsers() {
        let chrome = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";
        let safari_16 = "image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5";
        let old_safari = "image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5";
        assert!(ClientFormats::from_accept(chrome).webp && ClientFormats::from_accept(chrome).avif);
        assert!(ClientFormats::from_accept(safari_16).webp);
        assert!(!ClientFormats::from_accept(old_safari).webp);
        assert!(!ClientFormats::from_accept("*/*").webp);
        assert!(!ClientFormats::from_accept("image/webp;q=0, image/*").webp);
        assert!(!ClientFormats::from_accept("").webp);
    }
}
