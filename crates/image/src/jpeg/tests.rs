//! The DC-only decoder against jpeg-decoder's 1/8-scale IDCT (which is the DC term too) over
//! JPEGs of every layout the fast path handles.

use super::*;
use structure::read_frame;

const UNLIMITED: DecodeLimits = DecodeLimits {
    max_pixels: u64::MAX,
    max_bytes: u64::MAX,
};
use jpeg_encoder::{ColorType, Encoder, SamplingFactor};
use tailor_testing::synthetic;

#[derive(Clone, Copy)]
pub(super) struct Layout {
    progressive: bool,
    sampling: SamplingFactor,
    restart: u16,
    gray: bool,
}

pub(super) fn encode(width: u16, height: u16, layout: Layout) -> Vec<u8> {
    let photo = synthetic::photo(u32::from(width), u32::from(height), 5);
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, 85);
    encoder.set_progressive(layout.progressive);
    encoder.set_sampling_factor(layout.sampling);
    if layout.restart > 0 {
        encoder.set_restart_interval(layout.restart);
    }
    if layout.gray {
        let luma: Vec<u8> = photo.pixels().map(|p| p.0[1]).collect();
        encoder
            .encode(&luma, width, height, ColorType::Luma)
            .unwrap();
    } else {
        encoder
            .encode(photo.as_raw(), width, height, ColorType::Rgb)
            .unwrap();
    }
    out
}

pub(super) fn layouts() -> Vec<(&'static str, Layout)> {
    let base = Layout {
        progressive: false,
        sampling: SamplingFactor::R_4_2_0,
        restart: 0,
        gray: false,
    };
    vec![
        ("baseline 4:2:0", base),
        (
            "baseline 4:4:4",
            Layout {
                sampling: SamplingFactor::R_4_4_4,
                ..base
            },
        ),
        (
            "baseline 4:2:2 restarts",
            Layout {
                sampling: SamplingFactor::R_4_2_2,
                restart: 3,
                ..base
            },
        ),
        (
            "progressive 4:2:0",
            Layout {
                progressive: true,
                ..base
            },
        ),
        (
            "progressive 4:2:2",
            Layout {
                progressive: true,
                sampling: SamplingFactor::R_4_2_2,
                ..base
            },
        ),
        (
            "progressive 4:4:4",
            Layout {
                progressive: true,
                sampling: SamplingFactor::R_4_4_4,
                ..base
            },
        ),
        (
            "progressive restarts",
            Layout {
                progressive: true,
                restart: 2,
                ..base
            },
        ),
        ("baseline gray", Layout { gray: true, ..base }),
        (
            "progressive gray",
            Layout {
                gray: true,
                progressive: true,
                ..base
            },
        ),
    ]
}

fn mean_abs_diff(a: &[u8], b: &[u8]) -> f64 {
    let total: u64 = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| u64::from(x.abs_diff(y)))
        .sum();
    total as f64 / a.len().max(1) as f64
}

#[test]
fn reduced_scales_match_the_reference_decoder() {
    for (name, layout) in layouts() {
        let jpeg = encode(203, 131, layout);
        let frame = read_frame(&jpeg).unwrap();
        assert_eq!(frame.progressive, layout.progressive, "{name}");
        for denominator in [8, 4, 2] {
            let ours = decoder::decode(&jpeg, denominator, UNLIMITED).unwrap();
            let expected = (203u32.div_ceil(denominator), 131u32.div_ceil(denominator));
            assert_eq!(
                (ours.width, ours.height),
                expected,
                "{name} 1/{denominator}"
            );
            let reference = scaled::decode(&jpeg, &frame, denominator, UNLIMITED).unwrap();
            assert_eq!(
                (reference.width, reference.height),
                expected,
                "{name} 1/{denominator}"
            );
            let diff = mean_abs_diff(&ours.rgb, &reference.rgb);
            assert!(
                diff < 3.0,
                "{name} 1/{denominator}: mean difference {diff:.2}"
            );
            // As a file too large for full chroma: progressive 4:4:4 and 4:2:2 chroma halved.
            let halved = decoder::read_within(&jpeg, denominator, UNLIMITED, 0)
                .unwrap()
                .finish()
                .unwrap();
            let diff = mean_abs_diff(&halved.rgb, &reference.rgb);
            assert!(
                diff < 3.0,
                "{name} 1/{denominator} halved: mean difference {diff:.2}"
            );
        }
    }
}

