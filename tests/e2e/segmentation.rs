//! Segmentation end to end in Viceroy: context sources, the sealed visitor cookie, the consent
//! gate, preview tokens and the explanation headers.

use super::{check, expect_status};
use crate::support::client::{get, get_from, Got, DEBUG, DESKTOP, IPHONE};
use crate::support::viceroy::{Harness, Runtime};
use libtest_mimic::Failed;

const CONSENT: (&str, &str) = ("Cookie", "tailor_consent=1");
/// Chrome's reduced User-Agent on Android: no "Mobile" token, so only the client hint tells
/// a phone from a tablet.
const REDUCED_ANDROID: &str = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

fn banner(h: &Harness, query: &str, headers: &[(&str, &str)]) -> Got {
    let mut all = headers.to_vec();
    all.push(DEBUG);
    get(&h.url(&format!("/banner.json?slot=hero{query}")), &all)
}

fn segment_of(got: &Got) -> String {
    got.header("x-tailor-segment")
        .unwrap_or("(none)")
        .to_owned()
}

/// What is varied, the query it adds, the request headers, the segment expected.
type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], &'a str);

pub(crate) fn each_context_source_lands_in_its_demo_segment(h: &Harness) -> Result<(), Failed> {
    let cases: &[Case] = &[
        ("phone UA", "", &[("User-Agent", IPHONE)], "mobile"),
        (
            "client hint",
            "",
            &[("User-Agent", REDUCED_ANDROID), ("Sec-CH-UA-Mobile", "?1")],
            "mobile",
        ),
        (
            "no client hint",
            "",
            &[("User-Agent", REDUCED_ANDROID)],
            "tablet",
        ),
        (
            "Save-Data",
            "",
            &[("User-Agent", DESKTOP), ("Save-Data", "on")],
            "lite",
        ),
        (
            "German Accept-Language",
            "",
            &[
                ("User-Agent", DESKTOP),
                ("Accept-Language", "de-DE,de;q=0.9,en;q=0.5"),
            ],
            "dach",
        ),
        (
            "UTM campaign",
            "&utm_campaign=Black-Friday-2026&utm_source=mail",
            &[("User-Agent", DESKTOP)],
            "sale",
        ),
        (
            "geo NL (no rule)",
            "",
            &[("User-Agent", DESKTOP)],
            "desktop",
        ),
    ];
    for (what, query, headers, expected) in cases {
        let got = banner(h, query, headers);
        expect_status(&got, 200)?;
        check(
            segment_of(&got) == *expected && got.json()["segment"] == *expected,
            || {
                format!(
                    "{what}: {} ({:?})",
                    segment_of(&got),
                    got.header("x-tailor-rule")
                )
            },
        )?;
    }
    if h.runtime == Runtime::Workerd {
        // Platform difference: workerd takes geo from `request.cf`, one object per `wrangler
        // dev` (the harness's cf.json says NL), not from the client address; it is read.
        let (nl, utc_hours) = at_utc_hours(|| banner(h, "", &[("User-Agent", DESKTOP)]));
        check(
            nl.header("x-tailor-rule")
                .is_some_and(|r| r.contains("north-america: country=nl")),
            || format!("{:?}", nl.header("x-tailor-rule")),
        )?;
        // `request.cf` names the time zone (Europe/Amsterdam): UTC+1, or +2 in summer.
        return check(
            local_hour_is(&nl, "country=nl region=nh", utc_hours, &[1, 2]),
            || format!("{:?}", nl.header("x-tailor-geo")),
        );
    }
    // 127.0.0.2 is the US in fastly.toml's geolocation fixtures.
    let (us, utc_hours) = at_utc_hours(|| {
        get_from(
            [127, 0, 0, 2].into(),
            &h.url("/banner.json?slot=hero"),
            &[("User-Agent", DESKTOP), DEBUG],
        )
    });
    check(segment_of(&us) == "us", || {
        format!("geo US: {:?}", us.headers)
    })?;
    // West of Greenwich (the fixture's UTC-08:00): 16 hours ahead is 8 behind.
    check(
        local_hour_is(&us, "country=us region=ca", utc_hours, &[16]),
        || format!("{:?}", us.header("x-tailor-geo")),
    )?;
    check(
        us.header("x-tailor-rule")
            .is_some_and(|r| r.starts_with("north-america; skipped crawlers: device=desktop")),
        || format!("{:?}", us.header("x-tailor-rule")),
    )
}

