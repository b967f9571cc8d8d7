//! What can be wrong with model bytes (reading) or a model specification (writing).

/// Why bytes are not a usable model, or why a specification cannot be written as one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// The first four bytes are not `TLRM`.
    #[error("not a Tailor model (magic bytes are not TLRM)")]
    BadMagic,
    /// The header's format version is one this reader does not know.
    #[error("model format version {found} is not supported (this reader knows 1 to {supported})")]
    UnsupportedVersion {
        /// The version in the header.
        found: u16,
        /// The newest version this reader knows (it reads every one from 1 up).
        supported: u16,
    },
    /// A version-2 header's entry width is not 4 or 8 bytes.
    #[error("model entry width {0} is unknown (4 or 8 bytes)")]
    UnknownEntryWidth(u8),
    /// The header's blob kind is not 0 (complete), 1 (head) or 2 (shard).
    #[error("model blob kind {0} is unknown")]
    UnknownKind(u16),
    /// The buffer is not exactly as long as its header says (or shorter than the header).
    #[error("model is {actual} bytes but its header declares {declared}: truncated or padded")]
    LengthMismatch {
        /// Bytes the header declares (64, the header alone, when the buffer is shorter).
        declared: u64,
        /// Bytes in the buffer.
        actual: u64,
    },
    /// The stored CRC-32 differs from the one computed over the bytes.
    #[error("model checksum mismatch: stored {stored:08x}, computed {computed:08x}")]
    Checksum {
        /// The CRC-32 in the header.
        stored: u32,
        /// The CRC-32 of the bytes.
        computed: u32,
    },
    /// The writer refused the specification or a request (e.g. a shard that does not exist);
    /// the text says why.
    #[error("model specification is invalid: {0}")]
    Invalid(String),
}
