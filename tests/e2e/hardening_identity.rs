//! Identity and input hardening end to end: gzip bomb pages in bounded memory and cut off at
//! `limits.max_page_bytes`, preview tokens (maximum lifetime, never forwarded to the origin,
//! key rotation), cookie key rotation, purge authorization, thousands of cookies, and
//! catalogue links and images that would leave the site.

use super::{check, expect_json_error, expect_status};
use crate::segmentation::{now_s, preview_token};
use crate::support::client::{get, request_with_body, Got, DEBUG, DESKTOP, IPAD, IPHONE};
use crate::support::configs::edited_demo_config;
use crate::support::origin::requests_containing;
use crate::support::pages::BOMB_MB;
use crate::support::viceroy::{Harness, Runtime};
use libtest_mimic::Failed;
use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

const CONSENT: (&str, &str) = ("Cookie", "tailor_consent=1");
const ADMIN_TOKEN: &str = "demo-admin-token-0123456789abcdef";
const PREVIEW_P2: &[u8] = b"demo-preview-key-2-fedcba9876543210";

/// A marker no other request of this process carries.
fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}{}x{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

/// The `"event":"page"` log lines for `path`, once there are any (logs can lag).
pub(crate) fn page_logs(h: &Harness, path: &str) -> Vec<serde_json::Value> {
    for _ in 0..50 {
        let lines: Vec<serde_json::Value> = h
            .log()
            .lines()
            .filter(|l| l.contains("\"event\":\"page\""))
            .filter_map(|l| serde_json::from_str(&l[l.find('{')?..]).ok())
            .filter(|v: &serde_json::Value| v["path"] == path)
            .collect();
        if !lines.is_empty() {
            return lines;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Vec::new()
}

fn peak(h: &Harness, path: &str) -> Option<u64> {
    page_logs(h, path)
        .first()
        .and_then(|l| l["memory_peak_bytes"].as_u64())
}

pub(crate) fn hardening_gzip_bomb_pages_stream_in_bounded_memory(
    h: &Harness,
) -> Result<(), Failed> {
    let small = get(&h.url("/page/small.html"), &[("User-Agent", DESKTOP)]);
    let bomb = get(&h.url("/page/bomb.html"), &[("User-Agent", DESKTOP)]);
    expect_status(&small, 200)?;
    expect_status(&bomb, 200)?;
    check(bomb.body.len() > BOMB_MB << 20, || {
        format!("{} bytes", bomb.body.len())
    })?;
    check(bomb.text().contains("data-slot=\"hero\""), || {
        "hero slot not filled".into()
    })?;
    let (Some(small_peak), Some(bomb_peak)) = (peak(h, "small.html"), peak(h, "bomb.html")) else {
        return Err(format!("no page log lines: {}", h.log()).into());
    };
    println!(
        "peak linear memory: 64 KB page {small_peak} B, {BOMB_MB} MiB gzip bomb {bomb_peak} B"
    );
    // Inflated a whole chunk at a time, the bomb would peak at its decoded size.
    check(bomb_peak <= small_peak + 512 * 1024, || {
        format!("the gzip bomb peaked at {bomb_peak} B against {small_peak} B for 64 KB")
    })
}

/// Reads a response body until it ends or breaks: (bytes read, whether it ended cleanly).
fn read_until_end_or_abort(url: &str) -> (u16, usize, bool) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(120)))
        .build()
        .into();
    let response = agent.get(url).header("User-Agent", DESKTOP).call().unwrap();
    let status = response.status().as_u16();
    let mut reader = response
        .into_body()
        .into_with_config()
        .limit(u64::MAX)
        .reader();
    let (mut total, mut buffer) = (0, vec![0u8; 64 * 1024]);
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => return (status, total, true),
            Ok(n) => total += n,
            Err(_) => return (status, total, false),
        }
    }
}

pub(crate) fn hardening_gzip_bomb_past_the_page_limit_is_cut_off(
    h: &Harness,
) -> Result<(), Failed> {
    let (status, received, clean) = read_until_end_or_abort(&h.url("/page/bomb-over-limit.html"));
    check(status == 200, || format!("status {status}"))?;
    // The status line left long ago: no more than the limit (and the hero slot's banner) is
    // sent. On Fastly the response is aborted, never ended as if complete. The Worker errors
    // its body stream the same way, but workerd under `wrangler dev` ends the chunked body
    // cleanly after an errored stream, so there the cut is seen only in its length and log.
    let aborted = clean == (h.runtime == Runtime::Workerd);
    check(aborted && received <= (32 << 20) + 64 * 1024, || {
        format!("{received} bytes, ended cleanly: {clean}")
    })?;
    let logs = page_logs(h, "bomb-over-limit.html");
    check(
        logs.iter().any(|l| {
            l["error"]
                .as_str()
                .is_some_and(|e| e.contains("limits.max_page_bytes"))
        }),
        || format!("{logs:?}"),
    )
}

