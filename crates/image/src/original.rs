//! The original's bytes while they are decoded: a decoder that has read all it needs from
//! them before it allocates its output lets them go, when no output needs them afterwards
//! (a 16 MB progressive photo's coefficients and output then reuse their memory).

use std::borrow::Cow;

/// The bytes, and whether they may be let go before the decode ends.
#[derive(Debug)]
pub(crate) struct Original<'a> {
    bytes: Cow<'a, [u8]>,
    releasable: bool,
}

impl<'a> Original<'a> {
    /// `releasable`: nothing after the decode reads the bytes again.
    pub(crate) fn new(bytes: Cow<'a, [u8]>, releasable: bool) -> Self {
        Self { bytes, releasable }
    }

    /// Held for the whole decode: borrowed, never let go.
    pub(crate) fn held(bytes: &'a [u8]) -> Self {
        Self::new(Cow::Borrowed(bytes), false)
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Lets the bytes go when that is allowed (freeing them when they are owned); whether
    /// they are gone, so that no second decoder may be tried on them.
    pub(crate) fn release(&mut self) -> bool {
        if self.releasable {
            self.bytes = Cow::Borrowed(&[]);
        }
        self.releasable
    }

    /// The bytes (empty once released).
    pub(crate) fn into_bytes(self) -> Cow<'a, [u8]> {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_releasable_bytes_are_let_go() {
        let mut held = Original::held(b"jpeg");
        assert!(!held.release());
        assert_eq!(held.bytes(), b"jpeg");
        let mut owned = Original::new(Cow::Owned(b"jpeg".to_vec()), true);
        assert!(owned.release());
        assert!(owned.bytes().is_empty());
        assert!(owned.into_bytes().is_empty());
    }
}
