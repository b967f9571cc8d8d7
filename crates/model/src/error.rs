//! What can be wrong with model bytes (reading) or a model specification (writing).

/// Why bytes are not a usable model, or why a specification cannot be written as one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("not a Tailor model (magic bytes are not TLRM)")]
    BadMagic,
    #[error("model format version {found} is not supported (this reader knows {supported})")]
    UnsupportedVersion { found: u16, supported: u16 },
    #[error("model blob kind {0} is unknown")]
    UnknownKind(u16),
    #[error("model is {actual} bytes but its header declares {declared}: truncated or padded")]
    LengthMismatch { declared: u64, actual: u64 },
    #[error("model checksum mismatch: stored {stored:08x}, computed {computed:08x}")]
    Checksum { stored: u32, computed: u32 },
    #[error("model specification is invalid: {0}")]
    Invalid(String),
}
