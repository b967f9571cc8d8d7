//! The trained model end to end: the demo model (trained by `make demo-model` from a
//! synthetic log of the demo catalogue) ranks the desktop banner; after a click on an item
//! the next banner holds the item's trained neighbours and the debug header says so; with
//! no model published the JSON lists serve; a corrupt model is refused with a logged error;
//! a model other than the bundled one ranks once published.
//! (That the last good model keeps serving after a corrupt publish needs KV to change under
//! a running instance: tests/native_model.rs covers it.)

use super::{check, expect_status};
use crate::support::banners::ids;
use crate::support::client::{get, request_with_body, Got, DEBUG, DESKTOP};
use crate::support::configs::edited_demo_config;
use crate::support::models::other_model;
use crate::support::viceroy::{project_root, run_dir, Harness};
use libtest_mimic::Failed;
use tailor_model::Model;

const MODEL_KEY: &str = "recs/v3/model.tlrm";

fn cookie_pair(got: &Got) -> String {
    got.header("set-cookie")
        .and_then(|c| c.split(';').next())
        .unwrap_or("")
        .to_owned()
}

fn demo_model() -> Vec<u8> {
    std::fs::read(project_root().join("demo/kv/recs/v3/model.tlrm")).unwrap_or_default()
}

/// The trained neighbours of `item` in the demo model, best first.
fn neighbours_of(bytes: &[u8], item: &str) -> Vec<String> {
    let Ok(view) = Model::open(bytes) else {
        return Vec::new();
    };
    let row = view.find(item).and_then(|i| view.neighbours(i));
    row.iter()
        .flat_map(|r| r.iter())
        .filter_map(|(index, _)| view.id(index).map(str::to_owned))
        .collect()
}

pub(crate) fn a_click_brings_the_items_trained_neighbours_into_the_next_banner(
    h: &Harness,
) -> Result<(), Failed> {
    let url = h.url("/banner.json?slot=hero");
    let first = get(
        &url,
        &[
            ("User-Agent", DESKTOP),
            ("Cookie", "tailor_consent=1"),
            DEBUG,
        ],
    );
    expect_status(&first, 200)?;
    check(first.header("x-tailor-ranking") == Some("model v3"), || {
        format!("{:?}", first.headers)
    })?;
    let bytes = demo_model();
    let shown = ids(&first.json());
    // The first shown item that has trained neighbours: the visitor clicks it.
    let (item, neighbours) = shown
        .iter()
        .map(|id| (id.clone(), neighbours_of(&bytes, id)))
        .find(|(_, n)| !n.is_empty())
        .ok_or("no shown item has neighbours")?;
    let cookies = format!("tailor_consent=1; {}", cookie_pair(&first));
    let event = serde_json::json!({"type": "click", "item": item, "slot": "hero"});
    let posted = request_with_body(
        "POST",
        &h.url("/events"),
        &[
            ("User-Agent", DESKTOP),
            ("Cookie", &cookies),
            ("Content-Type", "text/plain;charset=UTF-8"),
        ],
        event.to_string().into_bytes(),
    );
    expect_status(&posted, 204)?;
    let cookies = format!("tailor_consent=1; {}", cookie_pair(&posted));
    let after = get(
        &url,
        &[("User-Agent", DESKTOP), ("Cookie", &cookies), DEBUG],
    );
    expect_status(&after, 200)?;
    let now = ids(&after.json());
    let reasons = after.header("x-tailor-reasons").unwrap_or("").to_owned();
    check(!now.contains(&item), || {
        format!("clicked {item} shown again: {now:?}")
    })?;
    check(now.iter().any(|id| neighbours.contains(id)), || {
        format!("none of {item}'s neighbours {neighbours:?} in {now:?}")
    })?;
    check(reasons.contains(&format!("neighbour of {item}")), || {
        format!("reasons: {reasons}")
    })?;
    check(
        after
            .header("server-timing")
            .is_some_and(|t| t.contains("model;dur=") && t.contains("rank;dur=")),
        || format!("{:?}", after.headers),
    )
}

