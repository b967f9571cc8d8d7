use super::*;

/// A picture with every byte value in every channel, from a fixed xorshift sequence.
fn noise(len: usize) -> Vec<u8> {
    let mut seed = 0x9e37_79b9_u32;
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            (seed >> 11) as u8
        })
        .collect()
}

/// What Tailor encoded before the rows were fed by hand: jpeg-encoder's own RGB path, on the
/// whole picture flattened first with the same rounding.
fn through_whole_rgb(rgb: &[u8], (w, h): (u16, u16), quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    encoder
        .encode(rgb, w, h, jpeg_encoder::ColorType::Rgb)
        .unwrap_or_else(|e| unreachable!("{e}"));
    out
}

#[test]
fn rgb_rows_give_jpeg_encoders_own_bytes() {
    // Odd sizes: partial MCUs on both axes, which the encoder pads from the last row and column.
    // Even widths that end inside an MCU too: the padding repeats the last column's chroma,
    // which sits at an odd position there.
    for (w, h) in [
        (1u16, 1u16),
        (2, 2),
        (17, 9),
        (18, 10),
        (30, 17),
        (32, 33),
        (64, 48),
        (101, 37),
    ] {
        let rgb = noise(usize::from(w) * usize::from(h) * 3);
        for quality in [30, 80, 95] {
            let ours = encode_jpeg(&rgb, 3, (w.into(), h.into()), quality, [255; 3]);
            assert_eq!(
                ours.ok(),
                Some(through_whole_rgb(&rgb, (w, h), quality)),
                "{w}x{h} q{quality}"
            );
        }
    }
}

/// The whole picture flattened as Tailor did before the rows were fed by hand: the reference
/// the per-pixel compositing is held to.
fn flatten(rgba: &[u8], background: [u8; 3]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rgba.len() / 4 * 3);
    for px in rgba.chunks_exact(4) {
        if let [r, g, b, a] = *px {
            let a = u16::from(a);
            for (c, bg) in [r, g, b].into_iter().zip(background) {
                out.push(((u16::from(c) * a + u16::from(bg) * (255 - a) + 127) / 255) as u8);
            }
        }
    }
    out
}

#[test]
fn rgba_composited_row_by_row_gives_the_bytes_of_the_flattened_picture() {
    for (w, h) in [(45u16, 23u16), (46, 18)] {
        let rgba = noise(usize::from(w) * usize::from(h) * 4);
        for background in [[255, 255, 255], [0, 0, 0], [12, 200, 99]] {
            let flattened = flatten(&rgba, background);
            let ours = encode_jpeg(&rgba, 4, (w.into(), h.into()), 85, background);
            assert_eq!(ours.ok(), Some(through_whole_rgb(&flattened, (w, h), 85)));
        }
    }
}

#[test]
fn luma_alone_is_jpeg_encoders_luma() {
    for r in (0..=255u8).step_by(3) {
        for g in 0..=255u8 {
            for b in (0..=255u8).step_by(5) {
                assert_eq!(luma_of(r, g, b), rgb_to_ycbcr(r, g, b).0, "{r} {g} {b}");
            }
        }
    }
}

#[test]
fn flattening_follows_alpha() {
    let white = [255, 255, 255];
    assert_eq!(composite([10, 20, 30], 255, white), (10, 20, 30));
    assert_eq!(composite([10, 20, 30], 0, white), (255, 255, 255));
    assert_eq!(composite([0, 0, 0], 128, white), (127, 127, 127));
}

#[test]
fn sides_past_jpegs_limit_are_refused_not_truncated() {
    let too_wide = encode_jpeg(&[], 3, (70_000, 1), 80, [255; 3]);
    assert!(matches!(too_wide, Err(ImageError::TooLarge(_))));
}
