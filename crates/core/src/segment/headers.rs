//! Parsers for the request headers segmentation reads: `Accept-Language`, the `Sec-CH-UA*`
//! client hints, `Save-Data`, `ECT`/`Downlink` and `Referer` (cookies: `cookies.rs`). Each is total: any
//! input yields a value or `None`, never a panic.

/// Headers longer than this are ignored (with a warning): no real client sends them, and
/// parsing them would only cost CPU.
pub(super) const MAX_HEADER_BYTES: usize = 2048;

/// At most this many language ranges are considered.
const MAX_LANGUAGES: usize = 16;

/// `Accept-Language` → primary language subtags (lowercase), best first, without `*` or
/// ranges of quality 0. Equal qualities keep their order.
pub(super) fn accept_language(value: &str) -> Vec<String> {
    let mut ranges: Vec<(String, u16)> = crate::accept::q_values(value)
        .take(MAX_LANGUAGES)
        .filter_map(|(tag, q)| {
            let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
            let valid = (1..=8).contains(&primary.len())
                && primary.bytes().all(|b| b.is_ascii_alphabetic());
            if !valid {
                return None;
            }
            let quality = thousandths(q?)?;
            (quality > 0).then_some((primary, quality))
        })
        .collect();
    ranges.sort_by_key(|r| std::cmp::Reverse(r.1));
    let mut out: Vec<String> = Vec::with_capacity(ranges.len());
    for (lang, _) in ranges {
        if !out.contains(&lang) {
            out.push(lang);
        }
    }
    out
}

/// An HTTP quality value (`0`..`1` with up to three decimals) in thousandths.
fn thousandths(value: f32) -> Option<u16> {
    (0.0..=1.0)
        .contains(&value)
        .then(|| (value * 1000.0).round() as u16)
}

/// A structured-header boolean (`?1` / `?0`), as `Sec-CH-UA-Mobile` sends it.
pub(super) fn sf_boolean(value: &str) -> Option<bool> {
    match value.trim() {
        "?1" => Some(true),
        "?0" => Some(false),
        _ => None,
    }
}

/// A structured-header string (`"macOS"`) unquoted and lowercased, as in
/// `Sec-CH-UA-Platform`.
pub(super) fn sf_string(value: &str) -> Option<String> {
    let inner = value.trim().strip_prefix('"')?.strip_suffix('"')?;
    let ok = !inner.is_empty()
        && inner.len() <= 64
        && inner
            .bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b'"');
    ok.then(|| inner.to_ascii_lowercase())
}

/// The browser brand from `Sec-CH-UA` (`"Chromium";v="126", "Google Chrome";v="126",
/// "Not-A.Brand";v="99"`): the first brand that is neither GREASE (the deliberately
/// meaningless `Not...Brand` entry) nor the `Chromium` engine, lowercased.
pub(super) fn ua_brand(value: &str) -> Option<String> {
    let brands: Vec<String> = value
        .split(',')
        .filter_map(|entry| sf_string(entry.split(';').next()?))
        .filter(|b| !(b.starts_with("not") && b.ends_with("brand")))
        .collect();
    brands
        .iter()
        .find(|b| b.as_str() != "chromium")
        .or_else(|| brands.first())
        .cloned()
}

/// `Save-Data: on` (case-insensitive, parameters ignored).
pub(super) fn save_data(value: &str) -> bool {
    value
        .split(';')
        .next()
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("on"))
}

/// `ECT`: one of the effective connection types, lowercased.
pub(super) fn ect(value: &str) -> Option<String> {
    let value = value.trim().to_ascii_lowercase();
    matches!(value.as_str(), "slow-2g" | "2g" | "3g" | "4g").then_some(value)
}

/// `Downlink`: megabits per second, a non-negative number.
pub(super) fn downlink(value: &str) -> Option<f64> {
    let value: f64 = value.trim().parse().ok()?;
    (value.is_finite() && value >= 0.0).then_some(value)
}

/// The host of a `Referer` URL, lowercased, without `www.`; `None` for anything that is not
/// an absolute http(s) URL.
pub(super) fn referrer_host(value: &str) -> Option<String> {
    let rest = value
        .trim()
        .strip_prefix("https://")
        .or_else(|| value.trim().strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?.split(':').next()?;
    let host = host.to_ascii_lowercase();
    let ok = !host.is_empty()
        && host.len() <= 253
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    ok.then(|| host.strip_prefix("www.").unwrap_or(&host).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_orders_by_quality_and_drops_zero() {
        assert_eq!(
            accept_language("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"),
            ["fr", "en", "de"]
        );
        assert_eq!(accept_language("en;q=0.2, de-DE"), ["de", "en"]);
        assert_eq!(accept_language("nl;q=0, en"), ["en"]);
        assert!(accept_language("").is_empty());
        assert!(accept_language(";;;,q=,de;q=2").is_empty());
    }

    #[test]
    fn client_hints() {
        assert_eq!(sf_boolean("?1"), Some(true));
        assert_eq!(sf_boolean(" ?0 "), Some(false));
        assert_eq!(sf_boolean("1"), None);
        assert_eq!(sf_string("\"macOS\"").as_deref(), Some("macos"));
        assert_eq!(sf_string("macOS"), None);
        let chrome =
            "\"Chromium\";v=\"126\", \"Google Chrome\";v=\"126\", \"Not-A.Brand\";v=\"99\"";
        assert_eq!(ua_brand(chrome).as_deref(), Some("google chrome"));
        let edge = "\"Not/A)Brand\";v=\"8\", \"Chromium\";v=\"126\", \"Microsoft Edge\";v=\"126\"";
        assert_eq!(ua_brand(edge).as_deref(), Some("microsoft edge"));
        assert_eq!(
            ua_brand("\"Chromium\";v=\"126\"").as_deref(),
            Some("chromium")
        );
        assert_eq!(ua_brand("garbage"), None);
    }

    #[test]
    fn network_hints() {
        assert!(save_data("on"));
        assert!(save_data("On; foo"));
        assert!(!save_data("off"));
        assert_eq!(ect("3G").as_deref(), Some("3g"));
        assert_eq!(ect("5g"), None);
        assert_eq!(downlink("1.75"), Some(1.75));
        assert_eq!(downlink("-1"), None);
        assert_eq!(downlink("NaN"), None);
    }

    #[test]
    fn referrers() {
        assert_eq!(
            referrer_host("https://www.Google.com/search?q=x").as_deref(),
            Some("google.com")
        );
        assert_eq!(
            referrer_host("http://user@news.example.org:8080/a").as_deref(),
            Some("news.example.org")
        );
        assert_eq!(referrer_host("android-app://com.x"), None);
        assert_eq!(referrer_host("https://exa mple.com/"), None);
    }
}
