//! Comparing secrets (debug and admin tokens, URL signatures, preview signatures) so response
//! timing reveals neither how much of a guess was right nor how long the secret is.
//!
//! Both values are first reduced to fixed-size digests (SHA-256 under a fixed label), and
//! the digests are compared by `digest`'s constant-time equality (`subtle`): the comparison
//! has no early exit and never looks at the lengths, and hashing the secret costs the same
//! whatever is guessed.

use hmac::digest::CtOutput;
use sha2::{Digest, Sha256};

/// Separates these digests from any other use of the same bytes.
const LABEL: &[u8] = b"tailor constant-time comparison v1\0";

/// Whether `given` equals `secret`. The time taken varies with the length of `given`, never
/// with how it compares to the secret; hashing the secret costs the same for every guess.
pub fn eq(secret: &[u8], given: &[u8]) -> bool {
    digest(secret) == digest(given)
}

fn digest(value: &[u8]) -> CtOutput<Sha256> {
    CtOutput::new(
        Sha256::new()
            .chain_update(LABEL)
            .chain_update(value)
            .finalize(),
    )
}

#[cfg(test)]
mod tests {
    use super::eq;
    use std::time::Instant;

    #[test]
    fn compares_whole_values() {
        assert!(eq(b"demo-debug", b"demo-debug"));
        assert!(!eq(b"demo-debug", b"demo-debuh"));
        assert!(!eq(b"demo-debug", b"demo"));
        assert!(!eq(b"demo", b"demo-debug"));
        assert!(!eq(b"", b"x"));
        assert!(eq(b"", b""));
    }

    /// The fastest of many runs of `eq(secret, guess)`, in nanoseconds per call.
    fn fastest(secret: &[u8], guess: &[u8]) -> f64 {
        const CALLS: u32 = 400;
        (0..25)
            .map(|_| {
                let start = Instant::now();
                for _ in 0..CALLS {
                    std::hint::black_box(eq(std::hint::black_box(secret), guess));
                }
                start.elapsed().as_nanos() as f64 / f64::from(CALLS)
            })
            .fold(f64::INFINITY, f64::min)
    }

    #[test]
    fn comparison_time_does_not_reveal_the_secret_length() {
        // A 20-byte guess against secrets of 4 and 20 bytes (one hash block each): an early
        // exit on a length mismatch would answer the first many times faster.
        let guess = [b'x'; 20];
        let (short, long) = (fastest(&[b'x'; 4], &guess), fastest(&[b'y'; 20], &guess));
        let ratio = short.max(long) / short.min(long);
        assert!(
            ratio < 2.0,
            "4-byte secret {short:.0} ns, 20-byte {long:.0} ns"
        );
    }
}
