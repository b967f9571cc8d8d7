//! What a fresh instance starts with: on Fastly, the build's pre-initialized snapshot (the
//! config parsed, its templates compiled) with an untouched heap reserve above it, and on both
//! runtimes a random source of its own, which a snapshot must not freeze.

use super::check;
use crate::support::client::{get, DEBUG, DESKTOP};
use crate::support::viceroy::{wasm_path, Harness, Runtime};
use crate::support::wasm_layout::layout;
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
    if prepared {
        // The requests' heap (`crates/fastly/src/fresh_heap.rs`): at least 1 MiB of declared
        // memory above the snapshot's last byte, so none of it is in the image.
        let wasm = std::fs::read(wasm_path()).map_err(|e| e.to_string())?;
        let memory = layout(&wasm);
        check(memory.initial_bytes >= memory.data_end + (1 << 20), || {
            format!("no untouched reserve above the snapshot: {memory:?}")
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
