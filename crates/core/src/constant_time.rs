//! Comparing secrets (debug tokens, URL signatures) without an early exit, so response timing
//! does not reveal how much of a guess was right.

/// Whether `a` and `b` are equal, in time that depends only on their lengths.
pub fn eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::eq;

    #[test]
    fn compares_whole_values() {
        assert!(eq(b"demo-debug", b"demo-debug"));
        assert!(!eq(b"demo-debug", b"demo-debuh"));
        assert!(!eq(b"demo-debug", b"demo"));
    }
}
