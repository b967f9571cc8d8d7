//! Memory limits of a transform and the size arithmetic buffers are sized with: products are
//! computed in 64 bits, checked, and compared with a limit before anything is allocated, so
//! neither a lying header nor an extreme request can overflow `usize` on wasm32 or ask the
//! host for gigabytes.

use super::error::ImageError;

/// The heap a decode may use (input included), below the hosts' 128 MB with room for the
/// resize and encode buffers. Checked from the header before anything is allocated, and again
/// by each decoder from what it parsed itself.
pub const DECODE_BUDGET_BYTES: u64 = 100 * 1024 * 1024;

/// The largest pixel buffer a fit may make (the resized image, the padded canvas, the encoder's
/// input): a 4096 x 4096 RGBA image.
pub const OUTPUT_BUDGET_BYTES: u64 = 64 * 1024 * 1024;

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

/// The byte length of a `width` x `height` buffer of `channels` per pixel, refused with `413`
/// beyond [`OUTPUT_BUDGET_BYTES`].
pub(crate) fn pixel_buffer_len(width: u32, height: u32, channels: u8) -> Result<usize, ImageError> {
    let bytes = u64::from(width)
        .checked_mul(u64::from(height))
        .and_then(|p| p.checked_mul(u64::from(channels)))
        .filter(|&b| b <= OUTPUT_BUDGET_BYTES);
    bytes.and_then(|b| usize::try_from(b).ok()).ok_or_else(|| {
        ImageError::TooLarge(format!(
            "a {width}x{height} output is over the {} MB output budget",
            OUTPUT_BUDGET_BYTES >> 20
        ))
    })
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

    #[test]
    fn buffer_sizes_are_checked_not_wrapped() {
        assert_eq!(pixel_buffer_len(4096, 4096, 4), Ok(64 << 20));
        assert!(pixel_buffer_len(u32::MAX, u32::MAX, 4).is_err());
        assert!(pixel_buffer_len(65536, 65536, 1).is_err());
    }
}
