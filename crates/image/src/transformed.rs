//! What a transform returns: each output's bytes and sizes, the path that made it and the
//! time each stage took.

use super::format::OutputFormat;

/// Milliseconds spent in each stage.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    /// Probing and decoding the original (shared by every job of one decode).
    pub decode_ms: f64,
    /// Resizing, cropping and padding.
    pub resize_ms: f64,
    /// Encoding the output.
    pub encode_ms: f64,
}

/// One encoded output and what went into it.
#[derive(Debug, Clone, PartialEq)]
pub struct Transformed {
    /// The encoded image (or the original's, metadata stripped, when that was smaller).
    pub bytes: Vec<u8>,
    /// The format of `bytes`.
    pub format: OutputFormat,
    /// Output width in pixels.
    pub width: u32,
    /// Output height in pixels.
    pub height: u32,
    /// The original's stored width in pixels, before orientation.
    pub input_width: u32,
    /// The original's stored height in pixels, before orientation.
    pub input_height: u32,
    /// The original's format: `jpeg`, `png`, `webp` or `gif`.
    pub input_format: &'static str,
    /// The EXIF orientation that was applied (1 = none).
    pub orientation: u8,
    /// Whether an embedded ICC profile was converted to sRGB.
    pub icc_converted: bool,
    /// Which decode path ran (`dc-only`, `reduced-idct`, `jpeg-decoder`, `png-rows`,
    /// `png-rows-shrunk`, `png-adam7-shrunk`, `png` for interlaced PNGs at full size,
    /// `libwebp`, `libwebp-scaled`, `webp` for animated WebP (first frame), `gif-rows`,
    /// `gif-rows-shrunk`, `gif-interlaced-shrunk`, `gif-first-frame` for an interlaced first
    /// frame at full size), `requantized` when a JPEG's coefficients were rescaled to the
    /// output's quality without a decode to pixels, `requantizer-pass` for an output made
    /// from the picture rendered from the requantizer's blocks in the same request, or
    /// `original` when the original bytes were kept.
    pub decode_path: &'static str,
    /// Time spent in each stage.
    pub timings: Timings,
}