pub(crate) fn without_a_model_the_segment_lists_serve(h: &Harness) -> Result<(), Failed> {
    let harness = h.restart_with(&[(MODEL_KEY, None)]);
    let got = get(
        &harness.url("/banner.json?slot=hero"),
        &[("User-Agent", DESKTOP), DEBUG],
    );
    expect_status(&got, 200)?;
    check(
        got.header("x-tailor-ranking") == Some("category-rerank v3"),
        || format!("{:?}", got.headers),
    )?;
    check(got.header("x-tailor-source") == Some("kv"), || {
        format!("{:?}", got.headers)
    })?;
    check(ids(&got.json()).len() == 4, || got.text())
}

pub(crate) fn a_corrupt_model_is_refused_and_logged(h: &Harness) -> Result<(), Failed> {
    let mut corrupt = demo_model();
    let middle = corrupt.len() / 2;
    if let Some(byte) = corrupt.get_mut(middle) {
        *byte ^= 0xff;
    }
    let path = run_dir().join("corrupt-model.tlrm");
    std::fs::write(&path, corrupt)?;
    let harness = h.restart_with(&[(MODEL_KEY, Some(path))]);
    let got = get(
        &harness.url("/banner.json?slot=hero"),
        &[("User-Agent", DESKTOP), DEBUG],
    );
    expect_status(&got, 200)?;
    // A fresh instance has no good model yet: the lists serve.
    check(
        got.header("x-tailor-ranking") == Some("category-rerank v3"),
        || format!("{:?}", got.headers),
    )?;
    check(ids(&got.json()).len() == 4, || got.text())?;
    for _ in 0..50 {
        if harness.log().contains("model_refused") {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Err(format!("no model_refused line: {}", harness.log()).into())
}

/// The host refuses a model blob past `limits.max_model_bytes` before reading it (Fastly: by
/// its known length; workerd: while streaming it in): here a 4 KiB limit and the 53 KB demo
/// model.
pub(crate) fn a_model_over_the_size_limit_is_refused_before_it_is_read(
    h: &Harness,
) -> Result<(), Failed> {
    let file = edited_demo_config("small-model-limit", |config| {
        config["limits"]["max_model_bytes"] = serde_json::json!(4096);
    });
    let harness = h.restart_with(&[("config/v1", Some(file))]);
    let got = get(
        &harness.url("/banner.json?slot=hero"),
        &[("User-Agent", DESKTOP), DEBUG],
    );
    expect_status(&got, 200)?;
    check(
        got.header("x-tailor-ranking") == Some("category-rerank v3"),
        || format!("{:?}", got.headers),
    )?;
    check(ids(&got.json()).len() == 4, || got.text())?;
    for _ in 0..50 {
        let log = harness.log();
        if log.contains("model_refused") && log.contains("4096-byte limit") {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Err(format!("no model_refused line naming the limit: {}", harness.log()).into())
}

/// A model published to KV that is not the one the Fastly snapshot bundles ranks the banner,
/// read from the cache on every request after the first (never the snapshot's copy).
pub(crate) fn a_model_other_than_the_bundled_one_ranks_when_published(
    h: &Harness,
) -> Result<(), Failed> {
    let path = run_dir().join("other-model.tlrm");
    std::fs::write(&path, other_model())?;
    let harness = h.restart_with(&[(MODEL_KEY, Some(path))]);
    let url = harness.url("/banner.json?slot=hero");
    for _ in 0..3 {
        let got = get(&url, &[("User-Agent", DESKTOP), DEBUG]);
        expect_status(&got, 200)?;
        check(got.header("x-tailor-ranking") == Some("model v3"), || {
            format!("{:?}", got.headers)
        })?;
        check(got.header("x-tailor-model").is_none(), || {
            format!("the bundled model ranked: {:?}", got.headers)
        })?;
        check(ids(&got.json()) == ["o1", "o2"], || got.text())?;
    }
    Ok(())
}