/// `request`'s response and the UTC hours before and after it (the same, but at an hour's turn).
fn at_utc_hours(request: impl FnOnce() -> Got) -> (Got, [u64; 2]) {
    let utc_hour = || {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        now.map_or(0, |d| d.as_secs() / 3600 % 24)
    };
    let before = utc_hour();
    let got = request();
    (got, [before, utc_hour()])
}

/// Whether the debug `X-Tailor-Geo` names `place` and a local hour `ahead` hours past one of
/// `utc_hours` (mod 24).
fn local_hour_is(got: &Got, place: &str, utc_hours: [u64; 2], ahead: &[u64]) -> bool {
    let local = got
        .header("x-tailor-geo")
        .and_then(|g| g.strip_prefix(place))
        .and_then(|rest| rest.strip_prefix(" local_hour="))
        .and_then(|hour| hour.parse::<u64>().ok());
    local.is_some_and(|local| {
        utc_hours
            .iter()
            .any(|utc| ahead.contains(&((local + 24 - utc) % 24)))
    })
}

fn set_cookie(got: &Got) -> Option<&str> {
    got.header("set-cookie")
}

/// `name=value` of a `Set-Cookie`, to send back.
fn pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or("").to_owned()
}

pub(crate) fn consent_issues_a_sealed_cookie_that_keeps_buckets_sticky(
    h: &Harness,
) -> Result<(), Failed> {
    let first = banner(h, "", &[("User-Agent", DESKTOP), CONSENT]);
    let issued = set_cookie(&first).unwrap_or("").to_owned();
    check(issued.starts_with("tailor_visitor=k1."), || issued.clone())?;
    for attribute in [
        "Secure",
        "HttpOnly",
        "SameSite=Lax",
        "Max-Age=15552000",
        "Path=/",
    ] {
        check(issued.contains(attribute), || {
            format!("{attribute}: {issued}")
        })?;
    }
    let buckets = first.header("x-tailor-buckets").unwrap_or("").to_owned();
    check(
        buckets.contains("hero-layout=") && buckets.contains('@'),
        || buckets.clone(),
    )?;

    // The cookie comes back: same visitor, same arms, nothing new to set.
    let cookies = format!("tailor_consent=1; {}", pair(&issued));
    for _ in 0..3 {
        let again = banner(h, "", &[("User-Agent", DESKTOP), ("Cookie", &cookies)]);
        check(set_cookie(&again).is_none(), || {
            format!("{:?}", again.headers)
        })?;
        check(
            again.header("x-tailor-buckets") == Some(buckets.as_str()),
            || format!("{:?} != {buckets}", again.header("x-tailor-buckets")),
        )?;
    }

    // A tampered cookie is no cookie: a fresh one is issued.
    let mut tampered = pair(&issued);
    let last = tampered.pop().unwrap_or('A');
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let forged = banner(
        h,
        "",
        &[
            ("User-Agent", DESKTOP),
            ("Cookie", &format!("tailor_consent=1; {tampered}")),
        ],
    );
    let reissued = set_cookie(&forged).unwrap_or("");
    check(
        reissued.starts_with("tailor_visitor=k1.") && pair(reissued) != pair(&issued),
        || format!("tampered cookie: {reissued}"),
    )
}

