//! Pixels decoded in the runtime against the native build's: the same decoder compiled for
//! wasm (and for wasm SIMD) must give the very samples it gives natively, which is what the
//! decoder's own tests check.

use super::{check, expect_status};
use crate::image_formats::signed;
use crate::support;
use crate::support::client::{get, DEBUG};
use crate::support::viceroy::Harness;
use libtest_mimic::Failed;

/// A progressive photo at exactly half its width: decoded at 1/2 through the reduced IDCT
/// and not resized, so the lossless PNG the runtime returns must hold the very pixels the
/// native build decodes. A path of the runtime's own (a vector IDCT written for wasm SIMD was
/// tried with this case: one rounding half a step off made 1.8 M samples differ) or float
/// code compiled differently for wasm would show here.
pub(crate) fn half_scale_jpeg_pixels_equal_the_native_build(h: &Harness) -> Result<(), Failed> {
    let url = h.url(&signed("photos/progressive.jpg", "w=1200&format=png"));
    let got = get(&url, &[DEBUG]);
    expect_status(&got, 200)?;
    let info = got.header("x-tailor-image").unwrap_or("").to_string();
    check(info.contains("decode=reduced-idct"), || info.clone())?;
    let job = tailor_image::Job {
        geometry: tailor_image::Geometry::width(1200),
        background: [255, 255, 255],
        quality: None,
        format: tailor_image::FormatRequest::Fixed(tailor_image::OutputFormat::Png),
        client: tailor_image::ClientFormats::default(),
        max_pixels: 50_000_000,
        max_output_side: 4096,
    };
    let native = tailor_image::transform(&support::fixtures::progressive_jpeg(), &job, &|| 0.0)?;
    let (ours, theirs) = (
        image::load_from_memory(&got.body)?.to_rgb8(),
        image::load_from_memory(&native.bytes)?.to_rgb8(),
    );
    check(ours.dimensions() == (1200, 800), || {
        format!("{:?}", ours.dimensions())
    })?;
    let differing = ours
        .as_raw()
        .iter()
        .zip(theirs.as_raw())
        .filter(|(a, b)| a != b)
        .count();
    check(
        ours.dimensions() == theirs.dimensions() && differing == 0,
        || format!("{differing} samples differ from the native decode"),
    )
}
