use super::*;

/// A `width` x `height` gradient, with alpha rising left to right when `alpha` (never 0: the
/// encoder may drop the colour of fully transparent pixels).
fn picture(width: u32, height: u32, alpha: bool) -> Vec<u8> {
    let mut rgba = Vec::new();
    for y in 0..height {
        for x in 0..width {
            let a = if alpha {
                (1 + 254 * x / width.max(1)) as u8
            } else {
                255
            };
            rgba.extend_from_slice(&[(x % 256) as u8, (y % 256) as u8, 128, a]);
        }
    }
    rgba
}

fn encode(width: u32, height: u32, alpha: bool, lossless: bool) -> Vec<u8> {
    let rgba = picture(width, height, alpha);
    let encoder = webp::Encoder::from_rgba(&rgba, width, height);
    let encoded = if lossless {
        encoder.encode_lossless()
    } else {
        encoder.encode(90.0)
    };
    encoded.to_vec()
}

#[test]
fn features_name_size_alpha_and_coding() {
    let lossy = features(&encode(64, 40, false, false)).map_err(|e| e.to_string());
    assert_eq!(
        lossy,
        Ok(Features {
            width: 64,
            height: 40,
            has_alpha: false,
            animated: false,
            coding: Some(Coding::Lossy),
        })
    );
    let lossless = features(&encode(30, 20, true, true)).map_err(|e| e.to_string());
    assert_eq!(
        lossless.map(|f| (f.has_alpha, f.coding)),
        Ok((true, Some(Coding::Lossless)))
    );
}

#[test]
fn scaled_decode_averages_to_the_requested_size() {
    for (alpha, lossless) in [(false, false), (true, false), (false, true), (true, true)] {
        let data = encode(200, 100, alpha, lossless);
        let found = features(&data).map_err(|e| e.to_string());
        let Ok(found) = found else {
            unreachable!("{found:?}")
        };
        let channels = if alpha { 4 } else { 3 };
        let pixels = decode_scaled(&data, &found, (50, 25), channels);
        let Ok(pixels) = pixels else {
            unreachable!("{pixels:?}")
        };
        assert_eq!(pixels.len(), 50 * 25 * usize::from(channels));
        // Green follows the row: the 25 output rows average the source's rows 4 at a time.
        let green = |row: usize| {
            pixels
                .get((row * 50 + 40) * usize::from(channels) + 1)
                .copied()
        };
        let (top, bottom) = (green(0).unwrap_or(0), green(24).unwrap_or(0));
        assert!(
            top < 10 && bottom > 90,
            "rows {top}..{bottom} ({alpha}, {lossless})"
        );
        if alpha {
            // Alpha rises from nearly transparent on the left to opaque on the right.
            let a = |x: usize| pixels.get(x * 4 + 3).copied().unwrap_or(0);
            assert!(a(0) < 20 && a(49) > 230, "alpha {}..{}", a(0), a(49));
        }
    }
}

#[test]
fn full_size_lossless_decode_is_exact() {
    // Opaque: the encoder may change the colour under translucent pixels.
    let data = encode(33, 17, false, true);
    let Ok(found) = features(&data) else {
        unreachable!()
    };
    assert_eq!(
        decode_scaled(&data, &found, (33, 17), 4),
        Ok(picture(33, 17, false))
    );
}

#[test]
fn damaged_truncated_and_foreign_inputs_are_errors() {
    let data = encode(120, 80, false, false);
    let Ok(found) = features(&data) else {
        unreachable!()
    };
    for cut in [0, 12, 30, data.len() / 2, data.len() - 1] {
        let short = data.get(..cut).unwrap_or_default();
        assert!(
            decode_scaled(short, &found, (60, 40), 3).is_err(),
            "cut at {cut}"
        );
    }
    let mut damaged = data.clone();
    for byte in damaged.iter_mut().skip(40).step_by(7) {
        *byte ^= 0x5a;
    }
    // Damage past the header may decode to noise or fail; it must not do anything else.
    let _ = decode_scaled(&damaged, &found, (60, 40), 3);
    assert!(features(b"GIF89a\x01\x00\x01\x00").is_err());
    assert!(features(&[]).is_err());
}

#[test]
fn sizes_outside_the_picture_are_refused_before_libwebp() {
    let data = encode(20, 10, false, false);
    let Ok(found) = features(&data) else {
        unreachable!()
    };
    assert!(decode_scaled(&data, &found, (0, 5), 3).is_err());
    assert!(decode_scaled(&data, &found, (21, 10), 3).is_err());
    assert!(decode_scaled(&data, &found, (10, 11), 3).is_err());
}

#[test]
fn heap_bound_grows_with_what_libwebp_holds_whole() {
    let lossy = Features {
        width: 8000,
        height: 6000,
        has_alpha: false,
        animated: false,
        coding: Some(Coding::Lossy),
    };
    let rows_only = heap_bytes(&lossy, (1000, 750)).unwrap_or(u64::MAX);
    assert!(rows_only < 4 << 20, "{rows_only}");
    let with_alpha = Features {
        has_alpha: true,
        ..lossy
    };
    assert!(heap_bytes(&with_alpha, (1000, 750)).unwrap_or(0) > 48_000_000 * 7);
    let lossless = Features {
        coding: Some(Coding::Lossless),
        ..lossy
    };
    assert!(heap_bytes(&lossless, (1000, 750)).unwrap_or(0) > 48_000_000 * 4);
}
