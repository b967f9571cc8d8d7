use super::*;

/// fast_image_resize 6.1.0 sized its temporary image from the first and last coefficient
/// bounds; an upscale whose last pixel lands on a source pixel has a one-pixel last bound,
/// and the horizontal pass read past every row (found by the image fuzz target; the fix is
/// vendored: vendor/fast_image_resize/PATCHED.md). Debug builds check the unchecked reads.
#[test]
fn an_upscaled_crop_whose_last_pixel_lands_on_a_source_pixel_reads_within_the_image() {
    let (w, h) = (40u32, 32u32);
    let src_buf = vec![100u8; (w * h * 3) as usize];
    let src = fir::images::TypedImageRef::<fir::pixels::U8x3>::from_buffer(w, h, &src_buf)
        .unwrap_or_else(|e| unreachable!("{e}"));
    let mut out = vec![0u8; 64 * 224 * 3];
    let mut dst = fir::images::TypedImage::<fir::pixels::U8x3>::from_buffer(64, 224, &mut out)
        .unwrap_or_else(|e| unreachable!("{e}"));
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::CatmullRom))
        .crop(7.428571428571428, 0.0, 9.142857142857142, 32.0);
    let resized = fir::Resizer::new().resize_typed(&src, &mut dst, &options);
    assert!(resized.is_ok());
    assert!(out.iter().all(|&v| v == 100), "a flat picture stays flat");
}

/// RGBA premultiplied in place and resized without fast_image_resize's own premultiplied
/// copy gives the bytes its copy gives: reductions, enlargements, crops of fractional and
/// whole windows, odd widths (the SIMD rows' remainders), and every alpha value.
#[test]
fn premultiplying_in_place_resizes_to_the_same_bytes_as_a_premultiplied_copy() {
    let (w, h) = (37u32, 23u32);
    let straight = noise(w, h, 4, 0x2545_f491);
    let mut premultiplied = Decoded {
        pixels: straight.pixels.clone(),
        ..straight
    };
    premultiply(&mut premultiplied).unwrap_or_else(|e| unreachable!("{e}"));
    let plans = [
        ((11, 7), (0, 0, 11, 7)),
        ((80, 50), (0, 0, 80, 50)),
        ((30, 19), (3, 2, 17, 13)),
        ((37, 12), (0, 0, 37, 12)),
    ];
    for (scaled, crop) in plans {
        let plan = Plan {
            scaled,
            crop,
            canvas: (crop.2, crop.3),
            offset: (0, 0),
        };
        let expected = resize(&mut copy(&straight), &plan, Alpha::Straight);
        let actual = resize(&mut copy(&premultiplied), &plan, Alpha::Premultiplied);
        assert!(resamples(&straight, &plan), "{plan:?}");
        assert_eq!(expected.ok(), actual.ok(), "{plan:?}");
    }
    // A window copied as it is is not resampled, so it must not be made premultiplied.
    let copy = Plan {
        scaled: (w, h),
        crop: (5, 4, 9, 11),
        canvas: (9, 11),
        offset: (0, 0),
    };
    assert!(!resamples(&straight, &copy));
}

#[test]
fn the_filter_follows_the_reduction() {
    assert_eq!(filter_for(0.5), fir::FilterType::CatmullRom);
    assert_eq!(filter_for(1.28), fir::FilterType::Lanczos3);
    assert_eq!(filter_for(3.0), fir::FilterType::CatmullRom);
    assert_eq!(filter_for(10.0), fir::FilterType::Box);
}

/// A noisy picture of `channels` channels, the same for the same seed.
fn noise(width: u32, height: u32, channels: u8, mut seed: u32) -> Decoded {
    let pixels = (0..width * height * u32::from(channels))
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            (seed >> 7) as u8
        })
        .collect();
    Decoded {
        pixels,
        channels,
        width,
        height,
        path: "test",
        icc_converted: false,
    }
}

/// Reduced in bands of one row, of seven rows and in one call, every sample is the same or
/// one level apart: every reducing filter (Lanczos3, Catmull-Rom, box), whole and fractional
/// windows, RGB and RGBA (premultiplied, compared before alpha is divided back out, which
/// magnifies a level of a nearly transparent pixel). Each band reads the source rows the whole
/// resize reads for its rows and weighs them alike; only fast_image_resize's fixed point may
/// differ, as its precision follows the largest weight of the rows resized together.
#[test]
fn a_resize_in_bands_of_rows_gives_the_samples_of_one_resize() {
    let windows: [(Window, (u32, u32)); 8] = [
        ((0.0, 0.0, 97.0, 61.0), (96, 60)),
        ((0.0, 0.0, 97.0, 61.0), (64, 40)),
        ((0.0, 0.0, 97.0, 61.0), (50, 31)),
        ((0.0, 0.0, 97.0, 61.0), (40, 25)),
        ((0.0, 0.0, 97.0, 61.0), (11, 7)),
        ((3.4, 5.7, 80.2, 44.9), (33, 19)),
        ((10.0, 2.0, 60.0, 57.0), (60, 13)),
        ((0.5, 0.25, 96.5, 60.75), (75, 47)),
    ];
    let mut identical = 0;
    for channels in [3u8, 4] {
        let picture = noise(97, 61, channels, 0x2545_f491 + u32::from(channels));
        for (window, (out_w, out_h)) in windows {
            let filter = filter_for((window.2 / f64::from(out_w)).max(window.3 / f64::from(out_h)));
            let options = fir::ResizeOptions::new()
                .resize_alg(fir::ResizeAlg::Convolution(filter))
                .use_alpha(false);
            let resized = |rows_per_band: u32| {
                let mut out = vec![0u8; (out_w * out_h * u32::from(channels)) as usize];
                let bands = Bands {
                    out_size: (out_w, out_h),
                    rows_per_band,
                    orientation: Orientation::NoTransforms,
                };
                let done = if channels == 4 {
                    resize_in_bands::<fir::pixels::U8x4>(
                        &mut copy(&picture),
                        window,
                        bands,
                        &mut out,
                        &options,
                        false,
                    )
                } else {
                    resize_in_bands::<fir::pixels::U8x3>(
                        &mut copy(&picture),
                        window,
                        bands,
                        &mut out,
                        &options,
                        false,
                    )
                };
                done.unwrap_or_else(|e| unreachable!("{e}"));
                out
            };
            let whole = resized(out_h);
            for rows in [1, 7] {
                let banded = resized(rows);
                let apart = banded.iter().zip(&whole).map(|(a, b)| a.abs_diff(*b)).max();
                assert!(
                    apart <= Some(1),
                    "{channels} channels, {window:?} to {out_w}x{out_h} in bands of {rows}: {apart:?}"
                );
                identical += usize::from(banded == whole);
            }
        }
    }
    // Most are the very bytes (a difference needs a band whose largest weight is a precision
    // step below the whole's).
    assert!(identical >= 24, "{identical} of 32 identical");
}

