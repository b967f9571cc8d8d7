//! Hostile image requests end to end: JPEGs that hide a second frame, free-form sizes with one
//! side given, signatures re-used for other transforms or naming unknown keys, path prefixes,
//! metadata in originals served unchanged, and focal points that share a cache key.

use super::{check, expect_json_error, expect_status};
use crate::image_formats::signed;
use crate::support::client::{get, Got, DEBUG};
use crate::support::configs::edited_demo_config;
use crate::support::viceroy::{Harness, CAPITALS_KEY, CAPITALS_KEY_ID};
use libtest_mimic::Failed;
use tailor_image::signature;

fn dimensions(got: &Got) -> Result<(u32, u32), Failed> {
    expect_status(got, 200)?;
    let img = image::load_from_memory(&got.body)?;
    Ok((img.width(), img.height()))
}

pub(crate) fn jpegs_hiding_a_frame_are_refused_and_the_instance_survives(
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

pub(crate) fn free_form_output_is_bounded_when_one_side_is_given(
    h: &Harness,
) -> Result<(), Failed> {
    // 4000x10 and 10x3000 originals: the side that was not asked for would be 128 000 px
    // (a 120 MB buffer) without the limit; it stops at limits.max_output_width (4096).
    for (path, query, expected) in [
        (
            "photos/strip.jpg",
            "h=320&fit=cover&format=jpeg",
            (4096, 320),
        ),
        (
            "photos/tower.jpg",
            "w=320&fit=cover&format=jpeg",
            (320, 4096),
        ),
        (
            "photos/strip.jpg",
            "h=320&fit=contain&upscale=1&format=jpeg",
            (4096, 10),
        ),
        (
            "photos/tower.jpg",
            "w=320&fit=pad&upscale=1&format=jpeg",
            (320, 4096),
        ),
    ] {
        let got = get(&h.url(&signed(path, query)), &[]);
        let size = dimensions(&got)?;
        check(size == expected, || {
            format!("{path}?{query}: {size:?}, want {expected:?}")
        })?;
    }
    let tall = get(&h.url("/img/full/photos/tower.jpg"), &[]);
    let size = dimensions(&tall)?;
    check(size.1 <= 4096, || format!("named variant: {size:?}"))
}

pub(crate) fn avif_width_limit_applies_to_the_output_width_not_h(
    h: &Harness,
) -> Result<(), Failed> {
    // h=300 of a 3:2 photo is 450 px wide, over the demo's 320 px AVIF limit. (The default
    // Worker has no AVIF at all, so both answers are 400 there.)
    let by_height = get(
        &h.url(&signed("photos/harbour.jpg", "h=300&format=avif")),
        &[],
    );
    expect_json_error(&by_height, 400, "bad_request")?;
    let by_width = get(
        &h.url(&signed("photos/harbour.jpg", "w=300&format=avif")),
        &[],
    );
    if !h.has_avif() {
        return expect_json_error(&by_width, 400, "bad_request");
    }
    expect_status(&by_width, 200)?;
    check(
        by_width.header("content-type") == Some("image/avif"),
        || format!("{:?}", by_width.headers),
    )
}

pub(crate) fn a_signature_cannot_be_reused_for_another_transform(
    h: &Harness,
) -> Result<(), Failed> {
    let good = signed("photos/harbour.jpg", "h=320&upscale=0&w=320");
    expect_status(&get(&h.url(&good), &[]), 200)?;
    let sig = good.rsplit("sig=").next().unwrap_or("");
    for smuggled in [
        format!("/img/_/photos/harbour.jpg?h=320&upscale=0%26w%3D320&sig={sig}"),
        format!("/img/_/photos/harbour.jpg?h=320&upscale=0&w=320&w=4000&sig={sig}"),
        format!("/img/_/photos/harbour.jpg?h=320&upscale=0&w=320&sig={sig}&sig={sig}"),
    ] {
        let got = get(&h.url(&smuggled), &[]);
        check(matches!(got.status, 400 | 403), || {
            format!("{smuggled}: {} {}", got.status, got.text())
        })?;
    }
    // Values with reserved characters sign in their percent-encoded form.
    let hash_bg = signed("photos/harbour.jpg", "w=320&h=320&fit=pad&bg=%23000000");
    expect_status(&get(&h.url(&hash_bg), &[]), 200)
}

pub(crate) fn a_bad_signature_gets_one_answer_whatever_is_wrong(h: &Harness) -> Result<(), Failed> {
    let good = signed("photos/harbour.jpg", "w=320");
    let bad = [
        "/img/_/photos/harbour.jpg?w=320".to_string(),
        "/img/_/photos/harbour.jpg?w=320&sig=s1.xyz".to_string(),
        good.replace("sig=s1.", "sig=s9."),
        good.replace("w=320", "w=640"),
    ];
    let mut answers = Vec::new();
    for uri in &bad {
        let got = get(&h.url(uri), &[]);
        expect_json_error(&got, 403, "forbidden")?;
        answers.push(got.text());
    }
    check(answers.windows(2).all(|w| w[0] == w[1]), || {
        format!("{answers:#?}")
    })?;
    // Only the hex digest is case-insensitive.
    let (base, hex) = good.rsplit_once('.').unwrap_or((&good, ""));
    let upper = format!("{base}.{}", hex.to_ascii_uppercase());
    expect_status(&get(&h.url(&upper), &[]), 200)
}

pub(crate) fn a_key_id_with_capitals_verifies(h: &Harness) -> Result<(), Failed> {
    // The harness holds a key named `Key-2`; lower-casing the whole `sig` could never find it.
    let (path, query) = ("photos/harbour.jpg", "w=320");
    let pairs = vec![("w".to_string(), "320".to_string())];
    let sig = signature::sign(
        CAPITALS_KEY_ID,
        CAPITALS_KEY,
        &signature::signing_input(path, &pairs),
    );
    let got = get(&h.url(&format!("/img/_/{path}?{query}&sig={sig}")), &[]);
    expect_status(&got, 200)?;
    let wrong_key = signature::sign(CAPITALS_KEY_ID, b"another key", &format!("{path}?{query}"));
    let refused = get(
        &h.url(&format!("/img/_/{path}?{query}&sig={wrong_key}")),
        &[],
    );
    expect_json_error(&refused, 403, "forbidden")
}

pub(crate) fn path_prefixes_match_whole_segments(h: &Harness) -> Result<(), Failed> {
    let file = edited_demo_config("prefix-config", |config| {
        config["images"]["path_prefixes"] = serde_json::json!(["photos"]);
    });
    let harness = h.restart_with(&[("config/v1", Some(file.clone()))]);
    let inside = get(&harness.url("/img/thumbnail/photos/harbour.jpg"), &[]);
    let outside = get(
        &harness.url("/img/thumbnail/photos-private/harbour.jpg"),
        &[],
    );
    let _ = std::fs::remove_file(&file);
    expect_status(&inside, 200)?;
    expect_json_error(&outside, 403, "forbidden")
}

pub(crate) fn originals_served_unchanged_carry_no_metadata(h: &Harness) -> Result<(), Failed> {
    let got = get(&h.url("/img/full/photos/gps.jpg?format=jpeg"), &[DEBUG]);
    expect_status(&got, 200)?;
    let info = got.header("x-tailor-image").unwrap_or("");
    check(info.contains("decode=original"), || info.to_owned())?;
    let has = |needle: &[u8]| got.body.windows(needle.len()).any(|w| w == needle);
    for needle in [
        &b"Exif"[..],
        b"xap/1.0",
        b"GPSLatitude",
        b"ICC_PROFILE",
        b"52.3731",
    ] {
        check(!has(needle), || {
            format!("served {}", String::from_utf8_lossy(needle))
        })?;
    }
    Ok(())
}

pub(crate) fn focal_point_gravity_shares_a_key_only_with_the_same_crop(
    h: &Harness,
) -> Result<(), Failed> {
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
