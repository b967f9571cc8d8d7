//! What a fresh instance starts with: on Fastly, the build's pre-initialized snapshot (the
//! config parsed, its templates compiled, the bundled model checked, which ranks a banner
//! without reading the published copy's bytes while the two are the same) with an untouched
//! heap reserve above it, entered without the C library's start-up, and on both runtimes a
//! random source of its own, which a snapshot must not freeze.

use super::check;
use crate::support::client::{get, DEBUG, DESKTOP};
use crate::support::viceroy::{wasm_path, Harness, Runtime};
use crate::support::wasm_layout::{exported_functions, layout};
use libtest_mimic::Failed;

pub(crate) fn fastly_instances_start_prepared_and_draw_their_own_randomness(
    h: &Harness,
) -> Result<(), Failed> {
    let url = h.url("/banner?slot=hero");
    let got = get(&url, &[("User-Agent", DESKTOP), DEBUG]);
    let config = got.header("x-tailor-config").unwrap_or("").to_owned();
    // workerd keeps its isolate's memory instead: it parses once per isolate, unprepared.
    let prepared = h.runtime == Runtime::Viceroy;
    check(config.ends_with("(prepared)") == prepared, || {
        format!("{:?}: {config}", h.runtime)
    })?;
    // The banner of a second request (the first may have written the live head) ranks with
    // the snapshot's model: the demo publishes the very model it bundles.
    let again = get(&url, &[("User-Agent", DESKTOP), DEBUG]);
    let model = again.header("x-tailor-model");
    check(
        (model == Some("prepared")) == prepared
            && again.header("x-tailor-ranking") == Some("model v3"),
        || format!("{:?}: {:?}", h.runtime, again.headers),
    )?;
    if prepared {
        // The requests' heap (`crates/fastly/src/fresh_heap.rs`): at least 1 MiB of declared
        // memory above the snapshot's last byte, so none of it is in the image.
        let wasm = std::fs::read(wasm_path()).map_err(|e| e.to_string())?;
        let memory = layout(&wasm);
        check(memory.initial_bytes >= memory.data_end + (1 << 20), || {
            format!("no untouched reserve above the snapshot: {memory:?}")
        })?;
        // Its entry point is the raw wasm's `wizer.resume` (`crates/fastly/src/main.rs`), not
        // the C library's `_start`, which writes to the snapshot's pages in every instance.
        let raw = std::fs::read(wasm_path().with_file_name("tailor-fastly.wasm"))
            .map_err(|e| e.to_string())?;
        let export = |exports: &[(String, u64)], name: &str| {
            exports.iter().find(|(n, _)| n == name).map(|(_, f)| *f)
        };
        let (raw, snapshot) = (exported_functions(&raw), exported_functions(&wasm));
        let (resume, start) = (export(&raw, "wizer.resume"), export(&snapshot, "_start"));
        check(resume.is_some() && start == resume, || {
            format!("_start is function {start:?}, wizer.resume was {resume:?}")
        })?;
    }

    // Each first visit with consent is a new visitor, so each instance drew its own bytes.
    let consent = [("User-Agent", DESKTOP), ("Cookie", "tailor_consent=1")];
    let visitors: Vec<String> = (0..3)
        .map(|_| {
            let got = get(&url, &consent);
            let cookie = got.header("set-cookie").unwrap_or("");
            cookie.split(';').next().unwrap_or("").to_owned()
        })
        .collect();
    check(
        visitors.iter().all(|v| v.starts_with("tailor_visitor="))
            && visitors[0] != visitors[1]
            && visitors[1] != visitors[2]
            && visitors[0] != visitors[2],
        || format!("{visitors:?}"),
    )
}
