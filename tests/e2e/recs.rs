//! Recommendations and pages end to end in Viceroy: versioned lists per segment, the re-rank
//! after click beacons, the bundled default with KV missing, escaping, page assembly with the
//! rest of the page byte-identical, streaming (first half out before the origin finishes) and
//! memory that does not grow with page size.

use super::{check, expect_json_error, expect_status, page_logs};
use crate::support::banners::{categories, ids};
use crate::support::client::{get, request_with_body, Got, DEBUG, DESKTOP};
use crate::support::origin::{gate_timed_out, open_gate};
use crate::support::pages::{assert_assembled, demo_page, GATE_MARKER};
use crate::support::viceroy::Harness;
use libtest_mimic::Failed;
use std::io::Read;

fn cookie_pair(got: &Got) -> String {
    got.header("set-cookie")
        .and_then(|c| c.split(';').next())
        .unwrap_or("")
        .to_owned()
}

/// The body as the page was written: Cloudflare (workerd too) compresses responses for clients
/// that accept gzip, as Fastly does in production with `x-compress-hint`.
fn decoded(got: &Got) -> Vec<u8> {
    if got.header("content-encoding") != Some("gzip") {
        return got.body.clone();
    }
    let mut out = Vec::new();
    let _ = flate2::read::GzDecoder::new(got.body.as_slice()).read_to_end(&mut out);
    out
}

