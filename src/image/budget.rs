//! Memory limits of a decode: sizes are computed in 64 bits, checked, and compared with a
//! limit before anything is allocated, so a lying header cannot ask the host for gigabytes.

use super::transform::ImageError;

/// The heap a decode may use (input included), below the hosts' 128 MB with room for the
/// resize and encode buffers. Checked from the header before anything is allocated, and again
/// by each decoder from what it parsed itself.
pub const DECODE_BUDGET_BYTES: u64 = 100 * 1024 * 1024;

/// What one decoder may allocate: the pixels it may produce and the bytes it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    pub max_pixels: u64,
    pub max_bytes: u64,
}

impl DecodeLimits {
    /// Refuses a frame of `width` x `height` that needs `bytes` (`None`: beyond 64 bits).
    pub fn admit(&self, width: u64, height: u64, bytes: Option<u64>) -> Result<(), ImageError> {
        let pixels = width.saturating_mul(height);
        if pixels > self.max_pixels {
            return Err(ImageError::TooLarge(format!(
                "the image is {width}x{height} ({pixels} pixels), over the {}-pixel limit",
                self.max_pixels
            )));
        }
        match bytes {
            Some(bytes) if bytes <= self.max_bytes => Ok(()),
            _ => Err(ImageError::TooLarge(format!(
                "decoding this {width}x{height} image needs about {} MB, over the {} MB left in \
                 the decode budget",
                bytes.map_or(u64::MAX >> 20, |b| b >> 20),
                self.max_bytes >> 20
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_limits_refuse_pixels_and_bytes_over_them() {
        let limits = DecodeLimits {
            max_pixels: 100,
            max_bytes: 1000,
        };
        assert!(limits.admit(10, 10, Some(1000)).is_ok());
        assert!(limits.admit(10, 11, Some(10)).is_err());
        assert!(limits.admit(10, 10, Some(1001)).is_err());
        assert!(limits.admit(10, 10, None).is_err());
    }
}
