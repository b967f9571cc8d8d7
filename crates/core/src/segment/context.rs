//! The visitor context: everything segmentation may look at, parsed once per request from
//! headers, query, platform geo and the clock. Bad or oversized inputs are skipped and noted
//! in `warnings` (shown in debug output), never turned into an error.

use super::cookies::cookie_jar;
use super::headers::{self, MAX_HEADER_BYTES};
use super::DeviceClass;

/// Where the visitor is, as far as the host knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Geo {
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// The region (state, province) code.
    pub region: Option<String>,
    /// The city name.
    pub city: Option<String>,
    /// The visitor's offset from UTC, in minutes.
    pub utc_offset_minutes: Option<i32>,
}

/// What Tailor knows about the visitor.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VisitorContext {
    /// From the User-Agent and `Sec-CH-UA-Mobile`.
    pub device: DeviceClass,
    /// `Sec-CH-UA-Mobile`.
    pub mobile_hint: Option<bool>,
    /// `Sec-CH-UA-Platform`, lowercased (`android`, `macos`, ...).
    pub platform: Option<String>,
    /// The browser brand from `Sec-CH-UA`, lowercased.
    pub browser: Option<String>,
    /// `Save-Data: on` was sent.
    pub save_data: bool,
    /// `ECT`: `slow-2g`, `2g`, `3g` or `4g`.
    pub ect: Option<String>,
    /// `Downlink`, in Mbit/s.
    pub downlink: Option<f64>,
    /// Primary language subtags from `Accept-Language`, best first.
    pub languages: Vec<String>,
    /// Geo from the platform, lowercased.
    pub country: Option<String>,
    /// The region code from the platform's geo, lowercased.
    pub region: Option<String>,
    /// The visitor's local hour (0-23), from the geo's UTC offset.
    pub local_hour: Option<u8>,
    /// Host of the `Referer`, without `www.`.
    pub referrer: Option<String>,
    /// The `utm_source` query parameter, trimmed and lowercased; absent if empty or over 100
    /// bytes.
    pub utm_source: Option<String>,
    /// The `utm_medium` query parameter, read like `utm_source`.
    pub utm_medium: Option<String>,
    /// The `utm_campaign` query parameter, read like `utm_source`.
    pub utm_campaign: Option<String>,
    /// The request's cookies as (name, value), in order; the first of duplicate names wins.
    pub cookies: Vec<(String, String)>,
    /// `Sec-GPC: 1` or `DNT: 1`: the visitor opted out, whatever the consent cookie says.
    pub opted_out: bool,
    /// Inputs that were ignored, and why.
    pub warnings: Vec<String>,
}

/// Query and clock inputs that are not headers.
#[derive(Debug, Clone, Copy)]
pub struct RequestFacts<'a> {
    /// The request's query parameters as decoded (name, value) pairs.
    pub query: &'a [(String, String)],
    /// The platform's geo for the visitor, if it has one.
    pub geo: Option<&'a Geo>,
    /// The request time, in milliseconds since the Unix epoch.
    pub now_ms: f64,
}

impl VisitorContext {
    /// Parses the context from the request's headers plus `facts`; inputs that are bad or
    /// oversized are skipped and noted in `warnings`.
    pub fn from_request(headers: &http::HeaderMap, facts: RequestFacts<'_>) -> Self {
        let mut warnings = Vec::new();
        let mut text = |name: &str| -> Option<&str> {
            let value = headers.get(name)?;
            if value.len() > MAX_HEADER_BYTES {
                warnings.push(format!("{name} over {MAX_HEADER_BYTES} bytes ignored"));
                return None;
            }
            match value.to_str() {
                Ok(text) => Some(text),
                Err(_) => {
                    warnings.push(format!("{name} is not text; ignored"));
                    None
                }
            }
        };
        let user_agent = text("user-agent").unwrap_or("");
        let mobile_hint = text("sec-ch-ua-mobile").and_then(headers::sf_boolean);
        let platform = text("sec-ch-ua-platform").and_then(headers::sf_string);
        let browser = text("sec-ch-ua").and_then(headers::ua_brand);
        let save_data = text("save-data").is_some_and(headers::save_data);
        let ect = text("ect").and_then(headers::ect);
        let downlink = text("downlink").and_then(headers::downlink);
        let languages = text("accept-language")
            .map(headers::accept_language)
            .unwrap_or_default();
        let referrer = text("referer").and_then(headers::referrer_host);
        let opted_out = text("sec-gpc").is_some_and(|v| v.trim() == "1")
            || text("dnt").is_some_and(|v| v.trim() == "1");
        let cookies = cookie_jar(headers.get_all(http::header::COOKIE), &mut warnings);
        let device = DeviceClass::classify(user_agent, mobile_hint);
        let utm = |name: &str| {
            crate::query::first(facts.query, name)
                .map(|v| v.trim().to_lowercase())
                .filter(|v| !v.is_empty() && v.len() <= 100)
        };
        let geo = facts.geo;
        let lower = |v: &Option<String>| v.as_ref().map(|s| s.to_ascii_lowercase());
        Self {
            device,
            mobile_hint,
            platform,
            browser,
            save_data,
            ect,
            downlink,
            languages,
            country: geo.and_then(|g| lower(&g.country)),
            region: geo.and_then(|g| lower(&g.region)),
            local_hour: geo
                .and_then(|g| g.utc_offset_minutes)
                .and_then(|offset| local_hour(facts.now_ms, offset)),
            referrer,
            utm_source: utm("utm_source"),
            utm_medium: utm("utm_medium"),
            utm_campaign: utm("utm_campaign"),
            cookies,
            opted_out,
            warnings,
        }
    }

