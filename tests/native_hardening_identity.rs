//! Hardening on the in-memory host: purge authorization.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::native::{demo_host, json, send_body};
use tailor::platform::memory::MemoryHost;

const ADMIN_TOKEN: &str = "demo-admin-token-0123456789abcdef";

fn purge_with(host: &MemoryHost, authorization: Option<&str>) -> http::Response<Vec<u8>> {
    let body = br#"{"surrogate_keys": ["images"]}"#.to_vec();
    let headers: Vec<(&str, &str)> = authorization
        .map(|a| vec![("authorization", a)])
        .unwrap_or_default();
    send_body(host, "POST", "/admin/purge", &headers, body)
}

#[test]
fn purge_refusals_are_one_identical_403_whatever_the_reason() {
    let mut host = demo_host();
    let wrong = format!("Bearer {}x", ADMIN_TOKEN);
    let refusals = [
        purge_with(&host, None),
        purge_with(&host, Some(&wrong)),
        purge_with(&host, Some("Basic YWRtaW46YWRtaW4=")),
        purge_with(&host, Some("Bearer short")),
    ];
    host.secrets.remove("admin-token");
    let unconfigured = purge_with(&host, Some(&format!("Bearer {ADMIN_TOKEN}")));
    for refused in refusals.iter().chain([&unconfigured]) {
        assert_eq!(refused.status(), 403);
        assert_eq!(refused.body(), unconfigured.body());
    }
    assert_eq!(json(&unconfigured)["error"], "forbidden");
    let logs = host.logs.borrow();
    let reasons: Vec<&str> = ["NotConfigured", "NoBearerToken", "WrongToken"]
        .into_iter()
        .filter(|r| {
            logs.iter()
                .any(|(_, l)| l.contains("purge_refused") && l.contains(r))
        })
        .collect();
    assert_eq!(reasons.len(), 3, "the real reason is logged: {logs:?}");
}

#[test]
fn the_bearer_scheme_is_accepted_in_any_case() {
    let host = demo_host();
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let response = purge_with(&host, Some(&format!("{scheme} {ADMIN_TOKEN}")));
        assert_eq!(response.status(), 200, "{scheme}");
    }
}
