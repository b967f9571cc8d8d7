//! Properties of image cache keys through Tailor's own request normalization: a key does not
//! change with the order of query parameters or with parameters that do not shape the image
//! (tracking, cache busters, unknown names), and different variants and formats never share one.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use tailor::app::{normalize_image_request, ImageInputs};
use tailor_config::Config;
use tailor_core::cache_key::{cache_key, KeyParts};
use tailor_image::ClientFormats;

fn key(config: &Config, rest: &str, query: &[(String, String)], accept: &str) -> String {
    let inputs = ImageInputs {
        config,
        query,
        client: ClientFormats::from_accept(accept),
    };
    let request = normalize_image_request(&inputs, rest).unwrap();
    cache_key(&KeyParts::Image {
        variant: request.variant,
        format: request.format.key_token(request.job.client),
        dpr: request.dpr,
        settings: &request.settings,
        path: request.path,
    })
}

fn unsigned() -> Config {
    let mut doc: serde_json::Value = serde_json::from_str(tailor_demo::CONFIG_JSON).unwrap();
    doc["images"]["allow_unsigned"] = serde_json::json!(true);
    Config::from_json(doc.to_string().as_bytes()).unwrap()
}

/// Parameters no image depends on.
fn noise() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        Just("utm_source".to_owned()),
        Just("utm_campaign".to_owned()),
        Just("fbclid".to_owned()),
        Just("gclid".to_owned()),
        Just("v".to_owned()),
        "z[a-z]{0,6}",
    ];
    proptest::collection::vec((name, "[a-zA-Z0-9._-]{0,12}"), 0..5)
}

fn named_params() -> impl Strategy<Value = Vec<(String, String)>> {
    (
        prop_oneof![Just("auto"), Just("webp"), Just("jpeg"), Just("png")],
        1u32..=3,
    )
        .prop_map(|(format, dpr)| {
            vec![
                ("format".to_owned(), format.to_owned()),
                ("dpr".to_owned(), dpr.to_string()),
            ]
        })
}

fn free_params() -> impl Strategy<Value = Vec<(String, String)>> {
    (
        100u32..2000,
        prop_oneof![Just("cover"), Just("contain"), Just("scale-down")],
        30u32..=95,
        1u32..=2,
    )
        .prop_map(|(w, fit, q, dpr)| {
            vec![
                ("w".to_owned(), w.to_string()),
                ("h".to_owned(), (w / 2).to_string()),
                ("fit".to_owned(), fit.to_owned()),
                ("q".to_owned(), q.to_string()),
                ("dpr".to_owned(), dpr.to_string()),
            ]
        })
}

fn shuffled(mut pairs: Vec<(String, String)>, seed: u64) -> Vec<(String, String)> {
    let mut state = seed | 1;
    for i in (1..pairs.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        pairs.swap(i, (state % (i as u64 + 1)) as usize);
    }
    pairs
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn named_keys_ignore_order_and_irrelevant_parameters(
        base in named_params(),
        extra in noise(),
        seed in any::<u64>(),
        variant in prop_oneof![Just("thumbnail"), Just("preview"), Just("full")],
    ) {
        let config = Config::from_json(tailor_demo::CONFIG_JSON.as_bytes()).unwrap();
        let rest = format!("{variant}/photos/a.jpg");
        let accept = "image/avif,image/webp,*/*";
        let plain = key(&config, &rest, &base, accept);
        let noisy = shuffled(base.iter().cloned().chain(extra).collect(), seed);
        prop_assert_eq!(&plain, &key(&config, &rest, &noisy, accept));
    }

    #[test]
    fn free_form_keys_ignore_order_and_irrelevant_parameters(
        base in free_params(),
        extra in noise(),
        seed in any::<u64>(),
    ) {
        let config = unsigned();
        let plain = key(&config, "_/photos/a.jpg", &base, "image/webp");
        let noisy = shuffled(base.iter().cloned().chain(extra).collect(), seed);
        prop_assert_eq!(&plain, &key(&config, "_/photos/a.jpg", &noisy, "image/webp"));
    }

    #[test]
    fn variants_and_formats_never_share_a_key(
        a in (0usize..3, 0usize..4),
        b in (0usize..3, 0usize..4),
    ) {
        let config = Config::from_json(tailor_demo::CONFIG_JSON.as_bytes()).unwrap();
        let variants = ["thumbnail", "preview", "full"];
        let formats = ["auto", "webp", "jpeg", "png"];
        let key_of = |(v, f): (usize, usize)| {
            let query = vec![("format".to_owned(), formats[f].to_owned())];
            key(&config, &format!("{}/photos/a.jpg", variants[v]), &query, "image/jpeg")
        };
        prop_assert_eq!(a == b, key_of(a) == key_of(b));
    }
}

#[test]
fn webp_and_jpeg_only_clients_get_their_own_keys() {
    let config = Config::from_json(tailor_demo::CONFIG_JSON.as_bytes()).unwrap();
    let webp = key(&config, "preview/photos/a.jpg", &[], "image/webp,*/*");
    let jpeg = key(&config, "preview/photos/a.jpg", &[], "image/jpeg,*/*");
    let other_webp = key(
        &config,
        "preview/photos/a.jpg",
        &[],
        "image/png,image/webp;q=0.9",
    );
    assert_ne!(webp, jpeg);
    assert_eq!(
        webp, other_webp,
        "the capability, not the Accept string, is in the key"
    );
}
