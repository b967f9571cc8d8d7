//! `tailor report` end to end on synthetic experiment logs with a known truth: it recovers a
//! planted uplift, leaves a fair split alone and flags a 50.5/49.5 split at 200k visitors,
//! writes weights the edge can read, and says "not enough data" instead of failing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Write;
use std::path::Path;
mod support;

use std::process::{Command, Stdio};
use support::tailor;
use tailor_learn::synth::experiment::{write_log, ExperimentLog};

fn log(dir: &Path, name: &str, spec: &ExperimentLog) -> String {
    let path = dir.join(name);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    write_log(spec, &mut out).unwrap();
    out.flush().unwrap();
    path.to_str().unwrap().to_owned()
}

fn report(log: &str, dir: &Path, extra: &[&str]) -> serde_json::Value {
    let json = dir.join("report.json");
    let mut args = vec!["report", "--log", log, "--json", json.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = tailor(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap()
}

fn relative(doc: &serde_json::Value, metric: &str) -> (f64, f64, f64) {
    let m = doc["experiments"][0]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == metric)
        .unwrap();
    let r = &m["comparisons"][0]["relative"];
    (
        r["point"].as_f64().unwrap(),
        r["lower"].as_f64().unwrap(),
        r["upper"].as_f64().unwrap(),
    )
}

#[test]
fn a_planted_uplift_is_recovered_and_the_weights_follow_it() {
    let dir = tempfile::tempdir().unwrap();
    let spec = ExperimentLog {
        visitors: 60_000,
        uplift: 0.2,
        ..ExperimentLog::default()
    };
    let log = log(dir.path(), "events.log", &spec);
    let weights = dir.path().join("weights");
    let svg = dir.path().join("uplift.svg");
    let doc = report(
        &log,
        dir.path(),
        &[
            "--write-weights",
            weights.to_str().unwrap(),
            "--version",
            "w1",
            "--svg",
            svg.to_str().unwrap(),
        ],
    );
    let e = &doc["experiments"][0];
    assert_eq!(e["control"], "control");
    let (point, lower, _) = relative(&doc, "click-through");
    assert!(lower > 0.0, "the uplift's interval excludes 0: {lower}");
    assert!((0.1..0.3).contains(&point), "about +20 %: {point}");
    let (purchase, ..) = relative(&doc, "purchase conversion");
    assert!(purchase > 0.0, "{purchase}");
    assert_eq!(e["srm"]["flagged"], false);
    assert!(
        e["metrics"][0]["comparisons"][0]["chance_to_beat_control"]
            .as_f64()
            .unwrap()
            > 0.95
    );
    assert!(e["series"].as_array().unwrap().len() >= 14);
    assert!(doc["input"]["anonymous_impressions"].as_u64().unwrap() > 0);

    let written: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(weights.join("experiments/weights")).unwrap(),
    )
    .unwrap();
    assert_eq!(written["version"], "w1");
    let split = &written["experiments"]["hero-layout"];
    assert!(split["treatment"].as_f64().unwrap() > split["control"].as_f64().unwrap());
    assert!(split["control"].as_f64().unwrap() >= 0.01);
    // What the CLI writes is what the edge reads: its own parser takes the document whole,
    // and the better arm gets the larger share of new visitors' slots.
    let arm = |name: &str| tailor_core::segment::buckets::Arm {
        name: name.into(),
        weight: 1,
        templates: Default::default(),
        ranking: None,
        rerank: None,
        model: None,
        max_items: None,
    };
    let experiment = tailor_core::segment::buckets::Experiment {
        name: "hero-layout".into(),
        salt: "s".into(),
        arms: vec![arm("control"), arm("treatment")],
        group: None,
    };
    let document = std::fs::read(weights.join("experiments/weights")).unwrap();
    let read = tailor_config::parse_weights(&document, &[experiment]).unwrap();
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    let slots = &read.allocation.slots["hero-layout"];
    assert!(slots[1] > slots[0], "{slots:?}");
    let bulk: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(weights.join("kv-bulk.json")).unwrap())
            .unwrap();
    assert_eq!(bulk[0]["key"], "experiments/weights");
    assert!(weights.join("publish-fastly.sh").exists());
    let svg = std::fs::read_to_string(svg).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("treatment"));
}

