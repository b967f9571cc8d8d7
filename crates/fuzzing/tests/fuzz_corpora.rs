//! Replays every committed fuzz input — the corpora (`fuzz/corpus/<target>`) and the inputs of
//! fixed findings (`fuzz/regressions/<target>`) — through the harness its target runs, on
//! stable: a change that makes any of them panic fails `make test` without a fuzzer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// The files of `dir`, sorted; none when it does not exist.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn replay(target: &str) {
    assert!(
        tailor_fuzzing::demo_loads(),
        "the demo config does not load"
    );
    let (_, harness) = tailor_fuzzing::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .expect("a target of that name");
    let corpus = inputs(&fuzz_dir().join("corpus").join(target));
    assert!(!corpus.is_empty(), "{target} has no committed corpus");
    let regressions = inputs(&fuzz_dir().join("regressions").join(target));
    let mut failed = Vec::new();
    for path in corpus.iter().chain(&regressions) {
        let data = std::fs::read(path).unwrap();
        if catch_unwind(AssertUnwindSafe(|| harness(&data))).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(failed.is_empty(), "{target} panicked on: {failed:?}");
}

#[test]
fn every_target_has_a_replay() {
    let replayed = [
        "image_transform",
        "image_url",
        "sealed_cookie",
        "preview_token",
        "config",
        "beacon",
        "recs_list",
        "page",
        "model",
    ];
    let names: Vec<&str> = tailor_fuzzing::TARGETS.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, replayed);
    for name in names {
        assert!(
            fuzz_dir().join(format!("fuzz_targets/{name}.rs")).is_file(),
            "no fuzz/fuzz_targets/{name}.rs"
        );
    }
}

#[test]
fn image_transform_corpus_replays() {
    replay("image_transform");
}

#[test]
fn image_url_corpus_replays() {
    replay("image_url");
}

#[test]
fn sealed_cookie_corpus_replays() {
    replay("sealed_cookie");
}

#[test]
fn preview_token_corpus_replays() {
    replay("preview_token");
}

#[test]
fn config_corpus_replays() {
    replay("config");
}

#[test]
fn beacon_corpus_replays() {
    replay("beacon");
}

#[test]
fn recs_list_corpus_replays() {
    replay("recs_list");
}

#[test]
fn page_corpus_replays() {
    replay("page");
}

#[test]
fn model_corpus_replays() {
    replay("model");
}
