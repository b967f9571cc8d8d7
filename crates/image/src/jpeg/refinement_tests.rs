//! Successive-approximation progressive files (libjpeg's default progression: DC and AC
//! first scans at reduced precision, then refinement scans), which the generated test files
//! never contain: made once with libjpeg-turbo's `cjpeg -progressive` from a 256x160 textured
//! picture and kept as fixtures, decoded by Tailor's decoder against jpeg-decoder's.

use super::*;
use structure::read_frame;

const UNLIMITED: DecodeLimits = DecodeLimits {
    max_pixels: u64::MAX,
    max_bytes: u64::MAX,
};

const REFINED_420: &[u8] = include_bytes!("fixtures/refined-420.jpg");
const REFINED_444: &[u8] = include_bytes!("fixtures/refined-444.jpg");

fn mean_abs_diff(a: &[u8], b: &[u8]) -> f64 {
    let total: u64 = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| u64::from(x.abs_diff(y)))
        .sum();
    total as f64 / a.len().max(1) as f64
}

#[test]
fn refinement_scans_decode_like_the_reference_at_every_reduced_scale() {
    for (name, jpeg) in [("4:2:0", REFINED_420), ("4:4:4", REFINED_444)] {
        let frame = read_frame(jpeg).unwrap();
        assert!(frame.progressive, "{name}");
        for denominator in [8, 4, 2] {
            let reference = scaled::decode(jpeg, &frame, denominator, UNLIMITED).unwrap();
            let ours = decoder::decode(jpeg, denominator, UNLIMITED).unwrap();
            let halved = decoder::read_within(jpeg, denominator, UNLIMITED, 0)
                .unwrap()
                .finish()
                .unwrap();
            for (how, image) in [("kept", &ours), ("chroma halved", &halved)] {
                assert_eq!(
                    (image.width, image.height),
                    (reference.width, reference.height)
                );
                let diff = mean_abs_diff(&image.rgb, &reference.rgb);
                assert!(diff < 2.0, "{name} 1/{denominator} {how}: {diff:.2}");
            }
        }
    }
}