#[test]
fn a_fair_split_passes_and_a_half_percent_skew_at_200k_visitors_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let fair = ExperimentLog {
        visitors: 200_000,
        detail: false,
        consent: 1.0,
        ..ExperimentLog::default()
    };
    let doc = report(&log(dir.path(), "fair.log", &fair), dir.path(), &[]);
    let srm = &doc["experiments"][0]["srm"];
    assert_eq!(srm["flagged"], false, "{srm}");

    let skewed = ExperimentLog {
        control_share: Some(0.505),
        ..fair
    };
    let doc = report(&log(dir.path(), "skewed.log", &skewed), dir.path(), &[]);
    let srm = &doc["experiments"][0]["srm"];
    assert_eq!(srm["flagged"], true, "{srm}");
    assert!(srm["p_value"].as_f64().unwrap() < 0.001);
}

#[test]
fn stdin_gzip_and_degenerate_logs_never_fail() {
    let dir = tempfile::tempdir().unwrap();
    // Standard input, with broken lines and a single visitor per arm.
    let mut child = Command::new(env!("CARGO_BIN_EXE_tailor"))
        .args(["report", "--log", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            br#"{"event":"exposure","experiment":"e","arm":"a","visitor":"1","weights":{"a":1,"b":1},"ts_ms":1}
{"event":"exposure","experiment":"e","arm":"b","visitor":"2","weights":{"a":1,"b":1},"ts_ms":1}
not json
{"event":"goal","name":"purchase","value":1e400,"visitor":"2","ts_ms":2}
"#,
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("not enough data"), "{text}");
    assert!(text.contains("2 malformed"), "{text}");

    // An empty gzipped file: a report that says there is nothing to report.
    let gz = dir.path().join("empty.log.gz");
    let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::fs::write(&gz, encoder.finish().unwrap()).unwrap();
    let out = tailor(&[
        "report",
        "--log",
        gz.to_str().unwrap(),
        "--svg",
        dir.path().join("e.svg").to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("not enough data"));

    // A missing file and bad options are errors with a message, not panics.
    let out = tailor(&["report", "--log", "/nonexistent/events.log"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/events.log"));
    let out = tailor(&["report", "--log", "-", "--metric", "revenue"]);
    assert_eq!(out.status.code(), Some(1));
    let out = tailor(&["report"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn the_config_orders_the_arms_and_control_can_be_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let spec = ExperimentLog {
        visitors: 2_000,
        arms: 3,
        ..ExperimentLog::default()
    };
    let log = log(dir.path(), "three.log", &spec);
    let config = dir.path().join("config.json");
    std::fs::write(
        &config,
        r#"{"experiments":[{"name":"hero-layout","salt":"s","arms":[
            {"name":"arm-2","weight":1},{"name":"control","weight":1},{"name":"arm-1","weight":1}]}]}"#,
    )
    .unwrap();
    let doc = report(&log, dir.path(), &["--config", config.to_str().unwrap()]);
    let e = &doc["experiments"][0];
    assert_eq!(e["control"], "arm-2");
    let arms: Vec<&str> = e["arms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(arms, ["arm-2", "control", "arm-1"]);
    let doc = report(&log, dir.path(), &["--control", "arm-1"]);
    assert_eq!(doc["experiments"][0]["control"], "arm-1");
    // Two comparisons per metric, all Holm-adjusted together.
    let comparisons = doc["experiments"][0]["metrics"][0]["comparisons"]
        .as_array()
        .unwrap();
    assert_eq!(comparisons.len(), 2);
    assert!(comparisons
        .iter()
        .all(|c| c["p_holm"].as_f64().unwrap() >= c["p_value"].as_f64().unwrap()));
    // A config that is not JSON is an error that names it.
    std::fs::write(&config, "{").unwrap();
    let out = tailor(&[
        "report",
        "--log",
        &log,
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("config.json"));
}