#[test]
fn bands_hold_at_most_their_bytes_of_temporary_rows() {
    // A 4000 px wide window of RGB: 349 rows of 12,000 bytes within 4 MiB.
    assert_eq!(band_rows(4000.0, 1600, 3), 349);
    // Never more rows than the output has, never fewer than one.
    assert_eq!(band_rows(100.0, 50, 3), 50);
    assert_eq!(band_rows(1.0e9, 50, 4), 1);
}

/// `picture` again, for a resize that takes its source mutably.
fn copy(picture: &Decoded) -> Decoded {
    Decoded {
        pixels: picture.pixels.clone(),
        ..*picture
    }
}

/// A picture whose rows are copied out on request, as a decoder's planes render them; it
/// records the most rows it was asked for at once.
struct Rendered {
    picture: Decoded,
    band: Vec<u8>,
    most_rows: u32,
}

impl SourceRows for Rendered {
    fn shape(&self) -> (u32, u32, u8) {
        self.picture.shape()
    }

    fn rows(&mut self, first: u32, last: u32) -> (u32, &[u8]) {
        let row = (self.picture.width * u32::from(self.picture.channels)) as usize;
        let last = last.min(self.picture.height);
        self.most_rows = self.most_rows.max(last - first);
        self.band.clear();
        self.band
            .extend_from_slice(&self.picture.pixels[first as usize * row..last as usize * row]);
        (first, &self.band)
    }

    fn renders(&self) -> bool {
        true
    }
}

#[test]
fn a_source_rendering_its_rows_gives_the_resize_of_the_whole_picture() {
    let plans = [
        ((300, 200), (0, 0, 300, 200)),
        ((150, 100), (0, 0, 150, 100)),
        ((71, 47), (0, 0, 71, 47)),
        ((240, 160), (13, 21, 200, 120)),
        ((400, 267), (0, 0, 400, 267)),
    ];
    for (scaled, crop) in plans {
        let plan = Plan {
            scaled,
            crop,
            canvas: (crop.2, crop.3),
            offset: (0, 0),
        };
        let picture = noise(400, 267, 3, 0x9e37_79b9);
        let whole = resize(&mut copy(&picture), &plan, Alpha::Straight).unwrap();
        let mut rendered = Rendered {
            picture,
            band: Vec::new(),
            most_rows: 0,
        };
        let banded = resize(&mut rendered, &plan, Alpha::Straight).unwrap();
        // Copied even when nothing is resized: the source's rows are not kept.
        let whole = whole.unwrap_or_else(|| rendered.picture.pixels.clone());
        let banded = banded.unwrap_or_default();
        assert_eq!(banded.len(), whole.len(), "{plan:?}");
        let apart = banded.iter().zip(&whole).map(|(a, b)| a.abs_diff(*b)).max();
        assert!(apart <= Some(1), "{plan:?}: {apart:?}");
        assert!(rendered.most_rows <= 267, "{plan:?}");
    }
}

#[test]
fn rendered_bands_hold_their_source_rows_to_the_band_bytes() {
    // A 4000 x 3125 picture (a 50 MP photo at 1/2) to 2048 x 1600: each band asks for at
    // most a third of 4 MiB of source rows.
    let picture = Decoded {
        pixels: vec![0; 4000 * 3125 * 3],
        channels: 3,
        width: 4000,
        height: 3125,
        path: "test",
        icc_converted: false,
    };
    let mut rendered = Rendered {
        picture,
        band: Vec::new(),
        most_rows: 0,
    };
    let plan = Plan {
        scaled: (2048, 1600),
        crop: (0, 0, 2048, 1600),
        canvas: (2048, 1600),
        offset: (0, 0),
    };
    resize(&mut rendered, &plan, Alpha::Straight).unwrap();
    let most_bytes = u64::from(rendered.most_rows) * 4000 * 3;
    assert!(most_bytes <= BAND_BYTES / 3, "{most_bytes}");
    assert!(rendered.most_rows > 50, "{}", rendered.most_rows);
}
