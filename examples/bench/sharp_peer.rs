//! The peer in the same run: sharp on libvips compiled to wasm32 (`@img/sharp-wasm32`, in Node,
//! one thread), driven by `scripts/sharp-peer/peer.js` over the jobs Tailor just ran.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One transform for the peer: fit `file` to `width`, encode as `format` at `quality`.
pub(crate) struct Job {
    pub file: PathBuf,
    pub width: u32,
    pub format: String,
    pub quality: u8,
}

/// Where `scripts/install-sharp-peer.sh` installs the peer (`SHARP_PEER_DIR` overrides).
fn peer_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SHARP_PEER_DIR") {
        return PathBuf::from(dir);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from("/tmp"));
    cache.join("tailor-sharp-peer")
}

/// Median milliseconds and output bytes per job, in order; `None` when the peer is not
/// installed or fails (the table then shows `-`).
pub(crate) fn run(root: &Path, jobs: &[Job], runs: usize) -> Option<Vec<(f64, u64)>> {
    let dir = peer_dir();
    if !dir.join("node_modules/@img/sharp-wasm32").is_dir() {
        eprintln!(
            "bench: no sharp-wasm peer in {} (scripts/install-sharp-peer.sh)",
            dir.display()
        );
        return None;
    }
    let list: Vec<serde_json::Value> = jobs
        .iter()
        .map(|j| {
            serde_json::json!({"file": j.file, "width": j.width, "format": j.format,
                "quality": j.quality, "runs": runs})
        })
        .collect();
    let file = std::env::temp_dir().join("tailor-bench-sharp-jobs.json");
    std::fs::write(&file, serde_json::Value::from(list).to_string()).ok()?;
    let out = Command::new("node")
        .arg(root.join("scripts/sharp-peer/peer.js"))
        .arg(&file)
        .arg(&dir)
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "bench: sharp-wasm peer failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    let results: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).ok()?;
    Some(
        results
            .iter()
            .map(|r| {
                (
                    r["ms"].as_f64().unwrap_or(f64::NAN),
                    r["bytes"].as_u64().unwrap_or(0),
                )
            })
            .collect(),
    )
}
