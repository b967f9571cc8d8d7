//! End-to-end conformance suite: every case runs against the Fastly wasm in a real Viceroy
//! (with the project's `fastly.toml`) and against the Cloudflare Worker in workerd under a
//! real `wrangler dev`, each with a real HTTP test origin and real HTTP requests. Where the
//! platforms genuinely differ, the case says so and checks each platform's own behaviour.
//!
//! Run through `make test` or `make e2e` (which build both and install Viceroy and wrangler);
//! the suite needs the `e2e` feature: `cargo test --features e2e --test e2e`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod caching;
mod hardening_caching;
mod hardening_identity;
mod hardening_images;
mod learning;
mod recs;
mod segmentation;
#[path = "../support/mod.rs"]
mod support;

use caching::*;
use hardening_caching::*;
use hardening_identity::*;
use hardening_images::*;
use learning::*;
use libtest_mimic::{Arguments, Failed, Trial};
use recs::*;
use segmentation::*;
use std::sync::{Arc, OnceLock};
use support::client::{get, request, Got, DEBUG, DESKTOP, GOOGLEBOT, IPAD, IPHONE};
use support::viceroy::{project_root, Harness, KvOverride, Runtime};

type Case = fn(&Harness) -> Result<(), Failed>;

/// `(name, function)` pairs, so a case's test name is its function name.
macro_rules! cases {
    ($($case:ident),* $(,)?) => { [$((stringify!($case), $case as Case)),*] };
}

fn check(condition: bool, message: impl FnOnce() -> String) -> Result<(), Failed> {
    if condition {
        Ok(())
    } else {
        Err(message().into())
    }
}

fn expect_status(got: &Got, status: u16) -> Result<(), Failed> {
    check(got.status == status, || {
        format!("expected {status}, got {}: {}", got.status, got.text())
    })
}

fn expect_json_error(got: &Got, status: u16, kind: &str) -> Result<(), Failed> {
    expect_status(got, status)?;
    check(
        got.header("content-type") == Some("application/json"),
        || format!("{:?}", got.headers),
    )?;
    let body = got.json();
    check(body["error"] == kind, || {
        format!("expected error kind {kind}: {body}")
    })?;
    check(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        || format!("no detail: {body}"),
    )
}

fn healthz(h: &Harness) -> Result<(), Failed> {
    let got = get(&h.url("/healthz"), &[]);
    expect_status(&got, 200)?;
    check(
        got.text().trim() == format!("ok {}", env!("CARGO_PKG_VERSION")),
        || got.text(),
    )?;
    check(got.header("cache-control") == Some("no-store"), || {
        format!("{:?}", got.headers)
    })
}

fn demo_page_shows_segment_banner_variants_and_geo(h: &Harness) -> Result<(), Failed> {
    let got = get(&h.url("/"), &[("User-Agent", IPHONE)]);
    expect_status(&got, 200)?;
    let html = got.text();
    check(
        got.header("content-type")
            .is_some_and(|c| c.starts_with("text/html")),
        || format!("{:?}", got.headers),
    )?;
    check(html.contains("<b>Segment</b>mobile"), || html.clone())?;
    check(html.contains("tailor-compact"), || {
        "mobile template missing".into()
    })?;
    check(html.contains("/img/preview/photos/harbour.jpg"), || {
        "variant images missing".into()
    })?;
    // Viceroy's geolocation fixture maps 127.0.0.1 to the Netherlands.
    check(html.contains("<b>Country</b>NL"), || {
        "geo country missing".into()
    })
}

