use super::*;
use crate::decode::decode;
use crate::geometry::{plan, Geometry};
use crate::probe::probe;
use crate::resize::{resize, Alpha};
use jpeg_encoder::{ColorType, Encoder, SamplingFactor};
use tailor_testing::synthetic;

/// A baseline photo of `width` x `height` (chroma halved both ways, or as `sampling` says),
/// with `icc` embedded when given.
fn photo(width: u16, height: u16, sampling: SamplingFactor, icc: Option<&[u8]>) -> Vec<u8> {
    turned_photo(width, height, sampling, icc, 1)
}

/// [`photo`], tagged with EXIF `orientation` (1 to 8).
fn turned_photo(
    width: u16,
    height: u16,
    sampling: SamplingFactor,
    icc: Option<&[u8]>,
    orientation: u8,
) -> Vec<u8> {
    let picture = synthetic::photo(u32::from(width), u32::from(height), 11);
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, 90);
    encoder.set_sampling_factor(sampling);
    if orientation != 1 {
        // A little-endian TIFF header and one IFD entry: Orientation (0x0112), SHORT, 1.
        let mut exif = b"Exif\0\0II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0".to_vec();
        exif.extend([orientation, 0, 0, 0, 0, 0, 0, 0]);
        encoder
            .add_app_segment(1, &exif)
            .unwrap_or_else(|e| unreachable!("{e}"));
    }
    if let Some(icc) = icc {
        encoder
            .add_icc_profile(icc)
            .unwrap_or_else(|e| unreachable!("{e}"));
    }
    encoder
        .encode(picture.as_raw(), width, height, ColorType::Rgb)
        .unwrap_or_else(|e| unreachable!("{e}"));
    out
}

/// The resize of `input` to `width` from its planes in bands, and from the whole decode.
fn both_ways(input: &[u8], width: u32) -> (Vec<u8>, Vec<u8>, Decoded) {
    let probe = probe(input).unwrap_or_else(|e| unreachable!("{e}"));
    let (upright_width, upright_height) = probe.upright_size();
    let plan = plan(upright_width, upright_height, &Geometry::width(width), 4096);
    let mut original = Original::held(input);
    let mut bands = open_above(&mut original, &probe, (plan.scaled, u64::MAX), 0)
        .unwrap_or_else(|e| unreachable!("{e}"))
        .unwrap_or_else(|| unreachable!("not banded"));
    let banded = bands
        .resize(&plan)
        .unwrap_or_else(|e| unreachable!("{e}"))
        .unwrap_or_default();
    let mut whole = decode(&mut Original::held(input), &probe, plan.scaled, u64::MAX)
        .unwrap_or_else(|e| unreachable!("{e}"));
    let resized = resize(&mut whole, &plan, Alpha::Straight)
        .unwrap_or_else(|e| unreachable!("{e}"))
        .unwrap_or_else(|| whole.pixels.clone());
    (banded, resized, bands.header())
}

/// Tailor's decoder at 1/2 is within a few levels of jpeg-decoder's (float against integer
/// IDCT; `most` apart, as a colour conversion may magnify them); the bands add no error of
/// their own, at any band edge.
fn assert_close(banded: &[u8], whole: &[u8], most: u8, what: &str) {
    assert_eq!(banded.len(), whole.len(), "{what}");
    let apart = banded.iter().zip(whole).map(|(a, b)| a.abs_diff(*b)).max();
    assert!(apart <= Some(most), "{what}: {apart:?}");
    let mean = banded
        .iter()
        .zip(whole)
        .map(|(a, b)| f64::from(a.abs_diff(*b)))
        .sum::<f64>()
        / whole.len() as f64;
    assert!(mean < 0.6, "{what}: mean {mean}");
}

