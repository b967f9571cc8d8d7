//! The checks every case is written in: a condition with its message, a status, and the JSON
//! error body `{"error": kind, "detail": sentence}`.

use crate::support::client::Got;
use libtest_mimic::Failed;

pub(crate) fn check(condition: bool, message: impl FnOnce() -> String) -> Result<(), Failed> {
    if condition {
        Ok(())
    } else {
        Err(message().into())
    }
}

pub(crate) fn expect_status(got: &Got, status: u16) -> Result<(), Failed> {
    check(got.status == status, || {
        format!("expected {status}, got {}: {}", got.status, got.text())
    })
}

pub(crate) fn expect_json_error(got: &Got, status: u16, kind: &str) -> Result<(), Failed> {
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
