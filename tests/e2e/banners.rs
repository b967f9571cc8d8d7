//! Banners end to end: the demo page, segments and their items, the segment templates, escaping
//! of hostile titles, the bundled fallback list, and the debug headers behind their token.

use super::{check, expect_status};
use crate::support::client::{get, DEBUG, DESKTOP, GOOGLEBOT, IPAD, IPHONE};
use crate::support::viceroy::Harness;
use libtest_mimic::Failed;

pub(crate) fn demo_page_shows_segment_banner_variants_and_geo(h: &Harness) -> Result<(), Failed> {
    let got = get(&h.url("/"), &[("User-Agent", IPHONE)]);
    expect_status(&got, 200)?;
    let html = got.text();
    check(
        got.header("content-type")
            .is_some_and(|c| c.starts_with("text/html")),
        || format!("{:?}", got.headers),
    )?;
    check(html.contains("<b>Segment</b>mobile"), || html.clone())?;
    check(html.contains("tailor-compact"), || {
        "mobile template missing".into()
    })?;
    check(html.contains("/img/preview/photos/harbour.jpg"), || {
        "variant images missing".into()
    })?;
    // Viceroy's geolocation fixture maps 127.0.0.1 to the Netherlands.
    check(html.contains("<b>Country</b>NL"), || {
        "geo country missing".into()
    })
}

pub(crate) fn phone_and_desktop_get_different_segments_and_items(
    h: &Harness,
) -> Result<(), Failed> {
    let phone = get(
        &h.url("/banner.json?slot=hero"),
        &[("User-Agent", IPHONE), DEBUG],
    );
    let desktop = get(
        &h.url("/banner.json?slot=hero"),
        &[("User-Agent", DESKTOP), DEBUG],
    );
    expect_status(&phone, 200)?;
    expect_status(&desktop, 200)?;
    let (p, d) = (phone.json(), desktop.json());
    check(
        p["segment"] == "mobile" && d["segment"] == "desktop",
        || format!("{p}\n{d}"),
    )?;
    check(p["items"] != d["items"], || {
        "both segments got the same items".into()
    })?;
    check(p["items"].as_array().unwrap().len() == 4, || {
        format!("hero has 4 items: {p}")
    })?;
    check(phone.header("x-tailor-segment") == Some("mobile"), || {
        format!("{:?}", phone.headers)
    })?;
    // From KV, or from the platform cache when another request read the list recently (or,
    // on workerd, whose isolate lives on, from its memory).
    check(
        matches!(
            phone.header("x-tailor-source"),
            Some("kv" | "cache" | "memory")
        ),
        || format!("{:?}", phone.headers),
    )?;
    let key = phone.header("x-tailor-cache-key").unwrap_or("");
    check(
        key.contains("seg=mobile") && key.contains("slot=hero"),
        || key.to_string(),
    )?;
    check(
        phone
            .header("server-timing")
            .is_some_and(|t| t.starts_with("config;dur=") && t.contains("segment;dur=")),
        || format!("{:?}", phone.headers),
    )
}

pub(crate) fn banner_html_uses_the_segment_template(h: &Harness) -> Result<(), Failed> {
    let desktop = get(&h.url("/banner?slot=hero"), &[("User-Agent", DESKTOP)]);
    expect_status(&desktop, 200)?;
    check(desktop.text().contains("tailor-cards"), || desktop.text())?;
    check(
        desktop.header("cache-control") == Some("private, no-store"),
        || format!("{:?}", desktop.headers),
    )?;
    let bot = get(&h.url("/banner?slot=sidebar"), &[("User-Agent", GOOGLEBOT)]);
    expect_status(&bot, 200)?;
    check(
        bot.text().contains("tailor-text") && !bot.text().contains("<img"),
        || bot.text(),
    )
}

pub(crate) fn hostile_catalogue_titles_are_escaped(h: &Harness) -> Result<(), Failed> {
    // The harness replaces the low-data list (a segment the demo model has no list for, so
    // the list itself is served) with one whose first title carries markup.
    let lite = [("User-Agent", IPAD), ("Save-Data", "on")];
    let html = get(&h.url("/banner?slot=hero"), &lite).text();
    check(!html.contains("<script>"), || html.clone())?;
    check(html.contains("&lt;script&gt;"), || html.clone())?;
    check(!html.contains("javascript:"), || html.clone())?;
    let json = get(&h.url("/banner.json?slot=hero"), &lite).json();
    check(
        json["items"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with("<script>"),
        || json.to_string(),
    )?;
    check(json["items"][1]["url"] == "#", || json.to_string())
}

pub(crate) fn missing_list_falls_back_to_the_bundled_default(h: &Harness) -> Result<(), Failed> {
    // The harness removes the bot list from KV.
    let got = get(
        &h.url("/banner.json?slot=hero"),
        &[("User-Agent", GOOGLEBOT), DEBUG],
    );
    expect_status(&got, 200)?;
    check(got.header("x-tailor-source") == Some("default"), || {
        format!("{:?}", got.headers)
    })?;
    check(!got.json()["items"].as_array().unwrap().is_empty(), || {
        got.text()
    })
}

pub(crate) fn debug_headers_need_the_token(h: &Harness) -> Result<(), Failed> {
    let wrong = get(
        &h.url("/banner.json?slot=hero"),
        &[("X-Tailor-Debug", "guess")],
    );
    let none = get(&h.url("/banner.json?slot=hero"), &[]);
    for got in [wrong, none] {
        expect_status(&got, 200)?;
        check(
            got.headers.keys().all(|k| !k.starts_with("x-tailor-")),
            || format!("{:?}", got.headers),
        )?;
    }
    Ok(())
}
