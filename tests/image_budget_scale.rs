//! A JPEG whose sharpest shrink-on-load decode would not fit the decode budget is decoded one
//! scale smaller and enlarged the rest of the way, instead of refused; a large baseline photo
//! decoded at 1/2 is resized from its planes band by band, never held whole.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::jobs::{clock, job, run};
use support::large_jpeg::{camera_photo, forty_megapixels};
use tailor_image::{transform, FormatRequest, OutputFormat};

#[test]
fn a_40_megapixel_progressive_photo_is_decoded_one_scale_smaller_for_its_full_variant() {
    // 8000x5000, progressive, chroma not subsampled. `full` (2048 wide) is covered by 1/2
    // (4000x2500), whose decode plans ~159 MB (coefficients, history and samples of three
    // full planes, the output): over the 100 MB decode budget even for a small file. 1/4
    // (2000x1250) fits and is enlarged.
    let jpeg = forty_megapixels();
    let out = run(&jpeg, 2048).unwrap();
    assert_eq!((out.width, out.height), (2048, 1280));
    assert_eq!(out.decode_path, "reduced-idct");
    let img = image::load_from_memory(&out.bytes).unwrap().into_rgb8();
    // The gradients survive the smaller decode and the enlargement.
    let at = |x: u32, y: u32| img.get_pixel(x, y).0;
    assert!(
        at(2, 640)[0] < 10 && at(2045, 640)[0] > 245,
        "{:?}",
        at(2045, 640)
    );
    assert!(at(1024, 2)[1] < 10 && at(1024, 1277)[1] > 245);
}

#[test]
fn a_24_megapixel_camera_photo_is_resized_from_its_planes_band_by_band() {
    // 6000x4000 baseline: 1/2 is 3000x2000, 18 MB of RGB that is never made whole.
    let input = camera_photo().1.body;
    let png = job(2048, FormatRequest::Fixed(OutputFormat::Png));
    let out = transform(&input, &png, &clock()).unwrap();
    assert_eq!(out.decode_path, "reduced-idct-bands");
    assert_eq!((out.width, out.height), (2048, 1365));
    let ours = image::load_from_memory(&out.bytes).unwrap().into_rgb8();
    // The reference: the whole photo decoded at full size and reduced with Lanczos3 at once
    // (jpeg-decoder's whole 1/2 decode, resized, is 3.007 levels from it; the bands 3.006).
    let whole = image::load_from_memory(&input).unwrap().into_rgb8();
    let reference =
        image::imageops::resize(&whole, 2048, 1365, image::imageops::FilterType::Lanczos3);
    let diff: u64 = ours
        .as_raw()
        .iter()
        .zip(reference.as_raw())
        .map(|(a, b)| u64::from(a.abs_diff(*b)))
        .sum();
    let mean = diff as f64 / ours.as_raw().len() as f64;
    assert!(mean < 3.5, "mean error {mean}");
}
