//! `tailor check` end to end: the demo config is valid; `--compile` writes the compiled form
//! the edge reads, which `check` itself accepts and reports under the same version; an
//! invalid config writes nothing and names the field.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::process::Output;
use support::tailor;

fn demo_config() -> String {
    format!("{}/../../demo/config.json", env!("CARGO_MANIFEST_DIR"))
}

fn version_line(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().next().unwrap_or_default();
    line.split("(version ")
        .nth(1)
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn compile_writes_what_the_edge_reads_under_the_same_version() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("config.tcfg");
    let out = out.to_str().unwrap();
    let json = demo_config();
    let compiled = tailor(&["check", &json, "--compile", out]);
    assert!(
        compiled.status.success(),
        "{}",
        String::from_utf8_lossy(&compiled.stderr)
    );
    let bytes = std::fs::read(out).unwrap();
    let (config, read) = tailor_config::Config::from_compiled(&bytes).unwrap();
    assert_eq!(read, tailor_config::compiled::Read::Binary);
    let again = tailor(&["check", out]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(version_line(&again), version_line(&compiled));
    assert_eq!(version_line(&again), format!("{})", config.version()));
}

#[test]
fn an_invalid_config_is_not_compiled() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(demo_config()).unwrap()).unwrap();
    doc["variants"]["preview"]["width"] = 0.into();
    let json = dir.path().join("bad.json");
    std::fs::write(&json, doc.to_string()).unwrap();
    let out = dir.path().join("bad.tcfg");
    let run = tailor(&[
        "check",
        json.to_str().unwrap(),
        "--compile",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("variants.preview.width"));
    assert!(!out.exists());
}
