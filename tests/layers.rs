//! The crate graph is the architecture: each workspace crate may depend only on the Tailor
//! crates below it, listed here. A new dependency that points up (or sideways, past a layer)
//! fails this test, so the layering is checked by `make test`, not by review alone.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// Each crate and the Tailor crates its normal (non-dev) dependencies may name, bottom up.
const ALLOWED: &[(&str, &[&str])] = &[
    // Leaves: no Tailor crate below them.
    ("tailor-model", &[]),
    ("tailor-stats", &[]),
    ("tailor-demo", &[]),
    // libwebp (decoder and encoder) behind a safe API.
    ("tailor-webp", &[]),
    // The reference programs of `make bench`: nothing of Tailor's.
    ("hello-fastly", &[]),
    ("proxy-fastly", &[]),
    // The I/O-free core: segmentation, identity, lists, banners, pages, cache keys.
    ("tailor-core", &["tailor-model"]),
    // Beside each other on the core: images, and the host boundary.
    ("tailor-image", &["tailor-core", "tailor-webp"]),
    ("tailor-platform", &["tailor-core"]),
    // The config document, built into core and image types.
    (
        "tailor-config",
        &["tailor-core", "tailor-image", "tailor-model"],
    ),
    // The app: routing and orchestration over the platform trait.
    (
        "tailor",
        &[
            "tailor-core",
            "tailor-image",
            "tailor-config",
            "tailor-platform",
            "tailor-model",
        ],
    ),
    // Hosts: thin adapters and entry points.
    (
        "tailor-fastly",
        &["tailor", "tailor-platform", "tailor-demo"],
    ),
    (
        "tailor-cloudflare",
        &["tailor", "tailor-platform", "tailor-demo"],
    ),
    // Offline: learning, and the command line over everything it needs.
    (
        "tailor-learn",
        &["tailor-model", "tailor-core", "tailor-stats"],
    ),
    (
        "tailor-cli",
        &[
            "tailor-config",
            "tailor-core",
            "tailor-image",
            "tailor-model",
            "tailor-learn",
            "tailor-stats",
        ],
    ),
    // Fuzz harnesses: the edge's entry points, driven by fuzz/ and the corpus replay.
    (
        "tailor-fuzzing",
        &[
            "tailor",
            "tailor-core",
            "tailor-image",
            "tailor-config",
            "tailor-model",
            "tailor-demo",
        ],
    ),
    // Test support: used only as a dev-dependency (checked below).
    ("tailor-testing", &["tailor-platform", "tailor-core"]),
];

fn metadata() -> serde_json::Value {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo metadata");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON")
}

/// Workspace crate → its dependencies on other workspace crates, as (name, kind).
fn workspace_edges() -> BTreeMap<String, Vec<(String, Option<String>)>> {
    let doc = metadata();
    let packages = doc["packages"].as_array().expect("packages");
    let names: BTreeSet<String> = packages
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    packages
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| names.contains(d["name"].as_str().unwrap()))
                .map(|d| {
                    let kind = d["kind"].as_str().map(str::to_owned);
                    (d["name"].as_str().unwrap().to_owned(), kind)
                })
                .collect();
            (p["name"].as_str().unwrap().to_owned(), deps)
        })
        .collect()
}

#[test]
fn no_crate_depends_on_a_layer_above_it() {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut problems = Vec::new();
    for (krate, deps) in workspace_edges() {
        let Some(ok) = allowed.get(krate.as_str()) else {
            problems.push(format!(
                "{krate} is not placed in a layer: add it to ALLOWED"
            ));
            continue;
        };
        for (dep, kind) in deps {
            let dev = kind.as_deref() == Some("dev");
            if dep == "tailor-testing" && !dev {
                problems.push(format!(
                    "{krate} depends on tailor-testing outside its tests"
                ));
            }
            if !dev && !ok.contains(&dep.as_str()) {
                problems.push(format!("{krate} -> {dep} points up or across the layers"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
