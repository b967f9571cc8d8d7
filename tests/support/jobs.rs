//! Transform jobs for the image test suites: a counting clock and a default JPEG job.

use tailor_image::{
    transform, ClientFormats, FormatRequest, Geometry, ImageError, Job, OutputFormat, Qualities,
    Transformed,
};

/// A clock that advances a millisecond per reading, so every timing is non-zero.
pub(crate) fn clock() -> impl Fn() -> f64 {
    let t = std::cell::Cell::new(0.0);
    move || {
        t.set(t.get() + 1.0);
        t.get()
    }
}

pub(crate) fn job(width: u32, format: FormatRequest) -> Job {
    Job {
        geometry: Geometry::width(width),
        background: [255, 255, 255],
        quality: Some(Qualities { jpeg: 80, webp: 75 }),
        format,
        client: ClientFormats::default(),
        max_pixels: 50_000_000,
        max_output_side: 4096,
    }
}

/// `input` fitted to `width` as JPEG.
pub(crate) fn run(input: &[u8], width: u32) -> Result<Transformed, ImageError> {
    transform(
        input,
        &job(width, FormatRequest::Fixed(OutputFormat::Jpeg)),
        &clock(),
    )
}