pub(crate) fn without_consent_or_with_opt_out_no_identity_is_kept(
    h: &Harness,
) -> Result<(), Failed> {
    let anonymous = banner(h, "", &[("User-Agent", DESKTOP)]);
    check(set_cookie(&anonymous).is_none(), || {
        format!("{:?}", anonymous.headers)
    })?;
    check(
        anonymous
            .header("x-tailor-buckets")
            .is_some_and(|b| b.contains("hero-layout=control(no-consent)")),
        || format!("{:?}", anonymous.header("x-tailor-buckets")),
    )?;
    for signal in [("Sec-GPC", "1"), ("DNT", "1")] {
        let opted_out = banner(h, "", &[("User-Agent", DESKTOP), CONSENT, signal]);
        check(set_cookie(&opted_out).is_none(), || {
            format!("{signal:?}: {:?}", opted_out.headers)
        })?;
        check(
            opted_out.header("x-tailor-consent") == Some("absent"),
            || format!("{:?}", opted_out.headers),
        )?;
    }
    // A visitor cookie left from before the opt-out is deleted.
    let issued = banner(h, "", &[("User-Agent", DESKTOP), CONSENT]);
    let cookies = format!(
        "tailor_consent=1; {}",
        pair(set_cookie(&issued).unwrap_or(""))
    );
    let withdrawn = banner(
        h,
        "",
        &[
            ("User-Agent", DESKTOP),
            ("Cookie", &cookies),
            ("Sec-GPC", "1"),
        ],
    );
    check(
        set_cookie(&withdrawn)
            .is_some_and(|c| c.starts_with("tailor_visitor=;") && c.contains("Max-Age=0")),
        || format!("{:?}", withdrawn.headers),
    )
}

/// A token signed with the demo preview key `p1` (fastly.toml's secret store).
pub(crate) fn preview_token(segment: &str, expiry: u64) -> String {
    tailor_core::identity::preview::mint(
        "p1",
        b"demo-preview-key-0123456789abcdef",
        segment,
        expiry,
    )
}

/// Unix seconds now.
pub(crate) fn now_s() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

pub(crate) fn preview_tokens_force_the_segment_and_are_never_cached(
    h: &Harness,
) -> Result<(), Failed> {
    let token = preview_token("dach", now_s() + 3600);
    let forced = banner(
        h,
        &format!("&tailor_preview={token}"),
        &[("User-Agent", IPHONE), CONSENT],
    );
    check(segment_of(&forced) == "dach", || {
        format!("{:?}", forced.headers)
    })?;
    check(
        forced.header("cache-control") == Some("private, no-store"),
        || format!("{:?}", forced.headers),
    )?;
    check(
        forced
            .header("x-tailor-buckets")
            .is_some_and(|b| b.contains("(preview)")),
        || format!("{:?}", forced.header("x-tailor-buckets")),
    )?;
    check(set_cookie(&forced).is_none(), || {
        "previews issue no visitor cookie".into()
    })?;
    check(forced.json()["preview"] == true, || forced.text())?;

    let expired = preview_token("dach", 1_000_000);
    let forged = token.replace("dach", "sale");
    for bad in [expired.as_str(), forged.as_str(), "dach.1.00"] {
        let ignored = banner(
            h,
            &format!("&tailor_preview={bad}"),
            &[("User-Agent", IPHONE)],
        );
        check(segment_of(&ignored) == "mobile", || {
            format!("{bad}: {:?}", ignored.headers)
        })?;
        check(
            ignored
                .header("x-tailor-warnings")
                .is_some_and(|w| w.contains("preview token")),
            || format!("{:?}", ignored.headers),
        )?;
    }
    Ok(())
}

pub(crate) fn no_tailor_header_without_the_debug_token(h: &Harness) -> Result<(), Failed> {
    for path in [
        "/",
        "/banner?slot=hero",
        "/banner.json?slot=sidebar",
        "/img/thumbnail/photos/harbour.jpg",
    ] {
        let got = get(
            &h.url(path),
            &[
                ("User-Agent", DESKTOP),
                CONSENT,
                ("Save-Data", "on"),
                ("X-Tailor-Debug", "wrong"),
            ],
        );
        expect_status(&got, 200)?;
        check(
            got.headers.keys().all(|k| !k.starts_with("x-tailor-")),
            || format!("{path}: {:?}", got.headers),
        )?;
    }
    Ok(())
}
