//! EXIF orientations applied to a resize band by band, for pictures whose rows are rendered
//! on request (no whole picture to turn): the plan of the upright picture found in the stored
//! one, and each band of output rows, resized as stored, placed upright in the output.

use super::geometry::Plan;
use image::metadata::Orientation;

/// Where the stored picture's pixel `(x, y)` lands once `orientation` is applied, for a
/// stored picture of `size`; the image crate's `apply_orientation` does the same.
fn upright_of((x, y): (i64, i64), (w, h): (i64, i64), orientation: Orientation) -> (i64, i64) {
    match orientation {
        Orientation::NoTransforms => (x, y),
        Orientation::FlipHorizontal => (w - 1 - x, y),
        Orientation::Rotate180 => (w - 1 - x, h - 1 - y),
        Orientation::FlipVertical => (x, h - 1 - y),
        Orientation::Rotate90 => (h - 1 - y, x),
        Orientation::Rotate270 => (y, w - 1 - x),
        Orientation::Rotate90FlipH => (y, x),
        Orientation::Rotate270FlipH => (h - 1 - y, w - 1 - x),
    }
}

/// Whether `orientation` swaps width and height.
pub(crate) fn sideways(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

/// The orientation that undoes `orientation`.
fn inverse(orientation: Orientation) -> Orientation {
    match orientation {
        Orientation::Rotate90 => Orientation::Rotate270,
        Orientation::Rotate270 => Orientation::Rotate90,
        other => other,
    }
}

/// `(w, h)` as stored, when the upright size is `(w, h)`.
fn swapped_if((w, h): (u32, u32), orientation: Orientation) -> (u32, u32) {
    if sideways(orientation) {
        (h, w)
    } else {
        (w, h)
    }
}

/// `plan` (made on the upright picture) on the picture as stored: its scaled size and crop
/// window, so that the stored picture resized by it and turned by `orientation` is the upright
/// picture resized by `plan`. Canvas and offset stay the upright output's.
pub(crate) fn stored_plan(plan: &Plan, orientation: Orientation) -> Plan {
    let (x, y, w, h) = plan.crop;
    let upright = (i64::from(plan.scaled.0), i64::from(plan.scaled.1));
    let back = inverse(orientation);
    let corners = [
        (i64::from(x), i64::from(y)),
        (
            i64::from(x) + i64::from(w) - 1,
            i64::from(y) + i64::from(h) - 1,
        ),
    ]
    .map(|corner| upright_of(corner, upright, back));
    let [(ax, ay), (bx, by)] = corners;
    let side = |v: i64| u32::try_from(v).unwrap_or(0);
    let crop_size = swapped_if((w, h), orientation);
    Plan {
        scaled: swapped_if(plan.scaled, orientation),
        crop: (side(ax.min(bx)), side(ay.min(by)), crop_size.0, crop_size.1),
        ..*plan
    }
}

/// Places `band`, rows `first..` of an output resized as stored (`stored_size`, `channels`
/// bytes a pixel), into `out`, the upright output, turned by `orientation`. Rows or pixels
/// that would fall outside `out` are left out.
pub(crate) fn place(
    band: &[u8],
    first: u32,
    stored_size: (u32, u32),
    channels: usize,
    orientation: Orientation,
    out: &mut [u8],
) {
    let channels = channels.max(1);
    let (ws, hs) = (i64::from(stored_size.0), i64::from(stored_size.1));
    let upright_width = if sideways(orientation) { hs } else { ws };
    let index = |(u, v): (i64, i64)| v * upright_width + u;
    let row_bytes = (stored_size.0 as usize) * channels;
    for (r, row) in band.chunks_exact(row_bytes.max(1)).enumerate() {
        let y = i64::from(first) + r as i64;
        // Along a stored row the upright position moves by a fixed step.
        let start = index(upright_of((0, y), (ws, hs), orientation));
        let step = index(upright_of((1, y), (ws, hs), orientation)) - start;
        for (x, pixel) in row.chunks_exact(channels).enumerate() {
            let at = (start + step * x as i64) * channels as i64;
            let target = usize::try_from(at)
                .ok()
                .and_then(|at| out.get_mut(at..at + channels));
            if let Some(target) = target {
                target.copy_from_slice(pixel);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{DynamicImage, RgbImage};

    const ALL: [Orientation; 8] = [
        Orientation::NoTransforms,
        Orientation::FlipHorizontal,
        Orientation::Rotate180,
        Orientation::FlipVertical,
        Orientation::Rotate90FlipH,
        Orientation::Rotate90,
        Orientation::Rotate270FlipH,
        Orientation::Rotate270,
    ];

    fn numbered(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([x as u8, y as u8, (x * 7 + y) as u8])
        })
    }

    fn turned(picture: &RgbImage, orientation: Orientation) -> RgbImage {
        let mut image = DynamicImage::ImageRgb8(picture.clone());
        image.apply_orientation(orientation);
        image.into_rgb8()
    }

    #[test]
    fn bands_placed_upright_are_the_picture_turned_whole() {
        let stored = numbered(7, 5);
        for orientation in ALL {
            let expected = turned(&stored, orientation);
            let mut out = vec![0u8; 7 * 5 * 3];
            // Bands of 2 rows, the last one short.
            for (band, rows) in stored.as_raw().chunks(2 * 7 * 3).enumerate() {
                place(rows, 2 * band as u32, (7, 5), 3, orientation, &mut out);
            }
            assert_eq!(out, expected.as_raw().as_slice(), "{orientation:?}");
        }
    }

    #[test]
    fn a_crop_of_the_upright_picture_is_the_turned_crop_of_the_stored_one() {
        let stored = numbered(9, 6);
        for orientation in ALL {
            let upright = turned(&stored, orientation);
            let (uw, uh) = upright.dimensions();
            let plan = Plan {
                scaled: (uw, uh),
                crop: (1, 2, uw - 3, uh - 4),
                canvas: (uw - 3, uh - 4),
                offset: (0, 0),
            };
            let stored_plan = stored_plan(&plan, orientation);
            assert_eq!(stored_plan.scaled, stored.dimensions(), "{orientation:?}");
            let (x, y, w, h) = stored_plan.crop;
            let window = image::imageops::crop_imm(&stored, x, y, w, h).to_image();
            let expected = image::imageops::crop_imm(&upright, 1, 2, uw - 3, uh - 4).to_image();
            assert_eq!(turned(&window, orientation), expected, "{orientation:?}");
        }
    }
}