fn banner(h: &Harness, query: &str, headers: &[(&str, &str)]) -> Got {
    let mut all = headers.to_vec();
    all.push(DEBUG);
    get(&h.url(&format!("/banner.json?slot=hero{query}")), &all)
}

pub(crate) fn hardening_preview_tokens_expire_within_the_maximum_lifetime(
    h: &Harness,
) -> Result<(), Failed> {
    let year_3000 = preview_token("dach", 32_503_680_000);
    let ignored = banner(
        h,
        &format!("&tailor_preview={year_3000}"),
        &[("User-Agent", IPHONE)],
    );
    check(ignored.header("x-tailor-segment") == Some("mobile"), || {
        format!("a token for ever: {:?}", ignored.headers)
    })?;
    check(
        ignored
            .header("x-tailor-warnings")
            .is_some_and(|w| w.contains("preview token")),
        || format!("{:?}", ignored.headers),
    )?;
    let day = preview_token("dach", now_s() + 86_400);
    let forced = banner(
        h,
        &format!("&tailor_preview={day}"),
        &[("User-Agent", IPHONE)],
    );
    check(forced.header("x-tailor-segment") == Some("dach"), || {
        format!("{:?}", forced.headers)
    })
}

pub(crate) fn hardening_preview_tokens_are_not_forwarded_to_the_origin(
    h: &Harness,
) -> Result<(), Failed> {
    let marker = unique("m");
    let token = preview_token("dach", now_s() + 3600);
    let got = get(
        &h.url(&format!(
            "/page/index.html?marker={marker}&tailor_preview={token}&tailor%5Fother=1"
        )),
        &[("User-Agent", DESKTOP)],
    );
    expect_status(&got, 200)?;
    let seen = requests_containing(&marker);
    check(
        seen == [format!("/pages/index.html?marker={marker}")],
        || format!("the origin was asked for {seen:?}"),
    )
}

/// The demo config with the cookie and preview keys rotated to `k2` / `p2`.
fn rotated_config() -> PathBuf {
    edited_demo_config("rotated", |config| {
        config["keys"]["cookie"] = "k2".into();
        config["keys"]["cookie_previous"] = serde_json::json!(["k1"]);
        config["keys"]["preview"] = "p2".into();
        config["keys"]["preview_previous"] = serde_json::json!(["p1"]);
    })
}

fn cookie_pair(got: &Got) -> Option<String> {
    got.header("set-cookie")
        .and_then(|c| c.split(';').next())
        .map(str::to_owned)
}

pub(crate) fn hardening_rotated_keys_reseal_cookies_and_keep_previews_working(
    h: &Harness,
) -> Result<(), Failed> {
    let issued = banner(h, "", &[("User-Agent", DESKTOP), CONSENT]);
    let old = cookie_pair(&issued).unwrap_or_default();
    check(old.starts_with("tailor_visitor=k1."), || old.clone())?;
    let buckets = issued.header("x-tailor-buckets").unwrap_or("").to_owned();

    let config = rotated_config();
    let rotated = h.restart_with(&[("config/v1", Some(config.clone()))]);
    let cookies = format!("tailor_consent=1; {old}");
    let resealed = banner(
        &rotated,
        "",
        &[("User-Agent", DESKTOP), ("Cookie", &cookies)],
    );
    let new = cookie_pair(&resealed).unwrap_or_default();
    check(new.starts_with("tailor_visitor=k2."), || {
        format!(
            "a fresh k1 cookie is re-sealed under k2: {:?}",
            resealed.headers
        )
    })?;
    check(
        resealed.header("x-tailor-buckets") == Some(buckets.as_str()),
        || format!("{:?} != {buckets}", resealed.header("x-tailor-buckets")),
    )?;
    let cookies = format!("tailor_consent=1; {new}");
    let settled = banner(
        &rotated,
        "",
        &[("User-Agent", DESKTOP), ("Cookie", &cookies)],
    );
    check(settled.header("set-cookie").is_none(), || {
        format!("{:?}", settled.headers)
    })?;

    let expiry = now_s() + 3600;
    let new_token = tailor_core::identity::preview::mint("p2", PREVIEW_P2, "sale", expiry);
    for token in [preview_token("sale", expiry), new_token] {
        let forced = banner(
            &rotated,
            &format!("&tailor_preview={token}"),
            &[("User-Agent", IPHONE)],
        );
        check(forced.header("x-tailor-segment") == Some("sale"), || {
            format!("{token}: {:?}", forced.headers)
        })?;
    }
    let _ = std::fs::remove_file(config);
    Ok(())
}

