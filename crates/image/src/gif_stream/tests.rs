use super::super::budget::DecodeLimits;
use super::decode;
use std::borrow::Cow;

const LIMITS: DecodeLimits = DecodeLimits {
    max_pixels: 1 << 30,
    max_bytes: 1 << 30,
};

/// A 256-colour GIF of `canvas` whose one frame covers `frame` (left, top, width, height),
/// index 7 transparent; the frame's pixels are a pattern of every index.
fn gif(canvas: (u16, u16), frame: (u16, u16, u16, u16), interlaced: bool) -> Vec<u8> {
    let palette: Vec<u8> = (0..=255u8).flat_map(|i| [i, 255 - i, i / 2]).collect();
    let (left, top, width, height) = frame;
    let indices: Vec<u8> = (0..u32::from(height))
        .flat_map(|y| (0..u32::from(width)).map(move |x| ((x * 7 + y * 13) % 256) as u8))
        .collect();
    let mut out = Vec::new();
    {
        let mut encoder = gif::Encoder::new(&mut out, canvas.0, canvas.1, &palette).unwrap();
        let frame = gif::Frame {
            left,
            top,
            width,
            height,
            interlaced,
            transparent: Some(7),
            buffer: Cow::Owned(indices),
            ..gif::Frame::default()
        };
        encoder.write_frame(&frame).unwrap();
    }
    out
}

/// What the `image` crate's whole decode makes of the first frame: the reference.
fn whole(gif: &[u8]) -> Vec<u8> {
    image::load_from_memory_with_format(gif, image::ImageFormat::Gif)
        .unwrap()
        .into_rgba8()
        .into_raw()
}

#[test]
fn rows_at_full_size_equal_the_whole_decode_wherever_the_frame_lies() {
    let canvas = (40, 30);
    for frame in [
        (0, 0, 40, 30),
        (5, 3, 20, 10),
        (30, 25, 10, 5),
        (35, 0, 20, 40),
        (45, 0, 4, 4),
    ] {
        let file = gif(canvas, frame, false);
        let Ok(Some((rows, path))) = decode(&file, (40, 30), 1, LIMITS) else {
            unreachable!("{frame:?} did not decode");
        };
        assert_eq!(path, "gif-rows");
        assert_eq!((rows.width, rows.height, rows.channels), (40, 30, 4));
        assert!(rows.pixels == whole(&file), "{frame:?}");
    }
}

#[test]
fn a_shrunk_gif_averages_its_blocks() {
    let file = gif((64, 48), (0, 0, 64, 48), false);
    let Ok(Some((shrunk, path))) = decode(&file, (64, 48), 4, LIMITS) else {
        unreachable!("did not decode");
    };
    assert_eq!(path, "gif-rows-shrunk");
    assert_eq!((shrunk.width, shrunk.height), (16, 12));
    // The shrink of the whole decode, through the PNG rows path's own shrink.
    let mut reference = super::BoxShrink::new(64, 48, 4, super::RowLayout::Rgba, 1 << 30).unwrap();
    for row in whole(&file).chunks_exact(64 * 4) {
        reference.push_row(row).unwrap();
    }
    assert!(shrunk.pixels == reference.finish().unwrap().pixels);
}

#[test]
fn an_interlaced_first_frame_is_left_to_the_whole_decode() {
    let file = gif((16, 16), (0, 0, 16, 16), true);
    assert!(matches!(decode(&file, (16, 16), 2, LIMITS), Ok(None)));
}

#[test]
fn truncated_mismatched_and_over_budget_gifs_are_refused() {
    let file = gif((64, 64), (0, 0, 64, 64), false);
    // Cuts in the header and in the pixel data (a GIF cut only in its trailer has every pixel).
    for cut in [10, file.len() / 2, file.len() - 40] {
        let result = decode(file.get(..cut).unwrap_or_default(), (64, 64), 2, LIMITS);
        assert!(result.is_err(), "cut at {cut}");
    }
    assert!(decode(&file, (64, 65), 2, LIMITS).is_err());
    let tight = DecodeLimits {
        max_pixels: 1 << 30,
        max_bytes: 1000,
    };
    assert!(decode(&file, (64, 64), 2, tight).is_err());
    let few_pixels = DecodeLimits {
        max_pixels: 64 * 63,
        max_bytes: 1 << 30,
    };
    assert!(decode(&file, (64, 64), 2, few_pixels).is_err());
}

/// A GIF of `canvas` with a 2-colour palette (red, blue) and min code size 2, so indices 2
/// and 3 name no colour; one frame of `frame` (left, top, width, height) and `indices`.
fn gif_with(canvas: (u16, u16), frame: (u16, u16, u16, u16), indices: Vec<u8>) -> Vec<u8> {
    let palette = [255, 0, 0, 0, 0, 255];
    let mut out = Vec::new();
    {
        let mut encoder = gif::Encoder::new(&mut out, canvas.0, canvas.1, &palette).unwrap();
        let frame = gif::Frame {
            left: frame.0,
            top: frame.1,
            width: frame.2,
            height: frame.3,
            buffer: Cow::Owned(indices),
            ..gif::Frame::default()
        };
        encoder.write_frame(&frame).unwrap();
    }
    out
}

#[test]
fn indices_past_the_palette_are_transparent_as_in_the_whole_decode() {
    let file = gif_with((2, 2), (0, 0, 2, 2), vec![0, 1, 0, 3]);
    let Ok(Some((rows, _))) = decode(&file, (2, 2), 1, LIMITS) else {
        unreachable!("did not decode");
    };
    let reference = whole(&file);
    assert_eq!(reference.get(12..16), Some(&[0, 0, 0, 0][..]));
    assert!(rows.pixels == reference);
}

#[test]
fn a_frame_reaching_far_past_the_screen_is_held_to_the_pixel_limit() {
    let file = gif_with((10, 10), (0, 0, 1000, 10), vec![1; 10_000]);
    let limits = DecodeLimits {
        max_pixels: 1000,
        max_bytes: 1 << 30,
    };
    assert!(matches!(
        decode(&file, (10, 10), 1, limits),
        Err(super::ImageError::TooLarge(_))
    ));
    assert!(decode(&file, (10, 10), 1, LIMITS).is_ok());
}
