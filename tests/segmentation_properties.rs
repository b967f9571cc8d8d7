//! Properties of segmentation through its public API: the request parsers and the cookie and
//! token openers never panic on arbitrary input, and experiment buckets are uniform, sticky
//! and independent across experiments.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use tailor_config::Config;
use tailor_core::identity::sealed::{self, CookieKey};
use tailor_core::identity::{has_consent, preview};
use tailor_core::segment::buckets::{arm_for_slot, slot, SLOTS};
use tailor_core::segment::condition::Facts;
use tailor_core::segment::cookies::{cookie_jar, MAX_COOKIES};
use tailor_core::segment::{choose, DeviceClass, RequestFacts, VisitorContext};

const HEADERS: &[&str] = &[
    "user-agent",
    "sec-ch-ua",
    "sec-ch-ua-mobile",
    "sec-ch-ua-platform",
    "save-data",
    "ect",
    "downlink",
    "accept-language",
    "referer",
    "cookie",
    "sec-gpc",
    "dnt",
];

fn context_from(values: &[Vec<u8>], query: &[(String, String)]) -> VisitorContext {
    let mut headers = http::HeaderMap::new();
    for (name, value) in HEADERS.iter().zip(values) {
        // Bytes no HTTP stack would deliver (control characters) are out of scope.
        if let Ok(value) = http::HeaderValue::from_bytes(value) {
            headers.append(*name, value);
        }
    }
    VisitorContext::from_request(
        &headers,
        RequestFacts {
            query,
            geo: None,
            now_ms: 1.7e12,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn request_parsing_never_panics(
        values in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), HEADERS.len()),
        query in proptest::collection::vec((".{0,12}", ".{0,40}"), 0..4),
    ) {
        let context = context_from(&values, &query);
        let config = Config::from_json(tailor_demo::CONFIG_JSON.as_bytes()).unwrap();
        let consent = has_consent(&context, &config.consent);
        let decision = choose(&config.segments.rules, Facts { context: &context, consent }, true);
        prop_assert!(config.segment(&decision.segment).is_some());
        prop_assert!(decision.explanation.is_ascii(), "{}", decision.explanation);
    }

    #[test]
    fn text_headers_of_any_shape_parse(
        language in "[a-zA-Z;=,.*0-9 -]{0,120}",
        brands in "[\"a-zA-Z;=,.0-9 -]{0,120}",
        agent in ".{0,200}",
    ) {
        let values: Vec<Vec<u8>> = HEADERS
            .iter()
            .map(|h| match *h {
                "accept-language" => language.clone().into_bytes(),
                "sec-ch-ua" => brands.clone().into_bytes(),
                "user-agent" => agent.clone().into_bytes(),
                _ => Vec::new(),
            })
            .collect();
        let context = context_from(&values, &[]);
        prop_assert!(context.languages.len() <= 16);
        prop_assert!(context.languages.iter().all(|l| l.bytes().all(|b| b.is_ascii_lowercase())));
        let _ = DeviceClass::classify(&agent, None);
    }

    #[test]
    fn cookie_and_token_openers_never_panic(value in ".{0,400}", token in ".{0,120}") {
        let keys = [CookieKey::from_secret("k1", b"secret")];
        prop_assert!(sealed::open(&value, &keys, "tailor_visitor", 2_000_000_000, 86_400).is_none());
        let dotted = format!("k1.{value}");
        prop_assert!(sealed::open(&dotted, &keys, "tailor_visitor", 2_000_000_000, 86_400).is_none());
        prop_assert!(preview::verify(&token, &[("p1", b"key")], 0, 86_400).is_none());
        let keyed = format!("p1.{token}");
        prop_assert!(preview::verify(&keyed, &[("p1", b"key")], 0, 86_400).is_none());
    }

    #[test]
    fn minted_preview_tokens_verify_and_any_change_breaks_them(
        key_id in "[a-z0-9_-]{1,32}",
        segment in "[a-z0-9_-]{1,32}",
        lifetime in 0u64..100_000,
        flip in any::<prop::sample::Index>(),
    ) {
        let now = 1_790_000_000;
        let keys: [(&str, &[u8]); 1] = [(&key_id, b"secret")];
        let token = preview::mint(&key_id, b"secret", &segment, now + lifetime);
        let verified = preview::verify(&token, &keys, now, 100_000);
        prop_assert_eq!(verified.as_deref(), Some(segment.as_str()));
        prop_assert!(preview::verify(&token, &keys, now, lifetime.saturating_sub(1)).is_none() || lifetime == 0);
        // Changing any one byte of the token (to another token character) breaks it.
        let mut bytes = token.clone().into_bytes();
        let at = flip.index(bytes.len());
        bytes[at] = if bytes[at] == b'7' { b'8' } else { b'7' };
        let changed = String::from_utf8(bytes).unwrap();
        prop_assert!(changed == token || preview::verify(&changed, &keys, now, 100_000).is_none());
    }

    #[test]
    fn cookie_headers_of_any_count_and_shape_stay_bounded(
        headers in proptest::collection::vec("[a-z0-9=; \"]{0,64}", 0..400),
    ) {
        let values: Vec<http::HeaderValue> = headers
            .iter()
            .filter_map(|h| http::HeaderValue::from_str(h).ok())
            .collect();
        let mut warnings = Vec::new();
        let jar = cookie_jar(&values, &mut warnings);
        prop_assert!(jar.len() <= MAX_COOKIES);
        let names: std::collections::HashSet<&str> = jar.iter().map(|(n, _)| n.as_str()).collect();
        prop_assert_eq!(names.len(), jar.len());
    }

    #[test]
    fn buckets_are_sticky_and_in_range(id in ".{0,64}", salt in ".{0,32}") {
        let s = slot(&salt, &id);
        prop_assert!(s < SLOTS);
        prop_assert_eq!(s, slot(&salt, &id));
        prop_assert!(arm_for_slot(&[1, 2, 3], s) < 3);
    }
}