fn phone_and_desktop_get_different_segments_and_items(h: &Harness) -> Result<(), Failed> {
    let phone = get(
        &h.url("/banner.json?slot=hero"),
        &[("User-Agent", IPHONE), DEBUG],
    );
    let desktop = get(
        &h.url("/banner.json?slot=hero"),
        &[("User-Agent", DESKTOP), DEBUG],
    );
    expect_status(&phone, 200)?;
    expect_status(&desktop, 200)?;
    let (p, d) = (phone.json(), desktop.json());
    check(
        p["segment"] == "mobile" && d["segment"] == "desktop",
        || format!("{p}\n{d}"),
    )?;
    check(p["items"] != d["items"], || {
        "both segments got the same items".into()
    })?;
    check(p["items"].as_array().unwrap().len() == 4, || {
        format!("hero has 4 items: {p}")
    })?;
    check(phone.header("x-tailor-segment") == Some("mobile"), || {
        format!("{:?}", phone.headers)
    })?;
    // From KV, or from the platform cache when another request read the list recently (or,
    // on workerd, whose isolate lives on, from its memory).
    check(
        matches!(
            phone.header("x-tailor-source"),
            Some("kv" | "cache" | "memory")
        ),
        || format!("{:?}", phone.headers),
    )?;
    let key = phone.header("x-tailor-cache-key").unwrap_or("");
    check(
        key.contains("seg=mobile") && key.contains("slot=hero"),
        || key.to_string(),
    )?;
    check(
        phone
            .header("server-timing")
            .is_some_and(|t| t.contains("segment;dur=")),
        || format!("{:?}", phone.headers),
    )
}

fn banner_html_uses_the_segment_template(h: &Harness) -> Result<(), Failed> {
    let desktop = get(&h.url("/banner?slot=hero"), &[("User-Agent", DESKTOP)]);
    expect_status(&desktop, 200)?;
    check(desktop.text().contains("tailor-cards"), || desktop.text())?;
    check(
        desktop.header("cache-control") == Some("private, no-store"),
        || format!("{:?}", desktop.headers),
    )?;
    let bot = get(&h.url("/banner?slot=sidebar"), &[("User-Agent", GOOGLEBOT)]);
    expect_status(&bot, 200)?;
    check(
        bot.text().contains("tailor-text") && !bot.text().contains("<img"),
        || bot.text(),
    )
}

