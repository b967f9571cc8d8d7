//! The DC-only decoder against jpeg-decoder's 1/8-scale IDCT (which is the DC term too) over
//! JPEGs of every layout the fast path handles.

use super::*;
use crate::image::synthetic;
use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

#[derive(Clone, Copy)]
struct Layout {
    progressive: bool,
    sampling: SamplingFactor,
    restart: u16,
    gray: bool,
}

fn encode(width: u16, height: u16, layout: Layout) -> Vec<u8> {
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

fn layouts() -> Vec<(&'static str, Layout)> {
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
fn dc_only_matches_the_reference_eighth_scale_decode() {
    for (name, layout) in layouts() {
        let jpeg = encode(203, 131, layout);
        let frame = markers::read_frame(&jpeg).unwrap();
        assert_eq!(frame.progressive, layout.progressive, "{name}");
        let fast = decode(&jpeg, &frame, 8, usize::MAX).unwrap();
        assert_eq!(fast.path, "dc-only", "{name}");
        assert_eq!((fast.width, fast.height), (26, 17), "{name}");
        let reference = scaled::decode(&jpeg, &frame, 8, usize::MAX).unwrap();
        assert_eq!((reference.width, reference.height), (26, 17), "{name}");
        let diff = mean_abs_diff(&fast.rgb, &reference.rgb);
        assert!(diff < 4.0, "{name}: mean difference {diff:.2}");
    }
}

#[test]
fn scaled_decodes_cover_the_target() {
    let jpeg = encode(400, 300, layouts()[0].1);
    let frame = markers::read_frame(&jpeg).unwrap();
    for (target, denominator, size) in [
        ((50, 38), 8, (50, 38)),
        ((100, 75), 4, (100, 75)),
        ((150, 113), 2, (200, 150)),
        ((300, 225), 1, (400, 300)),
    ] {
        assert_eq!(choose_denominator(400, 300, target), denominator);
        let decoded = decode(&jpeg, &frame, denominator, usize::MAX).unwrap();
        assert_eq!((decoded.width, decoded.height), size, "1/{denominator}");
    }
}

#[test]
fn progressive_eighth_scale_needs_no_coefficient_memory() {
    let frame = markers::JpegFrame {
        progressive: true,
        precision: 8,
        width: 5640,
        height: 3172,
        sampling: vec![(2, 1), (1, 1), (1, 1)],
    };
    // The corpus's 17.9 MP elephants: DC-only stays around 2 MB, the IDCT path near 100 MB.
    assert!(decode_memory(&frame, 8) < 3 << 20);
    assert!(decode_memory(&frame, 2) > 80 << 20);
}

#[test]
fn damaged_scans_never_panic() {
    for (_, layout) in layouts() {
        let jpeg = encode(64, 40, layout);
        for cut in (0..jpeg.len()).step_by(7) {
            let mut damaged = jpeg.clone();
            damaged.truncate(cut);
            let _ = dc_only::decode(&damaged);
            if let Some(byte) = damaged.get_mut(cut / 2) {
                *byte ^= 0x5A;
            }
            let _ = dc_only::decode(&damaged);
        }
    }
}
