//! Hostile image requests end to end: JPEGs that hide a second frame, and focal points that
//! share a cache key.

use super::{check, expect_json_error, expect_status, signed};
use crate::support::client::{get, DEBUG};
use crate::support::viceroy::Harness;
use libtest_mimic::Failed;

pub fn jpegs_hiding_a_frame_are_refused_and_the_instance_survives(
    h: &Harness,
) -> Result<(), Failed> {
    // Each hides a 65535x65535 frame (or a second frame) that a decoder reading markers
    // differently from the probe would allocate gigabytes for.
    for name in [
        "hidden-frame-rst.jpg",
        "hidden-frame-tem.jpg",
        "second-frame.jpg",
    ] {
        let got = get(&h.url(&format!("/img/thumbnail/inputs/{name}")), &[]);
        expect_json_error(&got, 422, "undecodable_image")?;
    }
    expect_status(&get(&h.url("/healthz"), &[]), 200)?;
    expect_status(&get(&h.url("/img/thumbnail/photos/harbour.jpg"), &[]), 200)?;
    check(!h.log().contains("panicked"), || h.log())
}

pub fn focal_point_gravity_shares_a_key_only_with_the_same_crop(h: &Harness) -> Result<(), Failed> {
    let fetch = |gravity: &str| {
        let query = format!("w=400&h=400&fit=cover&format=png&gravity={gravity}");
        let got = get(
            &h.url(&signed("photos/big.jpg", &query)),
            &[DEBUG, ("X-Tailor-Cache", "bypass")],
        );
        let key = got.header("x-tailor-cache-key").unwrap_or("").to_owned();
        (got, key)
    };
    let (fine, fine_key) = fetch("0.503x0.5");
    let (coarse, coarse_key) = fetch("0.5x0.5");
    expect_status(&fine, 200)?;
    expect_status(&coarse, 200)?;
    check(fine_key == coarse_key && !fine_key.is_empty(), || {
        format!("{fine_key} / {coarse_key}")
    })?;
    check(fine.body == coarse.body, || {
        "one cache key, two different crops".into()
    })
}
