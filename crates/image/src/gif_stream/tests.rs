use super::super::budget::DecodeLimits;
use super::decode;
use std::borrow::Cow;

const LIMITS: DecodeLimits = DecodeLimits {
    max_pixels: 1 << 30,
    max_bytes: 1 << 30,
};

/// Limits of `max_pixels` pixels and ample memory.
fn pixels_at_most(max_pixels: u64) -> DecodeLimits {
    DecodeLimits {
        max_pixels,
        ..LIMITS
    }
}

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
    assert!(shrunk.pixels == whole_shrunk(&file, (64, 48), 4));
}

/// The whole decode of `file`, `width` wide, through the rows path's box shrink: the
/// reference for a reduced decode.
fn whole_shrunk(file: &[u8], (width, height): (u32, u32), factor: u32) -> Vec<u8> {
    let mut shrink =
        super::BoxShrink::new(width, height, factor, super::RowLayout::Rgba, 1 << 30).unwrap();
    for row in whole(file).chunks_exact(width as usize * 4) {
        shrink.push_row(row).unwrap();
    }
    shrink.finish().unwrap().pixels
}

/// Reduced, an interlaced frame gives the bytes of its whole decode reduced, where the blocks
/// at the edges are partial, the frame lies at an offset or reaches past the screen, and
/// passes are empty (frames under 8 rows).
#[test]
fn an_interlaced_frame_shrinks_to_the_bytes_of_its_whole_decode() {
    let cases = [
        ((64, 48), (0, 0, 64, 48)),
        ((37, 23), (3, 2, 30, 19)),
        ((40, 30), (30, 25, 20, 12)),
        ((16, 9), (0, 0, 16, 3)),
        ((40, 30), (45, 0, 4, 4)),
    ];
    for (canvas, frame) in cases {
        let size = (u32::from(canvas.0), u32::from(canvas.1));
        let file = gif(canvas, frame, true);
        for factor in [2, 3, 8] {
            let Ok(Some((shrunk, path))) = decode(&file, size, factor, LIMITS) else {
                unreachable!("{canvas:?} {frame:?} at {factor} did not decode");
            };
            assert_eq!(path, "gif-interlaced-shrunk");
            let reference = whole_shrunk(&file, size, factor);
            assert!(
                shrunk.pixels == reference,
                "{canvas:?} {frame:?} at {factor}"
            );
        }
    }
}

/// At full size, or when the reduced picture's sums (16 bytes a reduced pixel) do not fit the
/// budget, an interlaced frame is left to the whole decode and its own estimate.
#[test]
fn an_interlaced_frame_at_full_size_or_over_the_sums_budget_is_left_to_the_whole_decode() {
    let file = gif((16, 16), (0, 0, 16, 16), true);
    assert!(matches!(decode(&file, (16, 16), 1, LIMITS), Ok(None)));
    // 1024² at 1/2: 5.2 MB of sums; the rows' own plan (2.3 MB) fits 3 MB.
    let large = gif((1024, 1024), (0, 0, 1024, 1024), true);
    let three_mb = DecodeLimits {
        max_pixels: 1 << 30,
        max_bytes: 3 << 20,
    };
    assert!(matches!(
        decode(&large, (1024, 1024), 2, three_mb),
        Ok(None)
    ));
    assert!(matches!(
        decode(&large, (1024, 1024), 2, LIMITS),
        Ok(Some(_))
    ));
}

#[test]
fn a_truncated_interlaced_gif_is_undecodable_and_its_rows_below_the_screen_are_counted() {
    let file = gif((64, 64), (0, 0, 64, 64), true);
    for cut in [file.len() / 2, file.len() - 40] {
        let result = decode(file.get(..cut).unwrap_or_default(), (64, 64), 2, LIMITS);
        assert!(result.is_err(), "cut at {cut}");
    }
    // 10 of the frame's 40 rows are on the screen; all 40 are decoded, so all are counted.
    let tall = gif((10, 10), (0, 0, 10, 40), true);
    let limits = pixels_at_most(399);
    assert!(matches!(
        decode(&tall, (10, 10), 2, limits),
        Err(super::ImageError::TooLarge(_))
    ));
    assert!(decode(&tall, (10, 10), 2, LIMITS).is_ok());
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
    let few_pixels = pixels_at_most(64 * 63);
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
    let limits = pixels_at_most(1000);
    assert!(matches!(
        decode(&file, (10, 10), 1, limits),
        Err(super::ImageError::TooLarge(_))
    ));
    assert!(decode(&file, (10, 10), 1, LIMITS).is_ok());
}
