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