fn visitor_ids(count: u32) -> Vec<String> {
    // The shape of real ids (24 hex digits), derived from a counter through SHA-256 so they
    // look random but the test is deterministic.
    (0..count)
        .map(|i| sealed::new_visitor_id(slot_bytes(i)))
        .collect()
}

fn slot_bytes(i: u32) -> [u8; 12] {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(i.to_be_bytes());
    let mut out = [0u8; 12];
    out.copy_from_slice(&digest[..12]);
    out
}

#[test]
fn buckets_are_uniform_over_100k_visitors() {
    const BINS: usize = 100;
    let ids = visitor_ids(100_000);
    let mut counts = [0u32; BINS];
    for id in &ids {
        counts[slot("2026-11-hero", id) as usize * BINS / SLOTS as usize] += 1;
    }
    let expected = ids.len() as f64 / BINS as f64;
    let chi_square: f64 = counts
        .iter()
        .map(|&c| (f64::from(c) - expected).powi(2) / expected)
        .sum();
    // 99 degrees of freedom: the 0.1 % critical value is 148.2.
    assert!(chi_square < 148.2, "chi-square {chi_square:.1}: {counts:?}");
}

#[test]
fn arms_split_by_weight_and_experiments_are_independent() {
    let ids = visitor_ids(100_000);
    let mut joint = [[0u32; 2]; 2];
    let mut weighted = [0u32; 2];
    for id in &ids {
        let a = arm_for_slot(&[50, 50], slot("salt-a", id));
        let b = arm_for_slot(&[50, 50], slot("salt-b", id));
        joint[a][b] += 1;
        weighted[arm_for_slot(&[1, 3], slot("salt-c", id))] += 1;
    }
    for row in joint {
        for cell in row {
            // Each combination holds a quarter of the visitors (±3 %).
            assert!((24_250..=25_750).contains(&cell), "{joint:?}");
        }
    }
    assert!((24_250..=25_750).contains(&weighted[0]), "{weighted:?}");
}
