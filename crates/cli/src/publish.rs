//! The folder `tailor train` writes, laid out as the KV keys it is published under:
//! `recs/<v>/model.tlrm` (or a head of that name and `recs/<v>/shard-<n>.tlrm`), the pointer
//! value `recs/current`, `kv-bulk.json` for `wrangler kv bulk put`, and `publish-fastly.sh`
//! with the `fastly kv-store-entry create` lines. The pointer is flipped last, by hand or by
//! the script, so readers switch from one complete version to the next.

use base64::Engine;
use std::path::Path;

/// The blob name of a complete model or a sharded model's head.
pub(crate) const HEAD: &str = "model.tlrm";

pub(crate) fn write(out: &Path, version: &str, blobs: &[(String, Vec<u8>)]) -> Result<(), String> {
    let dir = out.join("recs").join(version);
    let fail = |path: &Path, e: std::io::Error| format!("{}: {e}", path.display());
    std::fs::create_dir_all(&dir).map_err(|e| fail(&dir, e))?;
    let mut bulk = Vec::with_capacity(blobs.len());
    let mut fastly = String::from(
        "#!/usr/bin/env bash\n# Publishes the model, then flips the pointer. STORE_ID: your KV store's id.\nset -euo pipefail\ncd \"$(dirname \"$0\")\"\n",
    );
    for (name, bytes) in blobs {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|e| fail(&path, e))?;
        let key = format!("recs/{version}/{name}");
        bulk.push(serde_json::json!({
            "key": key,
            "value": base64::engine::general_purpose::STANDARD.encode(bytes),
            "base64": true,
        }));
        fastly.push_str(&format!(
            "fastly kv-store-entry create --store-id \"$STORE_ID\" --key {key} --file recs/{version}/{name}\n"
        ));
    }
    fastly.push_str(&format!(
        "fastly kv-store-entry create --store-id \"$STORE_ID\" --key recs/current --value {version}\n"
    ));
    let pointer = out.join("recs").join("current");
    std::fs::write(&pointer, version).map_err(|e| fail(&pointer, e))?;
    let bulk_path = out.join("kv-bulk.json");
    let json = serde_json::to_string(&bulk).map_err(|e| e.to_string())?;
    std::fs::write(&bulk_path, json).map_err(|e| fail(&bulk_path, e))?;
    let script = out.join("publish-fastly.sh");
    std::fs::write(&script, fastly).map_err(|e| fail(&script, e))?;
    eprintln!(
        "wrote {} blob(s) under {}\npublish: wrangler kv bulk put {} --binding tailor_kv, then \
         wrangler kv key put recs/current {version} --binding tailor_kv\n         or STORE_ID=… {}",
        blobs.len(),
        dir.display(),
        bulk_path.display(),
        script.display()
    );
    Ok(())
}
