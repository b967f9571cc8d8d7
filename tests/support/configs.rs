//! Variants of the demo config for a harness restarted with another `config/v1`: the demo
//! document edited in place and written to a file of its own.

use super::viceroy::project_root;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

/// `demo/config.json` changed by `edit`, written to a fresh file in the temporary directory
/// (`tailor-{name}-…json`); the caller removes it when done.
pub(crate) fn edited_demo_config(name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    static WRITTEN: AtomicU32 = AtomicU32::new(0);
    let text = std::fs::read_to_string(project_root().join("demo/config.json")).unwrap();
    let mut config: serde_json::Value = serde_json::from_str(&text).unwrap();
    edit(&mut config);
    let path = std::env::temp_dir().join(format!(
        "tailor-{name}-{}-{}.json",
        std::process::id(),
        WRITTEN.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::write(&path, config.to_string()).unwrap();
    path
}