fn hostile_catalogue_titles_are_escaped(h: &Harness) -> Result<(), Failed> {
    // The harness replaces the low-data list (a segment the demo model has no list for, so
    // the list itself is served) with one whose first title carries markup.
    let lite = [("User-Agent", IPAD), ("Save-Data", "on")];
    let html = get(&h.url("/banner?slot=hero"), &lite).text();
    check(!html.contains("<script>"), || html.clone())?;
    check(html.contains("&lt;script&gt;"), || html.clone())?;
    check(!html.contains("javascript:"), || html.clone())?;
    let json = get(&h.url("/banner.json?slot=hero"), &lite).json();
    check(
        json["items"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with("<script>"),
        || json.to_string(),
    )?;
    check(json["items"][1]["url"] == "#", || json.to_string())
}

fn missing_list_falls_back_to_the_bundled_default(h: &Harness) -> Result<(), Failed> {
    // The harness removes the bot list from KV.
    let got = get(
        &h.url("/banner.json?slot=hero"),
        &[("User-Agent", GOOGLEBOT), DEBUG],
    );
    expect_status(&got, 200)?;
    check(got.header("x-tailor-source") == Some("default"), || {
        format!("{:?}", got.headers)
    })?;
    check(!got.json()["items"].as_array().unwrap().is_empty(), || {
        got.text()
    })
}

fn debug_headers_need_the_token(h: &Harness) -> Result<(), Failed> {
    let wrong = get(
        &h.url("/banner.json?slot=hero"),
        &[("X-Tailor-Debug", "guess")],
    );
    let none = get(&h.url("/banner.json?slot=hero"), &[]);
    for got in [wrong, none] {
        expect_status(&got, 200)?;
        check(
            got.headers.keys().all(|k| !k.starts_with("x-tailor-")),
            || format!("{:?}", got.headers),
        )?;
    }
    Ok(())
}

fn preview_of_a_4mp_photo_is_a_500px_jpeg_and_cached(h: &Harness) -> Result<(), Failed> {
    let url = h.url("/img/preview/photos/big.jpg");
    let first = get(&url, &[DEBUG]);
    expect_status(&first, 200)?;
    check(first.header("content-type") == Some("image/jpeg"), || {
        format!("{:?}", first.headers)
    })?;
    let img = image::load_from_memory(&first.body)?;
    check((img.width(), img.height()) == (500, 313), || {
        format!("{}x{}", img.width(), img.height())
    })?;
    // The original comes from the origin, or from the cache when another case's variant of
    // the same photo fetched it first.
    let timing = first.header("server-timing").unwrap_or("");
    check(
        ["decode;", "resize;", "encode;"]
            .iter()
            .all(|t| timing.contains(t))
            && (timing.contains("fetch;") || timing.contains("original;")),
        || timing.into(),
    )?;
    check(
        first
            .header("x-tailor-image")
            .is_some_and(|i| i.contains("2560x1600")),
        || format!("{:?}", first.headers),
    )?;
    let second = get(&url, &[DEBUG]);
    check(second.header("x-tailor-source") == Some("cache"), || {
        format!("{:?}", second.headers)
    })?;
    check(second.body == first.body, || "cached bytes differ".into())
}

fn progressive_jpegs_shrink_on_load_from_dc_coefficients(h: &Harness) -> Result<(), Failed> {
    // thumbnail (150 of 2400) is covered by 1/8 scale (300): the DC-only decoder serves it;
    // preview (500) needs 1/4 (600): the reduced inverse DCT over the kept coefficients.
    let thumb = get(&h.url("/img/thumbnail/photos/progressive.jpg"), &[DEBUG]);
    expect_status(&thumb, 200)?;
    let info = thumb.header("x-tailor-image").unwrap_or("").to_string();
    check(info.contains("decode=dc-only"), || info.clone())?;
    let img = image::load_from_memory(&thumb.body)?;
    check((img.width(), img.height()) == (150, 100), || {
        format!("{}x{}", img.width(), img.height())
    })?;
    let preview = get(&h.url("/img/preview/photos/progressive.jpg"), &[DEBUG]);
    expect_status(&preview, 200)?;
    let info = preview.header("x-tailor-image").unwrap_or("").to_string();
    check(info.contains("decode=reduced-idct"), || info.clone())?;
    let peak: u64 = preview
        .header("x-tailor-memory-peak")
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    check(peak > 0 && peak < 64 << 20, || {
        format!("peak linear memory {peak}")
    })
}

fn variants_have_their_widths_and_small_images_are_not_upscaled(h: &Harness) -> Result<(), Failed> {
    for (variant, width) in [("thumbnail", 150), ("full", 800)] {
        let got = get(&h.url(&format!("/img/{variant}/photos/harbour.jpg")), &[]);
        expect_status(&got, 200)?;
        let img = image::load_from_memory(&got.body)?;
        check(img.width() == width, || {
            format!("{variant}: {} wide", img.width())
        })?;
    }
    let small = get(&h.url("/img/preview/photos/small.jpg"), &[]);
    expect_status(&small, 200)?;
    check(image::load_from_memory(&small.body)?.width() == 120, || {
        "upscaled".into()
    })?;
    let retina = get(&h.url("/img/thumbnail/photos/harbour.jpg?dpr=2"), &[]);
    expect_status(&retina, 200)?;
    check(
        image::load_from_memory(&retina.body)?.width() == 300,
        || "dpr=2 is twice as wide".into(),
    )
}

fn auto_format_follows_accept_in_either_order(h: &Harness) -> Result<(), Failed> {
    const CHROME: &str = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";
    const OLD: &str = "image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5";
    if h.runtime == Runtime::Workerd {
        return auto_format_without_the_heavy_encoders(h, CHROME, OLD);
    }
    for order in [[CHROME, OLD], [OLD, CHROME]] {
        let url = h.url(&format!(
            "/img/preview/photos/harbour.jpg?order={}",
            order[0].len()
        ));
        for accept in order {
            let got = get(&url, &[("Accept", accept), DEBUG]);
            expect_status(&got, 200)?;
            let expected = if accept == CHROME {
                "image/webp"
            } else {
                "image/jpeg"
            };
            check(got.header("content-type") == Some(expected), || {
                format!("{accept}: {:?}", got.headers)
            })?;
            check(got.header("vary") == Some("Accept"), || {
                format!("{:?}", got.headers)
            })?;
            let detected = image::guess_format(&got.body)?;
            let ok = matches!(
                (expected, detected),
                ("image/webp", image::ImageFormat::WebP) | ("image/jpeg", image::ImageFormat::Jpeg)
            );
            check(ok, || format!("{accept}: body is {detected:?}"))?;
        }
    }
    // Small variants go AVIF for clients that name it; larger ones stay WebP (encoding cost).
    let thumb = get(
        &h.url("/img/thumbnail/photos/harbour.jpg"),
        &[("Accept", CHROME), DEBUG],
    );
    check(thumb.header("content-type") == Some("image/avif"), || {
        format!("{:?}", thumb.headers)
    })?;
    check(thumb.body.get(4..12) == Some(b"ftypavif"), || {
        "not an AVIF file".into()
    })?;
    check(
        thumb
            .header("x-tailor-cache-key")
            .is_some_and(|k| k.contains("fmt=auto-avif")),
        || format!("{:?}", thumb.headers),
    )?;
    expect_json_error(
        &get(&h.url("/img/full/photos/harbour.jpg?format=avif"), &[]),
        400,
        "bad_request",
    )?;
    let lossy = get(&h.url("/img/thumbnail/photos/big.jpg?format=webp"), &[]);
    check(lossy.body.get(12..16) == Some(b"VP8 "), || {
        "format=webp is lossy VP8".into()
    })
}

/// Platform difference: the Worker is built without libwebp and ravif (bundle size), so
/// `auto` picks JPEG for every client and `format=webp|avif` is refused, saying why.
fn auto_format_without_the_heavy_encoders(
    h: &Harness,
    chrome: &str,
    old: &str,
) -> Result<(), Failed> {
    for accept in [chrome, old] {
        let got = get(
            &h.url("/img/preview/photos/harbour.jpg"),
            &[("Accept", accept), DEBUG],
        );
        expect_status(&got, 200)?;
        check(
            got.header("content-type") == Some("image/jpeg")
                && image::guess_format(&got.body)? == image::ImageFormat::Jpeg,
            || format!("{accept}: {:?}", got.headers),
        )?;
        check(got.header("vary") == Some("Accept"), || {
            format!("{:?}", got.headers)
        })?;
    }
    for format in ["webp", "avif"] {
        let got = get(
            &h.url(&format!("/img/thumbnail/photos/big.jpg?format={format}")),
            &[],
        );
        expect_json_error(&got, 400, "bad_request")?;
        check(got.text().contains("not available in this build"), || {
            got.text()
        })?;
    }
    Ok(())
}

/// The demo signing key from fastly.toml's secret store.
const DEMO_SIGNING_KEY: &[u8] = b"demo-url-signing-key-0123456789abcdef";

fn signed(path: &str, query: &str) -> String {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let input = tailor_image::signature::signing_input(path, &pairs);
    format!(
        "/img/_/{path}?{query}&sig={}",
        tailor_image::signature::sign("s1", DEMO_SIGNING_KEY, &input)
    )
}

fn free_form_transforms_need_a_valid_signature(h: &Harness) -> Result<(), Failed> {
    let cover = get(
        &h.url(&signed(
            "photos/harbour.jpg",
            "w=320&h=320&fit=cover&format=jpeg",
        )),
        &[DEBUG],
    );
    expect_status(&cover, 200)?;
    let img = image::load_from_memory(&cover.body)?;
    check((img.width(), img.height()) == (320, 320), || {
        format!("cover: {}x{}", img.width(), img.height())
    })?;
    let key = cover.header("x-tailor-cache-key").unwrap_or("").to_string();
    check(key.contains("var=_") && key.contains("fit=cover"), || {
        key.clone()
    })?;

    let pad = get(
        &h.url(&signed(
            "photos/harbour.jpg",
            "w=400&h=400&fit=pad&bg=000000&format=png",
        )),
        &[],
    );
    expect_status(&pad, 200)?;
    let img = image::load_from_memory(&pad.body)?.into_rgb8();
    check(img.dimensions() == (400, 400), || {
        format!("pad: {:?}", img.dimensions())
    })?;
    check(img.get_pixel(200, 2).0 == [0, 0, 0], || {
        format!("pad colour {:?}", img.get_pixel(200, 2))
    })?;

    // The ladder snaps 300 up to 320: bounded keys, at most a step more pixels.
    let snapped = get(&h.url(&signed("photos/harbour.jpg", "w=300")), &[]);
    check(
        image::load_from_memory(&snapped.body)?.width() == 320,
        || "w=300 snaps to 320".into(),
    )?;

    expect_json_error(
        &get(&h.url("/img/_/photos/harbour.jpg?w=320"), &[]),
        403,
        "forbidden",
    )?;
    let tampered = signed("photos/harbour.jpg", "w=320").replace("w=320", "w=640");
    expect_json_error(&get(&h.url(&tampered), &[]), 403, "forbidden")?;
    let other_key = signed("photos/harbour.jpg", "w=320").replace("sig=s1.", "sig=s9.");
    expect_json_error(&get(&h.url(&other_key), &[]), 403, "forbidden")?;
    expect_json_error(
        &get(&h.url(&signed("photos/harbour.jpg", "w=320&fit=fill")), &[]),
        400,
        "bad_request",
    )
}

fn one_decode_fills_the_smaller_siblings(h: &Harness) -> Result<(), Failed> {
    let full = get(&h.url("/img/full/photos/siblings.jpg"), &[DEBUG]);
    check(full.header("x-tailor-source") == Some("origin"), || {
        format!("{:?}", full.headers)
    })?;
    for (variant, width) in [("preview", 500), ("thumbnail", 150)] {
        let got = get(
            &h.url(&format!("/img/{variant}/photos/siblings.jpg")),
            &[DEBUG],
        );
        check(got.header("x-tailor-source") == Some("cache"), || {
            format!("{variant}: {:?}", got.headers)
        })?;
        check(image::load_from_memory(&got.body)?.width() == width, || {
            format!("{variant} width")
        })?;
    }
    Ok(())
}

fn exif_rotated_photos_come_out_upright(h: &Harness) -> Result<(), Failed> {
    // Stored 600x400 with orientation 6: displayed as a 400x600 portrait.
    let got = get(&h.url("/img/thumbnail/photos/rotated.jpg"), &[DEBUG]);
    expect_status(&got, 200)?;
    let img = image::load_from_memory(&got.body)?;
    check((img.width(), img.height()) == (150, 225), || {
        format!("{}x{}", img.width(), img.height())
    })?;
    check(
        got.header("x-tailor-image")
            .is_some_and(|i| i.contains("orientation=6")),
        || format!("{:?}", got.headers),
    )
}

fn formats_follow_transparency_and_the_format_parameter(h: &Harness) -> Result<(), Failed> {
    let auto = get(&h.url("/img/thumbnail/photos/alpha.png"), &[DEBUG]);
    expect_status(&auto, 200)?;
    check(auto.header("content-type") == Some("image/png"), || {
        format!("{:?}", auto.headers)
    })?;
    let png = image::load_from_memory(&auto.body)?.into_rgba8();
    check(png.get_pixel(0, 0).0[3] == 0, || "transparency lost".into())?;
    let jpeg = get(
        &h.url("/img/thumbnail/photos/alpha.png?format=jpeg"),
        &[DEBUG],
    );
    check(jpeg.header("content-type") == Some("image/jpeg"), || {
        format!("{:?}", jpeg.headers)
    })?;
    let (auto_key, jpeg_key) = (
        auto.header("x-tailor-cache-key"),
        jpeg.header("x-tailor-cache-key"),
    );
    check(auto_key != jpeg_key, || {
        format!("{auto_key:?} == {jpeg_key:?}")
    })?;
    // Tracking and unknown parameters never reach the key.
    let tracked = get(
        &h.url("/img/thumbnail/photos/alpha.png?utm_source=mail&fbclid=x&zzz=1"),
        &[DEBUG],
    );
    check(tracked.header("x-tailor-cache-key") == auto_key, || {
        format!("{:?}", tracked.headers)
    })?;
    check(tracked.header("x-tailor-source") == Some("cache"), || {
        format!("{:?}", tracked.headers)
    })?;
    expect_json_error(
        &get(&h.url("/img/thumbnail/photos/alpha.png?format=bmp"), &[]),
        400,
        "bad_request",
    )?;
    expect_json_error(
        &get(&h.url("/img/thumbnail/photos/alpha.png?dpr=9"), &[]),
        400,
        "bad_request",
    )
}

fn every_input_in_the_zoo_gets_its_status_dimensions_and_format(h: &Harness) -> Result<(), Failed> {
    let failures: Vec<String> = support::inputs::zoo()
        .iter()
        .filter_map(|input| {
            let url = h.url(&format!("/img/thumbnail/inputs/{}", input.name));
            let got = get(&url, &[("accept", support::inputs::ACCEPT)]);
            support::inputs::check(input, got.status, got.header("content-type"), &got.body).err()
        })
        .collect();
    check(failures.is_empty(), || format!("{failures:#?}"))
}

fn image_errors_are_precise_json(h: &Harness) -> Result<(), Failed> {
    expect_json_error(
        &get(&h.url("/img/huge/photos/big.jpg"), &[]),
        404,
        "not_found",
    )?;
    expect_json_error(
        &get(&h.url("/img/preview/photos/missing.jpg"), &[]),
        404,
        "not_found",
    )?;
    expect_json_error(
        &get(&h.url("/img/preview/photos/fails.jpg"), &[]),
        502,
        "origin_failed",
    )?;
    expect_json_error(
        &get(&h.url("/img/preview/photos/notes.txt"), &[]),
        415,
        "unsupported_format",
    )?;
    expect_json_error(
        &get(&h.url("/img/preview/photos/truncated.jpg"), &[]),
        422,
        "undecodable_image",
    )?;
    // Clients and Viceroy normalize "..", so traversal is covered by unit tests; here the
    // path characters and empty segments are checked end to end.
    expect_json_error(
        &get(&h.url("/img/preview/photos/a%20b.jpg"), &[]),
        400,
        "bad_request",
    )?;
    expect_json_error(
        &get(&h.url("/img/preview/photos//big.jpg"), &[]),
        400,
        "bad_request",
    )?;
    expect_json_error(&get(&h.url("/img/preview"), &[]), 404, "not_found")
}

fn routing_errors_are_precise_json(h: &Harness) -> Result<(), Failed> {
    expect_json_error(&get(&h.url("/nope"), &[]), 404, "not_found")?;
    expect_json_error(&get(&h.url("/banner"), &[]), 400, "bad_request")?;
    expect_json_error(&get(&h.url("/banner?slot=footer"), &[]), 404, "not_found")?;
    expect_json_error(
        &request("POST", &h.url("/banner?slot=hero"), &[]),
        405,
        "method_not_allowed",
    )?;
    let head = request("HEAD", &h.url("/healthz"), &[]);
    expect_status(&head, 200)?;
    check(head.body.is_empty(), || "HEAD has a body".into())
}

fn invalid_config_is_a_500_naming_the_field(h: &Harness) -> Result<(), Failed> {
    let bad = project_root().join("tests/fixtures/config-invalid.json");
    let harness = h.restart_with(&[("config/v1", Some(bad))]);
    let got = get(&harness.url("/banner.json?slot=hero"), &[]);
    expect_json_error(&got, 500, "invalid_config")?;
    let detail = got.json()["detail"].as_str().unwrap_or("").to_string();
    check(detail.contains("variants.preview.width"), || detail.clone())?;
    // Health reports liveness even when the config is broken.
    expect_status(&get(&harness.url("/healthz"), &[]), 200)?;
    check(!harness.log().contains("panicked"), || harness.log())
}

/// The KV entries every harness of the main run replaces: a hostile list (low-data) and a
/// missing one (bot).
fn main_overrides() -> Vec<KvOverride> {
    let hostile = project_root().join("tests/fixtures/recs-hostile.json");
    vec![("recs/v3/lite", Some(hostile)), ("recs/v3/bot", None)]
}

fn main() {
    let args = Arguments::from_args();
    let cases: &[(&str, Case)] = &cases![
        healthz,
        demo_page_shows_segment_banner_variants_and_geo,
        phone_and_desktop_get_different_segments_and_items,
        banner_html_uses_the_segment_template,
        hostile_catalogue_titles_are_escaped,
        missing_list_falls_back_to_the_bundled_default,
        debug_headers_need_the_token,
        preview_of_a_4mp_photo_is_a_500px_jpeg_and_cached,
        variants_have_their_widths_and_small_images_are_not_upscaled,
        progressive_jpegs_shrink_on_load_from_dc_coefficients,
        formats_follow_transparency_and_the_format_parameter,
        exif_rotated_photos_come_out_upright,
        auto_format_follows_accept_in_either_order,
        free_form_transforms_need_a_valid_signature,
        one_decode_fills_the_smaller_siblings,
        every_input_in_the_zoo_gets_its_status_dimensions_and_format,
        image_errors_are_precise_json,
        routing_errors_are_precise_json,
        invalid_config_is_a_500_naming_the_field,
        each_context_source_lands_in_its_demo_segment,
        consent_issues_a_sealed_cookie_that_keeps_buckets_sticky,
        without_consent_or_with_opt_out_no_identity_is_kept,
        preview_tokens_force_the_segment_and_are_never_cached,
        no_tailor_header_without_the_debug_token,
        a_hit_skips_the_transform_and_a_purge_makes_the_next_request_a_miss,
        variants_are_made_from_one_cached_original,
        if_none_match_gets_304,
        shared_and_personal_responses_carry_the_right_cache_headers,
        concurrent_misses_collapse_into_one_transform,
        segment_lists_are_served_from_the_platform_cache,
        clicks_rerank_the_next_banner_within_the_caps,
        beacons_are_validated,
        the_sale_list_escapes_its_script_title,
        expired_and_future_items_never_show,
        without_lists_in_kv_the_bundled_default_is_served,
        pages_get_slots_filled_and_the_rest_byte_identical,
        non_html_and_failed_pages_pass_through,
        a_page_streams_before_the_origin_finishes,
        memory_does_not_grow_with_page_size,
        hardening_personalized_responses_are_kept_out_of_shared_caches,
        hardening_debug_responses_are_private_and_never_cached_as_such,
        hardening_variants_are_cached_no_longer_or_wider_than_their_original,
        hardening_concurrent_requests_for_a_broken_image_all_get_their_error,
        hardening_a_kv_outage_does_not_hold_banners_behind_a_streaming_page,
        hardening_image_paths_too_long_for_a_plain_purge_tag_are_cached_and_purged,
        hardening_gzip_bomb_pages_stream_in_bounded_memory,
        hardening_gzip_bomb_past_the_page_limit_is_cut_off,
        hardening_preview_tokens_expire_within_the_maximum_lifetime,
        hardening_preview_tokens_are_not_forwarded_to_the_origin,
        hardening_rotated_keys_reseal_cookies_and_keep_previews_working,
        hardening_purge_refusals_look_alike_and_bearer_is_case_insensitive,
        hardening_thousands_of_cookies_are_read_up_to_the_limit,
        hardening_backslash_links_become_hash,
        hardening_list_items_with_foreign_images_are_refused,
        jpegs_hiding_a_frame_are_refused_and_the_instance_survives,
        free_form_output_is_bounded_when_one_side_is_given,
        avif_width_limit_applies_to_the_output_width_not_h,
        a_signature_cannot_be_reused_for_another_transform,
        a_bad_signature_gets_one_answer_whatever_is_wrong,
        a_key_id_with_capitals_verifies,
        path_prefixes_match_whole_segments,
        originals_served_unchanged_carry_no_metadata,
        focal_point_gravity_shares_a_key_only_with_the_same_crop,
        a_click_brings_the_items_trained_neighbours_into_the_next_banner,
        without_a_model_the_segment_lists_serve,
        a_corrupt_model_is_refused_and_logged,
    ];
    // One harness per runtime, started by the first case that needs it (a filtered run starts
    // only what it uses); every case runs on both, as `viceroy::case` and `workerd::case`.
    let runtimes = [("viceroy", Runtime::Viceroy), ("workerd", Runtime::Workerd)];
    let harnesses: Vec<Arc<OnceLock<Harness>>> =
        runtimes.iter().map(|_| Arc::new(OnceLock::new())).collect();
    let mut trials = Vec::new();
    for ((prefix, runtime), harness) in runtimes.iter().zip(&harnesses) {
        for &(name, case) in cases {
            let (harness, runtime) = (Arc::clone(harness), *runtime);
            trials.push(Trial::test(format!("{prefix}::{name}"), move || {
                let h = harness.get_or_init(|| match runtime {
                    Runtime::Viceroy => Harness::start(&main_overrides()),
                    Runtime::Workerd => Harness::start_workerd(&main_overrides()),
                });
                case(h)
            }));
        }
    }
    let conclusion = libtest_mimic::run(&args, trials);
    if conclusion.has_failed() {
        for harness in harnesses.iter().filter_map(|h| h.get()) {
            eprintln!("--- {:?} log ---\n{}", harness.runtime, harness.log());
        }
    }
    drop(harnesses);
    conclusion.exit();
}
