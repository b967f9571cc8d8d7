//! Health, routing and configuration end to end: `/healthz`, the JSON errors of unknown routes,
//! missing or unknown slots and wrong methods, and an invalid config reported as a 500 that
//! names the field (a broken banner template only where a banner is rendered).

use super::{check, expect_json_error, expect_status};
use crate::support::client::{get, request};
use crate::support::configs::edited_demo_config;
use crate::support::viceroy::{project_root, Harness};
use libtest_mimic::Failed;

pub(crate) fn healthz(h: &Harness) -> Result<(), Failed> {
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

pub(crate) fn routing_errors_are_precise_json(h: &Harness) -> Result<(), Failed> {
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

pub(crate) fn invalid_config_is_a_500_naming_the_field(h: &Harness) -> Result<(), Failed> {
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

/// Each template is compiled when the first banner renders with it: one that does not compile
/// fails the HTML banners using it with the config error naming it, while images, JSON banners
/// and banners of other templates are served.
pub(crate) fn a_broken_template_fails_banners_and_leaves_images_alone(
    h: &Harness,
) -> Result<(), Failed> {
    let path = edited_demo_config("broken-template", |config| {
        config["banners"]["templates"]["cards"] = "{% for x in %}".into();
    });
    let harness = h.restart_with(&[("config/v1", Some(path.clone()))]);
    let desktop = [("User-Agent", crate::support::client::DESKTOP)];
    let banner = get(&harness.url("/banner?slot=hero"), &desktop);
    expect_json_error(&banner, 500, "invalid_config")?;
    let detail = banner.json()["detail"].as_str().unwrap_or("").to_string();
    check(detail.contains("banners.templates.cards"), || {
        detail.clone()
    })?;
    let image = get(&harness.url("/img/thumbnail/photos/harbour.jpg"), &[]);
    // The JSON banner renders no template: its items are served.
    let json = get(&harness.url("/banner.json?slot=hero"), &desktop);
    // Each template compiles on its own: the mobile segment's `compact` still renders.
    let iphone = [("User-Agent", crate::support::client::IPHONE)];
    let mobile = get(&harness.url("/banner?slot=hero"), &iphone);
    let _ = std::fs::remove_file(&path);
    expect_status(&image, 200)?;
    expect_status(&json, 200)?;
    expect_status(&mobile, 200)?;
    check(mobile.text().contains("tailor-compact"), || mobile.text())?;
    check(!harness.log().contains("panicked"), || harness.log())
}
