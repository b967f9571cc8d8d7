//! The identity openers: the sealed visitor cookie (from the `Cookie` headers to the opened
//! cookie) and preview tokens (from the query to the forced segment).

use crate::demo;
use http::header::COOKIE;
use http::{HeaderMap, HeaderValue};
use tailor_core::identity::plaintext::{self, CookieForm};
use tailor_core::identity::preview;
use tailor_core::identity::sealed::{self, CookieKey, HistoryEntry, VisitorCookie};
use tailor_core::segment::{RequestFacts, VisitorContext};

/// The cookie's name in the demo config (`visitor.cookie`).
const COOKIE_NAME: &str = "tailor_visitor";
const MAX_AGE_S: u64 = 15_552_000;
const NOW_S: u64 = 1_750_000_000;

fn keys() -> [CookieKey; 2] {
    [
        CookieKey::from_secret("k2", b"current cookie secret"),
        CookieKey::from_secret("k1", b"previous cookie secret"),
    ]
}

/// The first byte picks what the rest is. 0 mod 4: the `Cookie` headers of a request (one
/// per line), read into the visitor context as the edge reads them, and the visitor cookie
/// found there opened under the current and previous keys. 1 and 3: a cookie built from the
/// bytes, sealed as JSON (1) or compact (3), which must open to itself (history cut to its
/// newest entries). 2: a decrypted plaintext, read in either form (only the key's holder
/// can make one, but a bug of ours could seal anything).
pub fn sealed_cookie(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 4 {
        0 => open_headers(rest),
        2 => {
            if let Some(cookie) = plaintext::decode(rest) {
                let _ = plaintext::encode(&cookie, CookieForm::Compact);
            }
        }
        1 => seal_and_open(rest, CookieForm::Json),
        _ => seal_and_open(rest, CookieForm::Compact),
    }
}

fn open_headers(data: &[u8]) {
    let mut headers = HeaderMap::new();
    for line in data.split(|&b| b == b'\n') {
        if let Ok(value) = HeaderValue::from_bytes(line) {
            headers.append(COOKIE, value);
        }
    }
    let facts = RequestFacts {
        query: &[],
        geo: None,
        now_ms: NOW_S as f64 * 1000.0,
    };
    let context = VisitorContext::from_request(&headers, facts);
    let keys = keys();
    if let Some(value) = context.cookie(COOKIE_NAME) {
        let _ = sealed::key_id(value);
        let _ = sealed::open(value, &keys, COOKIE_NAME, NOW_S, MAX_AGE_S);
    }
    // The raw bytes as a cookie value too: what reaches `open` is not only what the jar keeps.
    let raw = String::from_utf8_lossy(data);
    let _ = sealed::open(&raw, &keys, COOKIE_NAME, NOW_S, MAX_AGE_S);
}

fn seal_and_open(data: &[u8], form: CookieForm) {
    let (head, text) = data.split_at(data.len().min(20));
    let mut fixed = [0u8; 20];
    for (to, from) in fixed.iter_mut().zip(head) {
        *to = *from;
    }
    let (id, rest) = fixed.split_at(12);
    let (nonce_seed, issued) = rest.split_at(4);
    let issued_s =
        NOW_S - u64::from(u32::from_le_bytes(issued.try_into().unwrap_or_default())) % MAX_AGE_S;
    let mut nonce = [0u8; 12];
    for (byte, seed) in nonce.iter_mut().zip(nonce_seed.iter().cycle()) {
        *byte = *seed;
    }
    let cookie = VisitorCookie {
        visitor_id: sealed::new_visitor_id(id.try_into().unwrap_or_default()),
        issued_s,
        history: history_from(&String::from_utf8_lossy(text)),
        arms: Vec::new(),
    };
    let keys = keys();
    let [current, _] = &keys;
    let Some(value) = sealed::seal(&cookie, current, nonce, COOKIE_NAME, form) else {
        return; // over the cookie size limit
    };
    let mut expected = cookie.clone();
    let excess = expected.history.len().saturating_sub(sealed::MAX_HISTORY);
    expected.history.drain(..excess);
    let opened = sealed::open(&value, &keys, COOKIE_NAME, NOW_S, MAX_AGE_S);
    // A value that would pass the size limit keeps the newest history entries that fit.
    let kept = opened.as_ref().map_or(0, |c| c.history.len());
    let dropped = expected.history.len().saturating_sub(kept);
    expected.history.drain(..dropped);
    assert_eq!(
        opened,
        Some(expected),
        "sealed {value:?} does not open to itself"
    );
    assert_eq!(
        sealed::open(&value, &keys, "other_cookie", NOW_S, MAX_AGE_S),
        None
    );
}