fn purge(h: &Harness, authorization: Option<&str>) -> Got {
    let headers: Vec<(&str, &str)> = authorization
        .map(|a| vec![("Authorization", a)])
        .unwrap_or_default();
    let body = br#"{"surrogate_keys": ["image:photos/none.jpg"]}"#.to_vec();
    request_with_body("POST", &h.url("/admin/purge"), &headers, body)
}

pub(crate) fn hardening_purge_refusals_look_alike_and_bearer_is_case_insensitive(
    h: &Harness,
) -> Result<(), Failed> {
    let wrong = format!("Bearer {ADMIN_TOKEN}-not");
    let refusals = [
        purge(h, None),
        purge(h, Some(&wrong)),
        purge(h, Some("Basic YWRtaW46YWRtaW4=")),
    ];
    for refused in &refusals {
        expect_json_error(refused, 403, "forbidden")?;
        check(refused.body == refusals[0].body, || {
            format!("{} != {}", refused.text(), refusals[0].text())
        })?;
    }
    for scheme in ["bearer", "BEARER"] {
        let accepted = purge(h, Some(&format!("{scheme} {ADMIN_TOKEN}")));
        // Platform difference: workerd cannot purge by tag (501) once authorized.
        let expected = if h.runtime == Runtime::Workerd {
            501
        } else {
            200
        };
        expect_status(&accepted, expected)?;
    }
    Ok(())
}

pub(crate) fn hardening_thousands_of_cookies_are_read_up_to_the_limit(
    h: &Harness,
) -> Result<(), Failed> {
    let junk: Vec<String> = (0..1500).map(|i| format!("c{i}=v")).collect();
    let cookies = format!("tailor_consent=1; {}", junk.join("; "));
    let started = std::time::Instant::now();
    let got = banner(h, "", &[("User-Agent", DESKTOP), ("Cookie", &cookies)]);
    expect_status(&got, 200)?;
    // The consent cookie comes first, so it counts; the rest is ignored past the limit.
    check(
        cookie_pair(&got).is_some_and(|c| c.starts_with("tailor_visitor=")),
        || format!("{:?}", got.headers),
    )?;
    check(
        got.header("x-tailor-warnings")
            .is_some_and(|w| w.contains("cookies past the first")),
        || format!("{:?}", got.headers),
    )?;
    check(started.elapsed().as_secs() < 5, || {
        format!("took {:?}", started.elapsed())
    })
}

pub(crate) fn hardening_backslash_links_become_hash(h: &Harness) -> Result<(), Failed> {
    // The harness's hostile low-data list (a segment the demo model has no list for, so the
    // list itself serves) links one item to `/\evil.example/...`.
    let lite = [("User-Agent", IPAD), ("Save-Data", "on")];
    let json = get(&h.url("/banner.json?slot=hero"), &lite).json();
    let items = json["items"].as_array().cloned().unwrap_or_default();
    let item = items.iter().find(|i| i["id"] == "sku-025");
    check(item.is_some_and(|i| i["url"] == "#"), || json.to_string())?;
    let html = get(&h.url("/banner?slot=hero"), &lite).text();
    check(!html.contains("evil.example"), || html.clone())
}

pub(crate) fn hardening_list_items_with_foreign_images_are_refused(
    h: &Harness,
) -> Result<(), Failed> {
    let list = serde_json::json!({"segment": "lite", "version": "v3", "items": [
        {"id": "sku-1", "title": "One", "url": "/p/1", "image": "https://evil.example/x.jpg",
         "category": "a", "score": 9}]});
    let path = std::env::temp_dir().join(format!("{}.json", unique("tailor-foreign-image-")));
    std::fs::write(&path, list.to_string()).unwrap();
    let harness = h.restart_with(&[("recs/v3/lite", Some(path.clone()))]);
    let got = banner(
        &harness,
        "",
        &[("User-Agent", DESKTOP), ("Save-Data", "on")],
    );
    let _ = std::fs::remove_file(path);
    expect_status(&got, 200)?;
    check(got.header("x-tailor-source") == Some("default"), || {
        format!("{:?}", got.headers)
    })?;
    check(!got.text().contains("evil.example"), || got.text())
}
