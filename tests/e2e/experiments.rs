//! Experiments end to end, on both runtimes, under the experiments fixture config (the demo's
//! plus an experiment whose arms rank by the trained model or by the segment list with three
//! items, and declared goals): arms with different policies serve different banners; one
//! exposure line per visitor, experiment and day, from a banner or a page; goals reach the log
//! with the visitor's arm; weights written to KV (`experiments/weights`, as `tailor report
//! --write-weights` writes them) move new visitors without a redeploy while a visitor with a
//! recorded arm keeps it.

use super::{check, expect_status};
use crate::support::client::{get, request_with_body, Got, DEBUG, DESKTOP};
use crate::support::experiments::{
    all_to, config_json, logged, EXPERIMENT, LIST_ARM, LIST_ITEMS, MODEL_ARM, WEIGHTS_KEY,
};
use crate::support::viceroy::{run_dir, Harness};
use libtest_mimic::Failed;
use std::path::PathBuf;

const CONSENT: &str = "tailor_consent=1";

fn write(name: &str, contents: &str) -> PathBuf {
    let path = run_dir().join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// The runtime restarted with the fixture config, and optionally a weights document.
fn with_experiments(h: &Harness, weights: Option<&str>) -> Harness {
    let config = write("experiments-config.json", &config_json());
    let weights = weights.map(|w| write("experiments-weights.json", w));
    h.restart_with(&[("config/v1", Some(config)), (WEIGHTS_KEY, weights)])
}

fn cookie_pair(got: &Got) -> Option<String> {
    Some(got.header("set-cookie")?.split(';').next()?.to_owned())
}

fn banner(h: &Harness, visitor: Option<&str>) -> Got {
    let cookies = match visitor {
        Some(pair) => format!("{CONSENT}; {pair}"),
        None => CONSENT.to_owned(),
    };
    get(
        &h.url("/banner.json?slot=hero"),
        &[("User-Agent", DESKTOP), ("Cookie", &cookies), DEBUG],
    )
}

fn arm_of(got: &Got) -> String {
    got.json()["buckets"][EXPERIMENT]
        .as_str()
        .unwrap_or("")
        .to_owned()
}

pub(crate) fn experiment_arms_with_different_rankings_serve_different_banners(
    h: &Harness,
) -> Result<(), Failed> {
    let harness = with_experiments(h, None);
    let mut seen = std::collections::BTreeMap::new();
    for _ in 0..40 {
        let got = banner(&harness, None);
        expect_status(&got, 200)?;
        let ranking = got.header("x-tailor-ranking").unwrap_or("").to_owned();
        let items = got.json()["items"].as_array().map_or(0, Vec::len);
        seen.insert(arm_of(&got), (ranking, items));
        if seen.len() == 2 {
            break;
        }
    }
    check(
        seen.get(MODEL_ARM) == Some(&("model v3".to_owned(), 4)),
        || format!("{seen:?}"),
    )?;
    check(
        seen.get(LIST_ARM) == Some(&("category-rerank v3".to_owned(), LIST_ITEMS)),
        || format!("{seen:?}"),
    )?;
    let has = |lines: &[serde_json::Value], arm: &str, policy: &str| {
        lines
            .iter()
            .any(|l| l["arms"][EXPERIMENT] == arm && l["policy"] == policy)
    };
    let impressions = logged(&harness, "impression", |l| {
        has(l, MODEL_ARM, "model") && has(l, LIST_ARM, "category-rerank")
    });
    check(
        has(&impressions, MODEL_ARM, "model") && has(&impressions, LIST_ARM, "category-rerank"),
        || format!("impressions: {impressions:?}"),
    )
}

pub(crate) fn experiment_exposure_is_logged_once_per_visitor_and_day(
    h: &Harness,
) -> Result<(), Failed> {
    let harness = with_experiments(h, None);
    let first = banner(&harness, None);
    expect_status(&first, 200)?;
    let visitor = cookie_pair(&first).ok_or("no visitor cookie")?;
    let second = banner(&harness, Some(&visitor));
    expect_status(&second, 200)?;
    check(second.header("set-cookie").is_none(), || {
        format!("second banner re-sealed: {:?}", second.headers)
    })?;
    let third = banner(&harness, Some(&visitor));
    expect_status(&third, 200)?;
    let impressions = logged(&harness, "impression", |l| l.len() >= 3);
    let id = impressions
        .first()
        .and_then(|l| l["visitor"].as_str())
        .ok_or("no impression with a visitor")?
        .to_owned();
    // Give a stray second line time to show up before counting.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let exposures: Vec<serde_json::Value> = logged(&harness, "exposure", |l| !l.is_empty())
        .into_iter()
        .filter(|l| l["experiment"] == EXPERIMENT && l["visitor"] == id.as_str())
        .collect();
    check(exposures.len() == 1, || format!("{exposures:?}"))?;
    let line = &exposures[0];
    check(
        line["arm"] == arm_of(&first).as_str()
            && line["segment"] == "desktop"
            && line["weights"][MODEL_ARM] == 0.5
            && line["weights"][LIST_ARM] == 0.5
            && line["ts_ms"].is_u64(),
        || line.to_string(),
    )?;
    // A page with banners exposes a new visitor too, and its cookie remembers it.
    let page = get(
        &harness.url("/page/index.html"),
        &[("User-Agent", DESKTOP), ("Cookie", CONSENT)],
    );
    expect_status(&page, 200)?;
    let reader = cookie_pair(&page).ok_or("no visitor cookie from the page")?;
    let after = banner(&harness, Some(&reader));
    check(after.header("set-cookie").is_none(), || {
        format!("a banner after the page re-sealed: {:?}", after.headers)
    })?;
    let ranking = |lines: &[serde_json::Value]| {
        lines
            .iter()
            .filter(|l| l["experiment"] == EXPERIMENT)
            .count()
    };
    logged(&harness, "exposure", |l| ranking(l) >= 2);
    // Again, time for a stray third line before counting.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let exposures = logged(&harness, "exposure", |_| true);
    check(ranking(&exposures) == 2, || format!("{exposures:?}"))
}

pub(crate) fn experiment_goal_beacons_reach_the_log_with_the_arm(
    h: &Harness,
) -> Result<(), Failed> {
    let harness = with_experiments(h, None);
    let first = banner(&harness, None);
    let arm = arm_of(&first);
    let visitor = cookie_pair(&first).ok_or("no visitor cookie")?;
    let cookies = format!("{CONSENT}; {visitor}");
    let headers = [
        ("User-Agent", DESKTOP),
        ("Cookie", cookies.as_str()),
        ("Content-Type", "text/plain;charset=UTF-8"),
    ];
    let posted = request_with_body(
        "POST",
        &harness.url("/events"),
        &headers,
        br#"{"type":"goal","name":"purchase","value":49.90}"#.to_vec(),
    );
    expect_status(&posted, 204)?;
    let refused = request_with_body(
        "POST",
        &harness.url("/events"),
        &headers,
        br#"{"type":"goal","name":"refund"}"#.to_vec(),
    );
    expect_status(&refused, 400)?;
    check(refused.text().contains("not a declared goal"), || {
        refused.text()
    })?;
    let goals = logged(&harness, "goal", |l| !l.is_empty());
    check(goals.len() == 1, || format!("{goals:?}"))?;
    let goal = &goals[0];
    check(
        goal["name"] == "purchase"
            && goal["value"] == 49.9
            && goal["visitor"].is_string()
            && goal["segment"] == "desktop"
            && goal["arms"][EXPERIMENT] == arm.as_str(),
        || goal.to_string(),
    )
}

pub(crate) fn experiment_weights_in_kv_move_new_visitors_and_keep_recorded_arms(
    h: &Harness,
) -> Result<(), Failed> {
    // Before: the config's 50/50 split; a visitor is bucketed and their arm recorded.
    let before = with_experiments(h, None);
    let first = banner(&before, None);
    expect_status(&first, 200)?;
    let visitor = cookie_pair(&first).ok_or("no visitor cookie")?;
    let kept = arm_of(&first);
    let other = if kept == MODEL_ARM {
        LIST_ARM
    } else {
        MODEL_ARM
    };
    drop(before);
    // The same deployment (wasm and config) with every new visitor sent to the other arm.
    let after = with_experiments(h, Some(&all_to(other)));
    for _ in 0..10 {
        let got = banner(&after, None);
        expect_status(&got, 200)?;
        check(arm_of(&got) == other, || {
            format!(
                "a new visitor got {} under weights all to {other}",
                arm_of(&got)
            )
        })?;
    }
    let again = banner(&after, Some(&visitor));
    expect_status(&again, 200)?;
    check(arm_of(&again) == kept, || {
        format!(
            "the bucketed visitor moved from {kept} to {}",
            arm_of(&again)
        )
    })?;
    // New visitors' exposures carry the split in force; the kept visitor, exposed today
    // already (the cookie remembers it across the restart), writes none.
    let exposures: Vec<serde_json::Value> = logged(&after, "exposure", |l| l.len() >= 20)
        .into_iter()
        .filter(|e| e["experiment"] == EXPERIMENT)
        .collect();
    check(exposures.len() == 10, || format!("{exposures:?}"))?;
    check(
        exposures.iter().all(|e| {
            e["arm"] == other && e["weights"][other] == 1.0 && e["weights"][kept.as_str()] == 0.0
        }),
        || format!("{exposures:?}"),
    )
}