/// The runtime's log, once it contains `needle` (console output can lag the response).
fn log_with(h: &Harness, needle: &str) -> Option<String> {
    for _ in 0..50 {
        let log = h.log();
        if log.contains(needle) {
            return Some(log);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    None
}

pub(crate) fn clicks_rerank_the_next_banner_within_the_caps(h: &Harness) -> Result<(), Failed> {
    // Without a trained model the desktop list and the category re-rank serve.
    let harness = h.restart_with(&[("recs/v3/model.tlrm", None)]);
    let h = &harness;
    let url = h.url("/banner.json?slot=hero");
    let first = get(
        &url,
        &[("User-Agent", DESKTOP), ("Cookie", "tailor_consent=1")],
    );
    expect_status(&first, 200)?;
    let before = first.json();
    check(before["list_version"] == "v3", || before.to_string())?;
    let cookie = cookie_pair(&first);
    check(cookie.starts_with("tailor_visitor=k1."), || {
        format!("{:?}", first.headers)
    })?;
    // Click the best item of a category the banner does not show yet.
    let list: serde_json::Value = serde_json::from_slice(&std::fs::read(
        crate::support::viceroy::project_root().join("demo/kv/recs/v3/desktop.json"),
    )?)?;
    let shown = categories(&before);
    let clicked = list["items"]
        .as_array()
        .and_then(|items| {
            items.iter().find(|i| {
                i.get("starts").is_none()
                    && i.get("ends").is_none()
                    && !shown.contains(&i["category"].as_str().unwrap_or("").to_owned())
            })
        })
        .ok_or("no unshown category")?;
    let item = clicked["id"].as_str().unwrap_or("");
    let category = clicked["category"].as_str().unwrap_or("");
    let cookies = format!("tailor_consent=1; {cookie}");
    let event = serde_json::json!({"events": [
        {"type": "view", "item": item, "category": category, "slot": "hero"},
        {"type": "click", "item": item, "category": category, "slot": "hero"},
    ]});
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
    let updated = cookie_pair(&posted);
    check(
        updated.starts_with("tailor_visitor=k1.") && updated != cookie,
        || format!("{:?}", posted.headers),
    )?;
    let cookies = format!("tailor_consent=1; {updated}");
    let after = get(&url, &[("User-Agent", DESKTOP), ("Cookie", &cookies)]).json();
    check(!ids(&after).contains(&item.to_owned()), || {
        format!("clicked {item} still shown: {after}")
    })?;
    let cats = categories(&after);
    check(cats.first().map(String::as_str) == Some(category), || {
        format!("{category} should lead after the click: {cats:?}")
    })?;
    for c in &cats {
        let n = cats.iter().filter(|x| *x == c).count();
        check(n <= 2, || format!("{c} appears {n} times: {cats:?}"))?;
    }
    // The beacon reached the events log endpoint (both runtimes print it to stdout).
    let logged = log_with(h, "\"click\"").unwrap_or_default();
    check(
        logged
            .lines()
            .any(|l| l.contains("tailor_events") && l.contains(item) && l.contains("\"click\"")),
        || h.log(),
    )
}

pub(crate) fn beacons_are_validated(h: &Harness) -> Result<(), Failed> {
    let post = |body: &[u8], headers: &[(&str, &str)]| {
        request_with_body("POST", &h.url("/events"), headers, body.to_vec())
    };
    expect_json_error(&post(b"{\"type\":\"buy\"}", &[]), 400, "bad_request")?;
    expect_json_error(&post(b"not json", &[]), 400, "bad_request")?;
    expect_json_error(&post(&[b' '; 9000], &[]), 413, "too_large")?;
    let foreign = [("Origin", "https://evil.example")];
    let event = br#"{"type":"view","item":"sku-001","category":"shoes"}"#;
    expect_json_error(&post(event, &foreign), 403, "forbidden")?;
    let anonymous = post(event, &[("User-Agent", DESKTOP)]);
    expect_status(&anonymous, 204)?;
    check(anonymous.header("set-cookie").is_none(), || {
        format!("{:?}", anonymous.headers)
    })?;
    let script = get(&h.url("/tailor.js"), &[]);
    expect_status(&script, 200)?;
    check(script.text().contains("sendBeacon"), || script.text())?;
    // Like every 200, the script has a strong ETag and revalidates with a 304.
    let tag = script.header("etag").unwrap_or_default().to_owned();
    check(tag.starts_with('"'), || format!("{:?}", script.headers))?;
    let again = get(&h.url("/tailor.js"), &[("If-None-Match", tag.as_str())]);
    expect_status(&again, 304)
}

pub(crate) fn the_sale_list_escapes_its_script_title(h: &Harness) -> Result<(), Failed> {
    let query = "slot=hero&utm_campaign=black-friday-2026";
    let json = get(
        &h.url(&format!("/banner.json?{query}")),
        &[("User-Agent", DESKTOP)],
    );
    check(!json.text().contains("<script>"), || json.text())?;
    check(json.text().contains("\\u003cscript\\u003e"), || json.text())?;
    check(json.json()["items"][0]["id"] == "sku-240", || json.text())?;
    let html = get(
        &h.url(&format!("/banner?{query}")),
        &[("User-Agent", DESKTOP)],
    )
    .text();
    check(!html.contains("<script>"), || html.clone())?;
    check(html.contains("Flash deal &lt;script&gt;"), || html.clone())
}

pub(crate) fn expired_and_future_items_never_show(h: &Harness) -> Result<(), Failed> {
    for slot in ["hero", "sidebar"] {
        let body = get(
            &h.url(&format!("/banner.json?slot={slot}")),
            &[("User-Agent", DESKTOP)],
        )
        .json();
        let shown = ids(&body);
        check(
            !shown.iter().any(|id| id == "sku-237" || id == "sku-238"),
            || body.to_string(),
        )?;
    }
    Ok(())
}

pub(crate) fn without_lists_in_kv_the_bundled_default_is_served(h: &Harness) -> Result<(), Failed> {
    // KV without the pointer and the lists: nothing to read, no copy cached yet.
    let mut overrides = vec![("recs/current", None)];
    for segment in [
        "bot", "mobile", "tablet", "desktop", "sale", "lite", "dach", "us",
    ] {
        let key: &'static str = Box::leak(format!("recs/v3/{segment}").into_boxed_str());
        overrides.push((key, None));
    }
    let harness = h.restart_with(&overrides);
    let got = get(
        &harness.url("/banner.json?slot=hero"),
        &[("User-Agent", DESKTOP), DEBUG],
    );
    expect_status(&got, 200)?;
    check(got.header("x-tailor-source") == Some("default"), || {
        format!("{:?}", got.headers)
    })?;
    check(got.json()["list_version"] == "default", || got.text())?;
    check(ids(&got.json()).len() == 4, || got.text())?;
    check(log_with(&harness, "recs_fallback").is_some(), || {
        harness.log()
    })
}

pub(crate) fn pages_get_slots_filled_and_the_rest_byte_identical(
    h: &Harness,
) -> Result<(), Failed> {
    let headers = [("User-Agent", DESKTOP), ("Accept-Encoding", "gzip")];
    let hero = String::from_utf8(decoded(&get(&h.url("/banner?slot=hero"), &headers)))?;
    for path in ["/page/index.html", "/page/gzipped.html"] {
        let page = get(&h.url(path), &headers);
        expect_status(&page, 200)?;
        check(
            page.header("cache-control") == Some("private, no-store"),
            || format!("{path}: {:?}", page.headers),
        )?;
        let (origin, body) = (demo_page(), decoded(&page));
        let outcome = std::panic::catch_unwind(|| assert_assembled(&origin, &body, &hero));
        check(outcome.is_ok(), || {
            format!("{path}:\n{}", String::from_utf8_lossy(&body))
        })?;
    }
    Ok(())
}

pub(crate) fn non_html_and_failed_pages_pass_through(h: &Harness) -> Result<(), Failed> {
    let data = get(&h.url("/page/data.json"), &[("User-Agent", DESKTOP)]);
    expect_status(&data, 200)?;
    check(
        data.text().contains("<div data-tailor-slot")
            && data.header("content-type") == Some("application/json"),
        || data.text(),
    )?;
    let broken = get(&h.url("/page/broken.html"), &[("User-Agent", DESKTOP)]);
    expect_status(&broken, 503)?;
    check(
        broken.body == b"<p data-tailor-slot=\"hero\">origin down</p>",
        || broken.text(),
    )?;
    expect_status(&get(&h.url("/page/nowhere.html"), &[]), 404)?;
    expect_json_error(
        &get(&h.url("/page/bad%3Cname%3E.html"), &[]),
        400,
        "bad_request",
    )
}

pub(crate) fn a_page_streams_before_the_origin_finishes(h: &Harness) -> Result<(), Failed> {
    // The origin sends the first half, then waits until this test has read it: had Tailor
    // buffered the page, the marker could not arrive until the origin gave up waiting.
    let run = format!("{:?}", h.runtime);
    let request = http::Request::builder()
        .uri(h.url(&format!("/page/gated.html?run={run}")))
        .header("User-Agent", DESKTOP)
        .body(())?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(60)))
        .build()
        .into();
    let mut response = agent.run(request)?;
    let mut reader = response.body_mut().as_reader();
    let mut seen = Vec::new();
    let mut buf = vec![0; 16 * 1024];
    let marker = GATE_MARKER.as_bytes();
    while !seen.windows(marker.len()).any(|w| w == marker) {
        let n = reader.read(&mut buf)?;
        check(n > 0, || "the page ended before the gate".into())?;
        seen.extend_from_slice(&buf[..n]);
    }
    open_gate(&run);
    check(!gate_timed_out(&run), || {
        "the first half arrived only after the origin timed out: the page was buffered".into()
    })?;
    let head = String::from_utf8_lossy(&seen).into_owned();
    check(head.contains("data-slot=\"hero\""), || {
        "the hero slot was not filled in the first half".into()
    })?;
    reader.read_to_end(&mut seen)?;
    let page = String::from_utf8_lossy(&seen);
    check(
        page.contains("after the gate") && page.contains("data-slot=\"sidebar\""),
        || "the second half is missing or unfilled".into(),
    )
}

pub(crate) fn memory_does_not_grow_with_page_size(h: &Harness) -> Result<(), Failed> {
    let small = get(&h.url("/page/small.html"), &[("User-Agent", DESKTOP)]);
    let big = get(&h.url("/page/big.html"), &[("User-Agent", DESKTOP)]);
    expect_status(&small, 200)?;
    expect_status(&big, 200)?;
    check(big.body.len() > 2_000_000, || {
        format!("{} bytes", big.body.len())
    })?;
    // The log line is written when the stream ends: `page_logs` waits for it.
    let peak = |path| {
        page_logs(h, path)
            .first()
            .and_then(|l| l["memory_peak_bytes"].as_u64())
    };
    let peaks = (peak("small.html"), peak("big.html"));
    let (Some(small_peak), Some(big_peak)) = peaks else {
        return Err(format!("no page log lines: {}", h.log()).into());
    };
    println!("peak linear memory: 64 KB page {small_peak} B, 2 MB page {big_peak} B");
    check(big_peak <= small_peak + 512 * 1024, || {
        format!("2 MB page peaked at {big_peak} B against {small_peak} B for 64 KB")
    })
}
