use super::{encode, EncodeError, Settings};

/// A picture with texture, and with alpha: a transparent band (whose hidden colours libwebp
/// flattens), a translucent ramp and opaque noise.
fn picture(width: u32, height: u32, channels: u8) -> Vec<u8> {
    let mut seed = 0x1234_5678_u32;
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        (seed >> 24) as u8
    };
    let mut out = Vec::new();
    for y in 0..height {
        for x in 0..width {
            let base = [(x * 7 + y) as u8, (y * 5) as u8, ((x ^ y) * 3) as u8];
            out.extend(base.iter().map(|&v| v.wrapping_add(noise() / 8)));
            if channels == 4 {
                out.push(match x * 4 / width {
                    0 => 0,
                    1 => (y * 255 / height) as u8,
                    _ => 255,
                });
            }
        }
    }
    out
}

/// The `webp` crate's encoder (an ARGB picture converted by `WebPEncode`): the reference.
fn through_argb(
    pixels: &[u8],
    channels: u8,
    width: u32,
    height: u32,
    settings: &Settings,
) -> Vec<u8> {
    let encoder = if channels == 4 {
        webp::Encoder::from_rgba(pixels, width, height)
    } else {
        webp::Encoder::from_rgb(pixels, width, height)
    };
    let mut config = webp::WebPConfig::new().unwrap_or_else(|()| unreachable!("config"));
    config.quality = settings.quality;
    config.method = settings.method;
    config.alpha_compression = 1;
    encoder
        .encode_advanced(&config)
        .unwrap_or_else(|e| unreachable!("{e:?}"))
        .to_vec()
}

#[test]
fn yuv_import_gives_the_bytes_of_an_argb_picture() {
    for (width, height) in [(97, 61), (16, 16), (1, 1), (300, 7)] {
        for channels in [3, 4] {
            let pixels = picture(width, height, channels);
            for (quality, method) in [(80.0, 4), (70.0, 4), (90.0, 2)] {
                let settings = Settings { quality, method };
                let ours = encode(&pixels, channels, width, height, &settings);
                let reference = through_argb(&pixels, channels, width, height, &settings);
                assert!(
                    ours.as_deref() == Ok(reference.as_slice()),
                    "{width}x{height}x{channels} q{quality} m{method}"
                );
            }
        }
    }
}

#[test]
fn pixels_that_do_not_match_the_size_are_refused() {
    let settings = Settings {
        quality: 80.0,
        method: 4,
    };
    let pixels = picture(8, 8, 3);
    for (channels, width, height) in [(3, 8, 9), (4, 8, 8), (3, 0, 8), (2, 8, 12), (3, 1 << 31, 1)]
    {
        assert!(
            matches!(
                encode(&pixels, channels, width, height, &settings),
                Err(EncodeError::Invalid(_))
            ),
            "{channels} {width}x{height}"
        );
    }
    let bad = Settings {
        quality: 300.0,
        method: 4,
    };
    assert!(matches!(
        encode(&pixels, 3, 8, 8, &bad),
        Err(EncodeError::Invalid(_))
    ));
}