#[test]
fn a_photo_resized_from_its_planes_in_bands_is_the_photo_resized_whole() {
    // 1500 px wide at 1/2 is 750: a band of a 4 MiB slab holds 1864 source rows, so this
    // photo is tall enough for several bands only at a larger size; the layouts and odd sizes
    // are what this checks, the bands themselves the resize's tests.
    for (width, height, sampling) in [
        (1500, 1001, SamplingFactor::R_4_2_0),
        (1203, 777, SamplingFactor::R_4_2_2),
        (999, 1299, SamplingFactor::R_4_4_4),
    ] {
        let input = photo(width, height, sampling, None);
        // Each covered by 1/2, not by 1/4.
        for target in [47, 32, 26].map(|percent| u32::from(width) * percent / 100) {
            let (banded, whole, header) = both_ways(&input, target);
            assert_eq!(header.path, "reduced-idct-bands");
            assert!(!header.icc_converted);
            assert_close(&banded, &whole, 6, &format!("{width}x{height} to {target}"));
        }
    }
}

#[test]
fn a_photo_resized_in_several_bands_is_the_photo_resized_whole() {
    // 1/2 of 6000x2400 is 3000 wide: 466 source rows fill a band's 4 MiB, so the 1200 rows
    // are rendered in three bands for a 2048 px reduction. (The resize's own tests hold each
    // band's edges to the whole resize's samples; this smooth photo would hide a seam.)
    let input = photo(6000, 2400, SamplingFactor::R_4_2_0, None);
    let (banded, whole, _) = both_ways(&input, 2048);
    assert_close(&banded, &whole, 6, "6000x2400 to 2048");
}

#[test]
fn an_icc_profile_is_converted_band_by_band_as_on_the_whole_picture() {
    let p3 = moxcms::ColorProfile::new_display_p3()
        .encode()
        .unwrap_or_else(|e| unreachable!("{e}"));
    let input = photo(1500, 1001, SamplingFactor::R_4_2_0, Some(&p3));
    let (banded, whole, header) = both_ways(&input, 640);
    assert!(header.icc_converted);
    assert_close(&banded, &whole, 12, "Display P3");
    let untagged = photo(1500, 1001, SamplingFactor::R_4_2_0, None);
    let (unconverted, _, _) = both_ways(&untagged, 640);
    let changed = banded
        .iter()
        .zip(&unconverted)
        .filter(|(a, b)| a != b)
        .count();
    assert!(changed > banded.len() / 2, "{changed} of {}", banded.len());
}

#[test]
fn a_turned_photo_is_resized_as_stored_and_placed_upright_band_by_band() {
    // Each orientation's upright output, as the whole decode turned and then resized makes
    // it (the placing of several bands is `turn`'s test), then a photo of three bands at 1/2.
    for orientation in 1..=8 {
        let input = turned_photo(1600, 1000, SamplingFactor::R_4_2_0, None, orientation);
        // Covered by 1/2, not by 1/4: upright, the photo is 1000 or 1600 px wide.
        let width = if orientation >= 5 { 480 } else { 700 };
        let (banded, whole, header) = both_ways(&input, width);
        assert_close(&banded, &whole, 6, &format!("orientation {orientation}"));
        let upright = if orientation >= 5 {
            (500, 800)
        } else {
            (800, 500)
        };
        assert_eq!((header.width, header.height), upright);
    }
    let input = turned_photo(6000, 2400, SamplingFactor::R_4_2_0, None, 6);
    let (banded, whole, _) = both_ways(&input, 1000);
    assert_close(&banded, &whole, 6, "6000x2400 turned by 90 degrees");
}

#[test]
fn small_or_progressive_photos_are_decoded_whole() {
    let small = photo(1500, 1001, SamplingFactor::R_4_2_0, None);
    let probe = probe(&small).unwrap_or_else(|e| unreachable!("{e}"));
    let mut original = Original::held(&small);
    // At the real threshold a 1.5 MP photo is not banded; nor is any photo decoded at 1/4.
    let opened = open(&mut original, &probe, (700, 467), u64::MAX);
    assert!(opened.is_ok_and(|bands| bands.is_none()));
    let quarter = open_above(&mut original, &probe, ((300, 200), u64::MAX), 0);
    assert!(quarter.is_ok_and(|bands| bands.is_none()));
}