#[test]
fn each_file_and_scale_goes_to_the_faster_decoder() {
    for (name, layout) in layouts() {
        let jpeg = encode(96, 64, layout);
        let frame = read_frame(&jpeg).unwrap();
        for (denominator, progressive_path, baseline_path) in [
            (8, "dc-only", "dc-only"),
            (4, "reduced-idct", "reduced-idct"),
            (2, "reduced-idct", "jpeg-decoder"),
            (1, "jpeg-decoder", "jpeg-decoder"),
        ] {
            let expected = if layout.progressive {
                progressive_path
            } else {
                baseline_path
            };
            assert_eq!(
                decode(&jpeg, &frame, denominator, UNLIMITED).unwrap().path,
                expected,
                "{name} 1/{denominator}"
            );
        }
    }
}

#[test]
fn scaled_decodes_cover_the_target() {
    let jpeg = encode(400, 300, layouts()[0].1);
    let frame = read_frame(&jpeg).unwrap();
    for (target, denominator, size) in [
        ((50, 38), 8, (50, 38)),
        ((100, 75), 4, (100, 75)),
        ((150, 113), 2, (200, 150)),
        ((300, 225), 1, (400, 300)),
    ] {
        assert_eq!(choose_denominator(400, 300, target), denominator);
        let decoded = decode(&jpeg, &frame, denominator, UNLIMITED).unwrap();
        assert_eq!((decoded.width, decoded.height), size, "1/{denominator}");
    }
}

#[test]
fn reduced_scales_need_a_fraction_of_the_coefficient_memory() {
    let frame = JpegFrame {
        marker: 0xC2,
        progressive: true,
        precision: 8,
        width: 5640,
        height: 3172,
        sampling: vec![(2, 1), (1, 1), (1, 1)],
    };
    // The corpus's 17.9 MP elephants: 1/8 stays under 4 MB and 1/2 under 64 MB, where a
    // decoder that keeps every coefficient (jpeg-decoder, libvips) needs more than 80 MB.
    assert!(
        decode_memory(&frame, 8) < 4 << 20,
        "{}",
        decode_memory(&frame, 8)
    );
    assert!(
        decode_memory(&frame, 2) < 64 << 20,
        "{}",
        decode_memory(&frame, 2)
    );
    assert!(decode_memory(&frame, 1) > 80 << 20);
}

#[test]
fn damaged_scans_never_panic() {
    for (_, layout) in layouts() {
        let jpeg = encode(64, 40, layout);
        for cut in (0..jpeg.len()).step_by(7) {
            let mut damaged = jpeg.clone();
            damaged.truncate(cut);
            for denominator in [2, 4, 8] {
                let _ = decoder::decode(&damaged, denominator, UNLIMITED);
            }
            if let Some(byte) = damaged.get_mut(cut / 2) {
                *byte ^= 0x5A;
            }
            for denominator in [2, 4, 8] {
                let _ = decoder::decode(&damaged, denominator, UNLIMITED);
            }
        }
    }
}

#[test]
fn a_released_original_decodes_to_the_same_pixels_and_is_freed() {
    for (name, layout) in layouts() {
        let jpeg = encode(203, 131, layout);
        let frame = read_frame(&jpeg).unwrap();
        for denominator in [8, 4, 2, 1] {
            let held = decode(&jpeg, &frame, denominator, UNLIMITED).unwrap();
            let owned = std::borrow::Cow::Owned(jpeg.clone());
            let mut original = Original::new(owned, true);
            let released = decode_original(&mut original, &frame, denominator, UNLIMITED).unwrap();
            assert_eq!(released, held, "{name} at 1/{denominator}");
            // Tailor's decoder lets it go; the general decoder (1/1 here) reads to the end.
            let freed = original.bytes().is_empty();
            assert_eq!(
                freed,
                held.path != "jpeg-decoder",
                "{name} at 1/{denominator}"
            );
        }
    }
}

#[test]
fn a_decode_over_the_budget_goes_one_scale_smaller_and_no_further() {
    // 8000x5000 progressive, chroma not subsampled, for a 2048-wide `full`: 1/2 covers it.
    let frame = JpegFrame {
        marker: 0xC2,
        progressive: true,
        precision: 8,
        width: 8000,
        height: 5000,
        sampling: vec![(1, 1); 3],
    };
    let target = (2048, 1280);
    let (half, quarter) = (decode_memory(&frame, 2), decode_memory(&frame, 4));
    assert!(quarter < half);
    assert_eq!(choose_scale(&frame, target, half).ok(), Some(2));
    assert_eq!(choose_scale(&frame, target, half - 1).ok(), Some(4));
    // Not two steps (1/8 would be a quarter of the target's width): refused, naming the need.
    match choose_scale(&frame, target, quarter - 1) {
        Err(ImageError::TooLarge(why)) => assert!(why.contains("8000x5000"), "{why}"),
        other => panic!("{other:?}"),
    }
}
