//! Experiments on the in-memory host: arms that rank banners differently, one exposure line
//! per visitor, experiment and day, goals through the beacon, and weights from KV that move
//! new visitors while bucketed ones keep their arm.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::client::{DESKTOP, GOOGLEBOT};
use support::experiments::{
    all_to, config_json, lines_of, EXPERIMENT, LIST_ARM, LIST_ITEMS, MODEL_ARM, WEIGHTS_KEY,
};
use support::native::{cookie_pair, demo_host, get, json, purge, send_body, DEBUG};
use tailor_testing::memory::MemoryHost;

const CONSENT: &str = "tailor_consent=1";

fn host() -> MemoryHost {
    let mut host = demo_host();
    host.put_kv("tailor_kv", "config/v1", config_json());
    host
}

/// A banner for a visitor: new (no visitor cookie) or returning (`visitor`).
fn banner(host: &MemoryHost, visitor: Option<&str>) -> http::Response<Vec<u8>> {
    let cookies = match visitor {
        Some(pair) => format!("{CONSENT}; {pair}"),
        None => CONSENT.to_owned(),
    };
    get(
        host,
        "/banner.json?slot=hero",
        &[("user-agent", DESKTOP), ("cookie", &cookies), DEBUG],
    )
}

fn arm_of(response: &http::Response<Vec<u8>>) -> String {
    json(response)["buckets"][EXPERIMENT]
        .as_str()
        .unwrap()
        .to_owned()
}

fn log_lines(host: &MemoryHost, event: &str) -> Vec<serde_json::Value> {
    let logs = host.logs.borrow();
    let text: Vec<&str> = logs.iter().map(|(_, line)| line.as_str()).collect();
    lines_of(&text.join("\n"), event)
}

#[test]
fn arms_with_different_rankings_serve_different_banners() {
    let host = host();
    let mut seen = std::collections::BTreeMap::new();
    for _ in 0..40 {
        let response = banner(&host, None);
        let body = String::from_utf8_lossy(response.body()).into_owned();
        assert_eq!(response.status(), 200, "{body}");
        let ranking = response.headers()["x-tailor-ranking"]
            .to_str()
            .unwrap()
            .to_owned();
        let items = json(&response)["items"].as_array().unwrap().len();
        seen.insert(arm_of(&response), (ranking, items));
        if seen.len() == 2 {
            break;
        }
    }
    assert_eq!(seen[MODEL_ARM], ("model v3".to_owned(), 4));
    assert_eq!(
        seen[LIST_ARM],
        ("category-rerank v3".to_owned(), LIST_ITEMS)
    );
    // The impression lines name each arm's policy.
    let impressions = log_lines(&host, "impression");
    for (arm, policy) in [(MODEL_ARM, "model"), (LIST_ARM, "category-rerank")] {
        assert!(
            impressions
                .iter()
                .any(|l| l["arms"][EXPERIMENT] == arm && l["policy"] == policy),
            "{arm}: {impressions:?}"
        );
    }
}

