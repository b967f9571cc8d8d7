//! How much smaller a decoder that can reduce while it decodes (the PNG rows' box shrink,
//! libwebp's rescaler) should make the picture: the largest integer factor that still covers
//! what the fit needs, so the resizer's own filter does the last, fractional step.

/// The largest integer factor that keeps a `width` x `height` picture covering `target`
/// (1 when it must be decoded whole, or enlarged).
pub(crate) fn shrink_factor(width: u32, height: u32, target: (u32, u32)) -> u32 {
    let by_width = width / target.0.max(1);
    let by_height = height / target.1.max(1);
    let mut factor = by_width.min(by_height).max(1);
    // Integer division can land one too high where the ceiling no longer covers.
    while factor > 1 && (width.div_ceil(factor) < target.0 || height.div_ceil(factor) < target.1) {
        factor -= 1;
    }
    factor
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_factor_is_the_largest_that_still_covers_the_target() {
        assert_eq!(shrink_factor(5120, 2880, (1920, 1080)), 2);
        assert_eq!(shrink_factor(5120, 2880, (320, 180)), 16);
        assert_eq!(shrink_factor(100, 100, (400, 400)), 1);
        assert_eq!(shrink_factor(100, 100, (0, 0)), 100);
        assert_eq!(shrink_factor(11, 7, (4, 3)), 2);
        assert_eq!(shrink_factor(9, 9, (3, 3)), 3);
    }
}
