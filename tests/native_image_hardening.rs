//! Hostile image requests on the in-memory host: output sizes, signatures, path prefixes,
//! metadata and focal points (the image defects of the hostile review), each named after the
//! defect it guards against; and what an image request reads of its visitor.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::client::IPHONE;
use support::native::{demo_host, get, json, DEBUG};
use tailor_image::signature::{sign, signing_input};
use tailor_testing::memory::MemoryHost;

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

fn signed(key_id: &str, key: &[u8], path: &str, query: &str) -> String {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let sig = sign(key_id, key, &signing_input(path, &pairs));
    format!("/img/_/{path}?{query}&sig={sig}")
}

const DEMO_KEY: &[u8] = b"demo-url-signing-key-0123456789abcdef";

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
fn a_signature_cannot_be_reused_for_another_transform() {
    let host = demo_host();
    let good = signed(
        "s1",
        DEMO_KEY,
        "photos/harbour.jpg",
        "h=320&upscale=0&w=320",
    );
    assert_eq!(get(&host, &good, &[]).status(), 200);
    let sig = good.rsplit("sig=").next().unwrap();
    for smuggled in [
        // The same signing input, once a value could carry '&' and '='.
        format!("/img/_/photos/harbour.jpg?h=320&upscale=0%26w%3D320&sig={sig}"),
        format!("/img/_/photos/harbour.jpg?h=320&upscale=0&w=320&w=4000&sig={sig}"),
        format!("/img/_/photos/harbour.jpg?h=320&upscale=0&w=320&sig={sig}&sig=s1.00"),
    ] {
        let status = get(&host, &smuggled, &[]).status().as_u16();
        assert!(matches!(status, 400 | 403), "{smuggled}: {status}");
    }
}

#[test]
fn signature_key_ids_are_case_sensitive_and_only_the_hex_is_not() {
    let mut host = demo_host();
    let key = b"a-key-whose-id-has-capitals-0123456789";
    host.secrets.insert("url-signing-K2".into(), key.to_vec());
    let url = signed("K2", key, "photos/harbour.jpg", "w=320");
    assert_eq!(get(&host, &url, &[]).status(), 200);
    let (base, hex) = url.rsplit_once('.').unwrap();
    let upper = format!("{base}.{}", hex.to_ascii_uppercase());
    assert_eq!(get(&host, &upper, &[]).status(), 200);
    let lower_id = url.replace("sig=K2.", "sig=k2.");
    assert_eq!(get(&host, &lower_id, &[]).status(), 403);
}

#[test]
fn a_bad_signature_gets_one_answer_whatever_is_wrong() {
    let host = demo_host();
    let good = signed("s1", DEMO_KEY, "photos/harbour.jpg", "w=320");
    let bad = [
        "/img/_/photos/harbour.jpg?w=320".to_string(),
        "/img/_/photos/harbour.jpg?w=320&sig=s1.xyz".to_string(),
        good.replace("sig=s1.", "sig=s9."),
        good.replace("w=320", "w=640"),
        format!("{good}&sig=s1.{}", "0".repeat(64)),
    ];
    let answers: Vec<serde_json::Value> = bad
        .iter()
        .map(|uri| {
            let response = get(&host, uri, &[]);
            assert_eq!(response.status(), 403, "{uri}");
            json(&response)
        })
        .collect();
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:#?}");
    assert!(!answers[0]["detail"].as_str().unwrap().contains("key"));
}

#[test]
fn path_prefixes_match_whole_segments() {
    for prefix in ["photos", "photos/"] {
        let host = host_with(|c| c["images"]["path_prefixes"] = serde_json::json!([prefix]));
        let inside = get(&host, "/img/thumbnail/photos/harbour.jpg", &[]);
        assert_eq!(inside.status(), 200, "{prefix}");
        for outside in [
            "/img/thumbnail/photos-private/harbour.jpg",
            "/img/thumbnail/photosx.jpg",
        ] {
            let response = get(&host, outside, &[]);
            assert_eq!(response.status(), 403, "{prefix}: {outside}");
            assert_eq!(json(&response)["error"], "forbidden");
        }
    }
    for bad in ["/photos", "photos//", "", "../photos"] {
        let host = host_with(|c| c["images"]["path_prefixes"] = serde_json::json!(["inputs", bad]));
        let response = get(&host, "/img/thumbnail/photos/harbour.jpg", &[]);
        assert_eq!(response.status(), 500, "{bad:?}");
        let detail = json(&response)["detail"].as_str().unwrap().to_owned();
        assert!(detail.contains("images.path_prefixes[1]"), "{detail}");
    }
}

#[test]
fn originals_served_unchanged_carry_no_metadata() {
    let host = demo_host();
    let response = get(&host, "/img/full/photos/gps.jpg?format=jpeg", &[DEBUG]);
    assert_eq!(response.status(), 200);
    let info = response.headers()["x-tailor-image"].to_str().unwrap();
    assert!(info.contains("decode=original"), "{info}");
    let body = response.body();
    let has = |needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);
    for needle in [
        &b"Exif"[..],
        b"xap/1.0",
        b"GPSLatitude",
        b"ICC_PROFILE",
        b"52.3731",
    ] {
        assert!(!has(needle), "{}", String::from_utf8_lossy(needle));
    }
    let original = support::fixtures::gps_tagged_jpeg();
    let pixels = |bytes: &[u8]| image::load_from_memory(bytes).unwrap().into_rgb8();
    assert_eq!(
        pixels(body),
        pixels(&original),
        "the coded pixels are kept as they are"
    );
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

/// An image is the same for every visitor: its request neither classifies the visitor nor
/// runs the segment rules (no `segment` timing), unless a debug request asks for the
/// explanations.
#[test]
fn images_read_no_visitor_unless_debugging() {
    let host = demo_host();
    let path = "/img/preview/photos/harbour.jpg";
    let timing = |headers: &[(&str, &str)]| {
        let got = get(&host, path, headers);
        assert_eq!(got.status(), 200);
        let timing = got.headers()["server-timing"].to_str().unwrap().to_owned();
        (timing, got.headers().get("x-tailor-segment").cloned())
    };
    let phone = ("user-agent", IPHONE);
    let (plain, segment) = timing(&[phone, ("cookie", "tailor_consent=1")]);
    assert!(!plain.contains("segment;"), "{plain}");
    assert_eq!(segment, None);
    let (debugged, segment) = timing(&[phone, DEBUG]);
    assert!(debugged.contains("segment;"), "{debugged}");
    assert_eq!(segment.unwrap(), "mobile");
}