#[test]
fn one_exposure_per_visitor_experiment_and_day() {
    let host = host();
    let first = banner(&host, None);
    let visitor = cookie_pair(&first).unwrap();
    let id = log_lines(&host, "impression")[0]["visitor"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = banner(&host, Some(&visitor));
    // The first banner's cookie remembers the exposure: the second writes none and sets none.
    assert!(second.headers().get("set-cookie").is_none());
    let exposures = log_lines(&host, "exposure");
    let ranking: Vec<_> = exposures
        .iter()
        .filter(|l| l["experiment"] == EXPERIMENT)
        .collect();
    assert_eq!(ranking.len(), 1, "{exposures:?}");
    let line = ranking[0];
    assert_eq!(line["visitor"], id.as_str());
    assert_eq!(line["arm"], arm_of(&first).as_str());
    assert_eq!(line["segment"], "desktop");
    assert_eq!(line["weights"][MODEL_ARM], 0.5);
    assert_eq!(line["weights"][LIST_ARM], 0.5);
    assert!(line["ts_ms"].as_u64().unwrap() > 1_700_000_000_000);
    // hero-layout changes desktop's template, so it is exposed too; badge-copy does not apply.
    assert_eq!(
        exposures
            .iter()
            .filter(|l| l["experiment"] == "hero-layout")
            .count(),
        1
    );
    assert!(exposures.iter().all(|l| l["experiment"] != "badge-copy"));
    // The next UTC day the same visitor is exposed once more.
    host.advance(86_400.0);
    let next_day = banner(&host, Some(&visitor));
    let visitor = cookie_pair(&next_day).unwrap();
    banner(&host, Some(&visitor));
    let ranking = log_lines(&host, "exposure")
        .into_iter()
        .filter(|l| l["experiment"] == EXPERIMENT)
        .count();
    assert_eq!(ranking, 2);
}

#[test]
fn visitors_without_consent_and_bots_are_never_exposed() {
    let host = host();
    get(
        &host,
        "/banner.json?slot=hero",
        &[("user-agent", GOOGLEBOT), ("cookie", CONSENT)],
    );
    get(&host, "/banner.json?slot=hero", &[("user-agent", DESKTOP)]);
    get(
        &host,
        "/banner.json?slot=hero",
        &[
            ("user-agent", DESKTOP),
            ("cookie", CONSENT),
            ("sec-gpc", "1"),
        ],
    );
    assert_eq!(log_lines(&host, "impression").len(), 3);
    assert!(log_lines(&host, "exposure").is_empty());
}

#[test]
fn goals_are_logged_with_the_arms_and_undeclared_ones_refused() {
    let host = host();
    let visitor = cookie_pair(&banner(&host, None)).unwrap();
    let cookies = format!("{CONSENT}; {visitor}");
    let headers = [("user-agent", DESKTOP), ("cookie", cookies.as_str())];
    let body = br#"{"type":"goal","name":"purchase","value":49.90}"#.to_vec();
    let posted = send_body(&host, "POST", "/events", &headers, body);
    assert_eq!(posted.status(), 204);
    let goals = log_lines(&host, "goal");
    assert_eq!(goals.len(), 1);
    let goal = &goals[0];
    assert_eq!(goal["name"], "purchase");
    assert_eq!(goal["value"], 49.9);
    assert!(goal["visitor"].is_string());
    assert_eq!(goal["segment"], "desktop");
    assert!(goal["arms"][EXPERIMENT].is_string());
    assert!(goal["ts_ms"].is_u64());
    // A goal is not an interaction: the history stays empty, so no cookie changes.
    assert!(posted.headers().get("set-cookie").is_none());
    let anonymous = send_body(
        &host,
        "POST",
        "/events",
        &[("user-agent", DESKTOP)],
        br#"{"type":"goal","name":"signup"}"#.to_vec(),
    );
    assert_eq!(anonymous.status(), 204);
    let goals = log_lines(&host, "goal");
    assert_eq!(goals[1]["value"], serde_json::Value::Null);
    assert_eq!(goals[1]["visitor"], serde_json::Value::Null);
    for body in [
        &br#"{"type":"goal","name":"refund","value":1}"#[..],
        br#"{"type":"goal","name":"purchase","value":1e13}"#,
        br#"{"type":"goal","name":"purchase","item":"sku-1"}"#,
    ] {
        let refused = send_body(&host, "POST", "/events", &headers, body.to_vec());
        assert_eq!(refused.status(), 400, "{}", String::from_utf8_lossy(body));
        let error = String::from_utf8_lossy(refused.body()).into_owned();
        assert!(error.contains("(body)"), "{error}");
    }
    let refused = send_body(
        &host,
        "POST",
        "/events",
        &headers,
        br#"{"type":"goal","name":"refund"}"#.to_vec(),
    );
    let text = String::from_utf8_lossy(refused.body()).into_owned();
    assert!(
        text.contains("'refund' is not a declared goal; declared: purchase, signup"),
        "{text}"
    );
    assert_eq!(log_lines(&host, "goal").len(), 2);
}

#[test]
fn new_weights_move_new_visitors_and_recorded_arms_stay() {
    let mut host = host();
    // A visitor bucketed under the config's 50/50 split.
    let first = banner(&host, None);
    let visitor = cookie_pair(&first).unwrap();
    let kept = arm_of(&first);
    let other = if kept == MODEL_ARM {
        LIST_ARM
    } else {
        MODEL_ARM
    };
    // Every new visitor now goes to the other arm.
    host.put_kv("tailor_kv", WEIGHTS_KEY, all_to(other));
    for _ in 0..20 {
        assert_eq!(arm_of(&banner(&host, None)), other);
    }
    for _ in 0..3 {
        let again = banner(&host, Some(&visitor));
        assert_eq!(arm_of(&again), kept);
    }
    // Under the new weights only the new visitors are exposed (the bucketed one was, today,
    // under the old split), each with the split in force.
    let exposures: Vec<_> = log_lines(&host, "exposure")
        .into_iter()
        .filter(|l| l["experiment"] == EXPERIMENT)
        .collect();
    assert_eq!(exposures.len(), 21);
    assert_eq!(exposures[0]["weights"][MODEL_ARM], 0.5);
    for line in &exposures[1..] {
        assert_eq!(line["arm"], other);
        assert_eq!(line["weights"][other], 1.0);
        assert_eq!(line["weights"][kept.as_str()], 0.0);
    }
}

#[test]
fn corrupt_weights_are_refused_and_the_config_weights_serve() {
    let mut host = host();
    host.put_kv(
        "tailor_kv",
        WEIGHTS_KEY,
        r#"{"version":"w","experiments":{"ranking":{"list":-1}}}"#,
    );
    let mut arms = std::collections::BTreeSet::new();
    for _ in 0..40 {
        arms.insert(arm_of(&banner(&host, None)));
    }
    assert_eq!(arms.len(), 2, "both arms still get new visitors");
    let logs = host.logs.borrow();
    assert!(logs
        .iter()
        .any(|(_, l)| l.contains("experiment_weights") && l.contains("\"error\"")));
}

#[test]
fn old_cookies_without_arms_are_bucketed_and_recorded() {
    let host = demo_host();
    // The demo config (no ranking experiment): a visitor gets a cookie recording its arms.
    let first = get(
        &host,
        "/banner.json?slot=hero",
        &[("user-agent", DESKTOP), ("cookie", CONSENT), DEBUG],
    );
    let visitor = cookie_pair(&first).unwrap();
    let buckets = first.headers()["x-tailor-buckets"]
        .to_str()
        .unwrap()
        .to_owned();
    // The same visitor under the fixture config: the new experiment is recorded once.
    let mut host = host;
    host.put_kv("tailor_kv", "config/v1", config_json());
    // Published: purging `config` drops the copy the cache keeps for 30 s.
    assert_eq!(purge(&host, "config").status(), 200);
    let later = banner(&host, Some(&visitor));
    let later_buckets = later.headers()["x-tailor-buckets"].to_str().unwrap();
    assert!(
        later_buckets.starts_with(&buckets),
        "{later_buckets} vs {buckets}"
    );
    assert!(cookie_pair(&later).is_some());
}

/// The reasons header of a model-arm visitor's banner after one click on the first item of
/// their first banner, under the fixture config with the model arm's `model` overrides.
fn reasons_after_a_click(model_overrides: Option<serde_json::Value>) -> String {
    let mut config: serde_json::Value = serde_json::from_str(&config_json()).unwrap();
    if let Some(overrides) = model_overrides {
        let experiments = config["experiments"].as_array_mut().unwrap();
        let experiment = experiments
            .iter_mut()
            .find(|e| e["name"] == EXPERIMENT)
            .unwrap();
        experiment["arms"][0]["model"] = overrides;
    }
    let mut host = demo_host();
    host.put_kv("tailor_kv", "config/v1", config.to_string());
    host.put_kv("tailor_kv", WEIGHTS_KEY, all_to(MODEL_ARM));
    let first = banner(&host, None);
    assert_eq!(arm_of(&first), MODEL_ARM);
    let item = json(&first)["items"][0]["id"].as_str().unwrap().to_owned();
    let cookies = format!("{CONSENT}; {}", cookie_pair(&first).unwrap());
    let click = serde_json::json!({"type": "click", "item": item}).to_string();
    let posted = send_body(
        &host,
        "POST",
        "/events",
        &[("user-agent", DESKTOP), ("cookie", &cookies)],
        click.into_bytes(),
    );
    assert_eq!(posted.status(), 204);
    let after = banner(&host, Some(&cookie_pair(&posted).unwrap()));
    assert_eq!(after.headers()["x-tailor-ranking"], "model v3");
    after.headers()["x-tailor-reasons"]
        .to_str()
        .unwrap()
        .to_owned()
}

#[test]
fn an_arm_may_weigh_the_model_its_own_way() {
    // recs.model's weights: the clicked item's trained neighbours lead the next banner.
    let plain = reasons_after_a_click(None);
    assert!(plain.contains("neighbour of"), "{plain}");
    // An arm whose segment list outweighs any neighbour's vote serves the list's order.
    let listy = reasons_after_a_click(Some(serde_json::json!({"segment_weight": 1000})));
    assert!(!listy.contains("neighbour of"), "{listy}");
    assert!(listy.contains("segment list"), "{listy}");
}

#[test]
fn a_rewritten_page_exposes_like_a_banner() {
    let host = host();
    let cookies = CONSENT.to_owned();
    let page = get(
        &host,
        "/page/index.html",
        &[("user-agent", DESKTOP), ("cookie", &cookies)],
    );
    assert_eq!(page.status(), 200);
    let visitor = cookie_pair(&page).unwrap();
    let exposures = log_lines(&host, "exposure");
    let ranking: Vec<_> = exposures
        .iter()
        .filter(|l| l["experiment"] == EXPERIMENT)
        .collect();
    assert_eq!(ranking.len(), 1, "{exposures:?}");
    // The page's cookie remembers it: a banner the same day writes none and sets none.
    let later = banner(&host, Some(&visitor));
    assert_eq!(later.status(), 200);
    assert!(later.headers().get("set-cookie").is_none());
    let again = log_lines(&host, "exposure")
        .into_iter()
        .filter(|l| l["experiment"] == EXPERIMENT)
        .count();
    assert_eq!(again, 1);
}
