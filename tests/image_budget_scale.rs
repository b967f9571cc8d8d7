//! A JPEG whose sharpest shrink-on-load decode would not fit the decode budget is decoded one
//! scale smaller and enlarged the rest of the way, instead of refused.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::jobs::run;
use support::large_jpeg::forty_megapixels;

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
