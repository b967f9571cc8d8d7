//! The binary forms of what is published to KV, end to end. A config compiled by `tailor check
//! --compile`: read from KV, then from the platform cache (Viceroy, a fresh instance per
//! request) or the isolate's memory (workerd); a damaged compiled copy refused with a 500
//! naming it and a logged error; a compiled copy of another build's format read from the JSON
//! it carries. A segment list in its compact form: served as its JSON is, and a damaged one
//! refused with a logged fallback. (The JSON forms are what every other case publishes. That
//! the last good config or list keeps serving after a damaged publish needs KV to change under
//! a running instance: tests/native_config.rs and tests/native_lists_compact.rs cover it.)

use super::{check, expect_json_error, expect_status};
use crate::support::banners::ids;
use crate::support::client::{get, Got, DEBUG, DESKTOP, IPHONE};
use crate::support::viceroy::{project_root, run_dir, Harness, Runtime};
use libtest_mimic::Failed;
use tailor_config::compiled::{relabelled, FORMAT};
use tailor_config::Config;
use tailor_core::recs::{compact, parse_list};

/// The demo config with hero banners of 3 items, compiled.
fn compiled_config() -> Vec<u8> {
    let mut doc: serde_json::Value = serde_json::from_str(tailor_demo::CONFIG_JSON).unwrap();
    doc["banners"]["slots"]["hero"]["max_items"] = 3.into();
    Config::compile(doc.to_string().as_bytes()).unwrap().1
}

fn harness_with(h: &Harness, name: &str, config: Vec<u8>) -> Result<Harness, Failed> {
    let path = run_dir().join(name);
    std::fs::write(&path, config)?;
    Ok(h.restart_with(&[("config/v1", Some(path))]))
}

fn hero(h: &Harness) -> Got {
    get(
        &h.url("/banner.json?slot=hero"),
        &[("User-Agent", DESKTOP), DEBUG],
    )
}

/// The hero banner has the compiled config's 3 items, read through `via`.
fn served(got: &Got, via: &str) -> Result<(), Failed> {
    expect_status(got, 200)?;
    let items = got.json()["items"].as_array().map_or(0, Vec::len);
    check(items == 3, || got.text())?;
    let source = got.header("x-tailor-config").unwrap_or("");
    check(
        source == format!("kv:tailor_kv/config/v1 from {via}"),
        || source.to_owned(),
    )
}

fn logged(h: &Harness, needle: &str) -> bool {
    (0..50).any(|_| {
        let found = h.log().contains(needle);
        if !found {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        found
    })
}

pub(crate) fn a_compiled_config_serves_and_a_damaged_one_is_refused(
    h: &Harness,
) -> Result<(), Failed> {
    let compiled = compiled_config();
    let harness = harness_with(h, "compiled-config.tcfg", compiled.clone())?;
    served(&hero(&harness), "kv")?;
    let kept = match h.runtime {
        Runtime::Viceroy => "cache",
        Runtime::Workerd => "memory",
    };
    served(&hero(&harness), kept)?;

    let mut damaged = compiled.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x01;
    let harness = harness_with(h, "damaged-config.tcfg", damaged)?;
    let got = hero(&harness);
    expect_json_error(&got, 500, "invalid_config")?;
    let detail = got.json()["detail"].as_str().unwrap_or("").to_owned();
    check(
        detail.contains("(compiled)") && detail.contains("checksum"),
        || detail.clone(),
    )?;
    check(logged(&harness, "config_refused"), || harness.log())?;

    let harness = harness_with(h, "other-format.tcfg", relabelled(compiled, FORMAT + 1))?;
    served(&hero(&harness), "kv")?;
    check(logged(&harness, "config_recompiled"), || harness.log())
}

pub(crate) fn a_compact_list_serves_and_a_damaged_one_falls_back(
    h: &Harness,
) -> Result<(), Failed> {
    let json = std::fs::read(project_root().join("demo/kv/recs/v3/mobile.json"))?;
    let list = parse_list(&json, 1 << 20)?;
    let published: Vec<String> = list.items.iter().map(|i| i.id.clone()).collect();
    let with_list = |name: &str, bytes: Vec<u8>| -> Result<Harness, Failed> {
        let path = run_dir().join(name);
        std::fs::write(&path, bytes)?;
        // Without a model the segment lists rank the banners.
        let overrides = [("recs/v3/model.tlrm", None), ("recs/v3/mobile", Some(path))];
        Ok(h.restart_with(&overrides))
    };
    let mobile = |h: &Harness| {
        get(
            &h.url("/banner.json?slot=hero"),
            &[("User-Agent", IPHONE), DEBUG],
        )
    };
    let harness = with_list("mobile.tlrl", compact::encode(&list))?;
    let kept = match h.runtime {
        Runtime::Viceroy => "cache",
        Runtime::Workerd => "memory",
    };
    for source in ["kv", kept] {
        let got = mobile(&harness);
        expect_status(&got, 200)?;
        check(got.header("x-tailor-source") == Some(source), || {
            format!("{source}: {:?}", got.headers)
        })?;
        let shown = ids(&got.json());
        check(
            shown.len() == 4 && shown.iter().all(|id| published.contains(id)),
            || got.text(),
        )?;
    }

    let mut damaged = compact::encode(&list);
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x01;
    let harness = with_list("damaged.tlrl", damaged)?;
    let got = mobile(&harness);
    expect_status(&got, 200)?;
    // A fresh instance has no last good list: the bundled default serves.
    check(got.header("x-tailor-source") == Some("default"), || {
        format!("{:?}", got.headers)
    })?;
    check(logged(&harness, "checksum does not match"), || {
        harness.log()
    })
}
