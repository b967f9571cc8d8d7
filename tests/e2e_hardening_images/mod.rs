//! Hostile image requests end to end: JPEGs that hide a second frame.

use super::{check, expect_json_error, expect_status};
use crate::support::client::get;
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
