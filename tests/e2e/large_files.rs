//! Originals at the default byte limit (50 MiB): files of about 50 MB are read whole into the
//! instance (on workerd 1 MiB at a time, so the isolate never holds the body twice), decoded
//! within the decode budget and served in every variant; one byte past the limit is a `413`
//! before the body is read.

use super::large_images::input_bytes;
use super::{check, expect_json_error, expect_status};
use crate::support::client::{get, DEBUG};
use crate::support::large_files::INPUT_LIMIT;
use crate::support::viceroy::{Harness, Runtime};
use libtest_mimic::Failed;

pub(crate) fn fifty_megabyte_originals_are_served_in_every_variant(
    h: &Harness,
) -> Result<(), Failed> {
    for (file, format) in [("fifty-mb.png", "png"), ("fifty-mb.jpg", "jpeg")] {
        for (variant, width) in [("thumbnail", 150), ("preview", 500), ("full", 2048)] {
            for out in ["jpeg", "webp"] {
                let url = h.url(&format!("/img/{variant}/photos/{file}?format={out}"));
                let response = get(&url, &[DEBUG]);
                expect_status(&response, 200)?;
                let info = response.header("x-tailor-image").unwrap_or("").to_string();
                let input = input_bytes(&info, format);
                check(input > 49_000_000 && input <= INPUT_LIMIT as u64, || {
                    format!("{file} {variant} {out}: {info}")
                })?;
                let img = image::load_from_memory(&response.body)?.into_rgb8();
                check(img.width() == width, || {
                    format!("{file} {variant} {out}: {:?}", img.dimensions())
                })?;
                // Red rises along x under the noise: compare the edges' column means.
                let column_red = |x: u32| {
                    let sum: u32 = (0..img.height())
                        .map(|y| u32::from(img.get_pixel(x, y).0[0]))
                        .sum();
                    sum / img.height()
                };
                let (left, right) = (column_red(1), column_red(width - 2));
                check(right > left + 120, || {
                    format!("{file} {variant} {out}: red {left} .. {right}")
                })?;
                // Each Viceroy request is a fresh instance: the file, the decode and the
                // encoder stay well under the 128 MB heap.
                if h.runtime == Runtime::Viceroy {
                    let peak = response.memory_peak().unwrap_or(u64::MAX);
                    check(peak <= 96 << 20, || {
                        format!("{file} {variant} {out}: peak linear memory {peak} B ({info})")
                    })?;
                }
            }
        }
    }
    let over = get(&h.url("/img/preview/photos/over-limit.jpg"), &[]);
    expect_json_error(&over, 413, "too_large")?;
    check(over.text().contains(&INPUT_LIMIT.to_string()), || {
        over.text()
    })?;
    Ok(())
}
