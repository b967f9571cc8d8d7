//! Hostile image requests on the in-memory host (the image defects of the hostile review), each
//! named after the defect it guards against.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::native::{demo_host, get, DEBUG};
use tailor::platform::memory::MemoryHost;

/// The demo host with `edit` applied to its config.
fn host_with(edit: impl FnOnce(&mut serde_json::Value)) -> MemoryHost {
    let mut host = demo_host();
    let key = ("tailor_kv".to_string(), "config/v1".to_string());
    let mut config: serde_json::Value = serde_json::from_slice(&host.kv[&key]).unwrap();
    edit(&mut config);
    host.put_kv("tailor_kv", "config/v1", config.to_string());
    host
}

fn unsigned_host(max_output_width: u32) -> MemoryHost {
    host_with(|c| {
        c["images"]["allow_unsigned"] = serde_json::json!(true);
        c["images"]["width_ladder"] = serde_json::json!([256, 512]);
        c["limits"]["max_output_width"] = serde_json::json!(max_output_width);
        c["variants"]["full"]["width"] = serde_json::json!(max_output_width);
    })
}

fn dimensions(response: &http::Response<Vec<u8>>) -> (u32, u32) {
    assert_eq!(
        response.status(),
        200,
        "{:?}",
        String::from_utf8_lossy(response.body())
    );
    let img = image::load_from_memory(response.body()).unwrap();
    (img.width(), img.height())
}

#[test]
fn free_form_output_is_bounded_when_one_side_is_given() {
    let host = unsigned_host(600);
    for uri in [
        "/img/_/photos/strip.jpg?h=512&fit=cover",
        "/img/_/photos/strip.jpg?h=512&fit=contain&upscale=1",
        "/img/_/photos/strip.jpg?h=512&fit=pad&upscale=1",
        "/img/_/photos/tower.jpg?w=512&fit=cover",
        "/img/_/photos/tower.jpg?w=512&fit=contain&upscale=true",
        "/img/_/photos/tower.jpg?w=512&h=600&fit=pad&upscale=1",
        "/img/_/photos/tower.jpg?w=64",
        "/img/full/photos/tower.jpg",
        "/img/full/photos/strip.jpg?dpr=3",
    ] {
        let (w, h) = dimensions(&get(&host, uri, &[]));
        assert!(w <= 600 && h <= 600, "{uri}: {w}x{h}");
    }
    // Both sides of a cover come out as asked, the missing one at the limit.
    let cover = get(&host, "/img/_/photos/strip.jpg?h=512&fit=cover", &[]);
    assert_eq!(dimensions(&cover), (600, 512));
}

#[test]
fn avif_width_limit_applies_to_the_output_width_not_h() {
    let host = host_with(|c| c["images"]["allow_unsigned"] = serde_json::json!(true));
    // The demo allows AVIF up to 320 px wide: h=300 of a 3:2 photo is 450 px wide.
    let tall_ask = get(&host, "/img/_/photos/harbour.jpg?h=300&format=avif", &[]);
    assert_eq!(
        tall_ask.status(),
        400,
        "{}",
        String::from_utf8_lossy(tall_ask.body())
    );
    let narrow = get(&host, "/img/_/photos/harbour.jpg?w=300&format=avif", &[]);
    assert_eq!(narrow.headers()["content-type"], "image/avif");
}

#[test]
fn focal_point_gravity_shares_a_key_only_with_the_same_crop() {
    let host = host_with(|c| c["images"]["allow_unsigned"] = serde_json::json!(true));
    let bypass = ("x-tailor-cache", "bypass");
    let fetch = |gravity: &str| {
        let uri =
            format!("/img/_/photos/big.jpg?w=400&h=400&fit=cover&format=png&gravity={gravity}");
        let response = get(&host, &uri, &[DEBUG, bypass]);
        assert_eq!(response.status(), 200);
        let key = response.headers()["x-tailor-cache-key"]
            .to_str()
            .unwrap()
            .to_owned();
        (key, response.body().clone())
    };
    let (fine_key, fine) = fetch("0.503x0.5");
    let (coarse_key, coarse) = fetch("0.5x0.5");
    assert_eq!(fine_key, coarse_key);
    assert!(fine == coarse, "one key, two different crops");
    let (other_key, _) = fetch("0.51x0.5");
    assert_ne!(other_key, fine_key);
}
