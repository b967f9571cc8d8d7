//! Why an original could not be transformed: the one error type of every stage.

/// Why an original could not be transformed; each carries a message for the response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    /// Over the pixel limit, the decode or output budget, or JPEG's 65535-pixel side.
    #[error("{0}")]
    TooLarge(String),
    /// An input format or JPEG feature Tailor does not decode, or an output format not built.
    #[error("{0}")]
    Unsupported(String),
    /// The input is malformed, truncated or inconsistent.
    #[error("{0}")]
    Undecodable(String),
    /// A fault of Tailor or its codecs, not of the input.
    #[error("{0}")]
    Internal(String),
}