    /// The value of the request cookie `name`, if it was sent.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The hour of day at `offset_minutes` from UTC.
fn local_hour(now_ms: f64, offset_minutes: i32) -> Option<u8> {
    if !now_ms.is_finite() || now_ms < 0.0 || offset_minutes.abs() > 18 * 60 {
        return None;
    }
    let minutes = (now_ms / 60_000.0) as i64 + i64::from(offset_minutes);
    u8::try_from(minutes.rem_euclid(24 * 60) / 60).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(
        pairs: &[(&str, &str)],
        query: &[(String, String)],
        geo: Option<&Geo>,
    ) -> VisitorContext {
        let mut headers = http::HeaderMap::new();
        for (name, value) in pairs {
            headers.append(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                http::HeaderValue::from_bytes(value.as_bytes()).unwrap(),
            );
        }
        VisitorContext::from_request(
            &headers,
            RequestFacts {
                query,
                geo,
                now_ms: 1_700_000_000_000.0, // 2023-11-14 22:13 UTC
            },
        )
    }

    #[test]
    fn every_source_is_read() {
        let geo = Geo {
            country: Some("DE".into()),
            region: Some("BE".into()),
            city: None,
            utc_offset_minutes: Some(60),
        };
        let query = vec![
            ("utm_campaign".to_owned(), "Black-Friday".to_owned()),
            ("utm_source".to_owned(), "".to_owned()),
        ];
        let c = context(
            &[
                (
                    "user-agent",
                    "Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36",
                ),
                ("sec-ch-ua-mobile", "?1"),
                ("sec-ch-ua-platform", "\"Android\""),
                (
                    "sec-ch-ua",
                    "\"Chromium\";v=\"126\", \"Google Chrome\";v=\"126\"",
                ),
                ("save-data", "on"),
                ("ect", "3g"),
                ("downlink", "1.5"),
                ("accept-language", "de-DE,de;q=0.9,en;q=0.5"),
                ("referer", "https://www.google.de/"),
                ("cookie", "a=1; b=2"),
                ("cookie", "c=3"),
                ("sec-gpc", "1"),
            ],
            &query,
            Some(&geo),
        );
        assert_eq!(c.device, DeviceClass::Mobile);
        assert_eq!(c.mobile_hint, Some(true));
        assert_eq!(c.platform.as_deref(), Some("android"));
        assert_eq!(c.browser.as_deref(), Some("google chrome"));
        assert!(c.save_data);
        assert_eq!(c.ect.as_deref(), Some("3g"));
        assert_eq!(c.downlink, Some(1.5));
        assert_eq!(c.languages, ["de", "en"]);
        assert_eq!(c.country.as_deref(), Some("de"));
        assert_eq!(c.region.as_deref(), Some("be"));
        assert_eq!(c.local_hour, Some(23));
        assert_eq!(c.referrer.as_deref(), Some("google.de"));
        assert_eq!(c.utm_campaign.as_deref(), Some("black-friday"));
        assert_eq!(c.utm_source, None);
        assert_eq!(c.cookie("c"), Some("3"));
        assert!(c.opted_out);
        assert!(c.warnings.is_empty());
    }

    #[test]
    fn oversized_and_binary_headers_are_ignored_with_a_warning() {
        let huge = "de,".repeat(1000);
        let c = context(
            &[
                ("accept-language", &huge),
                ("referer", "https://caf\u{e9}.de/"),
            ],
            &[],
            None,
        );
        assert!(c.languages.is_empty());
        assert_eq!(c.warnings.len(), 2, "{:?}", c.warnings);
    }

    #[test]
    fn local_hours_wrap_around_midnight() {
        let noon_utc = 12.0 * 3_600_000.0;
        assert_eq!(local_hour(noon_utc, -13 * 60), Some(23));
        assert_eq!(local_hour(noon_utc, 12 * 60 + 30), Some(0));
        assert_eq!(local_hour(noon_utc, 99 * 60), None);
    }
}