/// `item,category,kind,time|…`: entries for a cookie's history.
fn history_from(text: &str) -> Vec<HistoryEntry> {
    text.split('|')
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let mut fields = entry.split(',');
            HistoryEntry {
                item: fields.next().unwrap_or_default().to_owned(),
                category: fields.next().unwrap_or_default().to_owned(),
                kind: fields.next().and_then(|k| k.chars().next()).unwrap_or('v'),
                at_s: fields.next().and_then(|t| t.parse().ok()),
            }
        })
        .collect()
}

/// The preview keys, as `(key id, secret)`.
const PREVIEW_KEYS: &[(&str, &[u8])] = &[("p2", b"current preview key"), ("p1", b"old key")];
const PREVIEW_LIFETIME_S: u64 = 7 * 86_400;

/// A request's query string: its `tailor_preview` token (and the whole input as a token)
/// parsed and verified as the edge does; any well-formed token, re-signed with a known key,
/// verifies while it is live and not after.
pub fn preview_token(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let query = demo::query(&text);
    let from_query = tailor_core::query::first(&query, preview::PARAM);
    for token in from_query.into_iter().chain([text.as_ref()]) {
        let _ = preview::verify(token, PREVIEW_KEYS, NOW_S, PREVIEW_LIFETIME_S);
        let Some(parsed) = preview::parse(token) else {
            continue;
        };
        let minted = preview::mint("p1", b"old key", parsed.segment, parsed.expiry);
        let forced = preview::verify(&minted, PREVIEW_KEYS, parsed.expiry, 0);
        assert_eq!(forced.as_deref(), Some(parsed.segment), "{minted:?}");
        let late = preview::verify(&minted, PREVIEW_KEYS, parsed.expiry.saturating_add(1), 0);
        assert!(
            late.is_none() || parsed.expiry == u64::MAX,
            "{minted:?} verifies after expiry"
        );
    }
}

/// A `Cookie` header carrying a visitor cookie that opens under the harness' keys, for seeds.
pub fn sample_cookie_header() -> Option<String> {
    let cookie = VisitorCookie {
        visitor_id: sealed::new_visitor_id([7; 12]),
        issued_s: NOW_S - 60,
        history: history_from("sku-1,shoes,c,1749990000|sku-2,bags,v,1749999000"),
        arms: Vec::new(),
    };
    let [current, _] = keys();
    let value = sealed::seal(&cookie, &current, [9; 12], COOKIE_NAME, CookieForm::Json)?;
    Some(format!("tailor_consent=1; {COOKIE_NAME}={value}; other=x"))
}

/// A compact cookie plaintext (what a sealed compact cookie holds once opened), for seeds.
pub fn sample_compact_plaintext() -> Vec<u8> {
    let cookie = VisitorCookie {
        visitor_id: sealed::new_visitor_id([7; 12]),
        issued_s: NOW_S - 60,
        history: history_from("sku-1,shoes,c,1749990000|sku-2,bags,v"),
        arms: Vec::new(),
    };
    plaintext::encode(&cookie, CookieForm::Compact).unwrap_or_default()
}

/// A query string carrying a preview token valid under the harness' keys, for seeds.
pub fn sample_preview_query() -> String {
    let token = preview::mint("p2", b"current preview key", "mobile", NOW_S + 3600);
    format!("utm_source=qa&{}={token}", preview::PARAM)
}
