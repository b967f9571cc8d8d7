//! How long Tailor may keep what an origin sent, read from the response's `Cache-Control` as a
//! shared cache reads it (RFC 9111).

/// Seconds to keep a response with this `Cache-Control`, at most `max_s`; `None` when it must
/// not be kept. `s-maxage` wins over `max-age`; `no-store`, `no-cache` and `private` forbid
/// keeping it; a response that names no lifetime is kept `max_s`. A malformed lifetime counts
/// as 0 (stale at once), as the RFC asks.
pub fn shared_ttl(cache_control: Option<&str>, max_s: u32) -> Option<u32> {
    let (mut max_age, mut s_maxage) = (None, None);
    for directive in cache_control.unwrap_or_default().split(',') {
        let (name, value) = match directive.split_once('=') {
            Some((name, value)) => (name.trim(), Some(value.trim().trim_matches('"'))),
            None => (directive.trim(), None),
        };
        let seconds = || {
            value
                .and_then(|v| v.parse::<u64>().ok())
                .map_or(0, |v| u32::try_from(v).unwrap_or(u32::MAX))
        };
        match name.to_ascii_lowercase().as_str() {
            "no-store" | "no-cache" | "private" => return None,
            "max-age" => max_age = Some(seconds()),
            "s-maxage" => s_maxage = Some(seconds()),
            _ => {}
        }
    }
    let ttl = s_maxage.or(max_age).unwrap_or(max_s).min(max_s);
    (ttl > 0).then_some(ttl)
}

#[cfg(test)]
mod tests {
    use super::shared_ttl;

    #[test]
    fn lifetimes_come_from_the_origin_within_the_cap() {
        assert_eq!(shared_ttl(None, 86_400), Some(86_400));
        assert_eq!(shared_ttl(Some(""), 86_400), Some(86_400));
        assert_eq!(shared_ttl(Some("public, max-age=600"), 86_400), Some(600));
        assert_eq!(
            shared_ttl(Some("max-age=600, s-maxage=3600"), 86_400),
            Some(3600)
        );
        assert_eq!(
            shared_ttl(Some("max-age=31536000, immutable"), 86_400),
            Some(86_400)
        );
        assert_eq!(shared_ttl(Some("MAX-AGE=\"60\""), 86_400), Some(60));
        assert_eq!(
            shared_ttl(Some("max-age=99999999999999"), 86_400),
            Some(86_400)
        );
    }

    #[test]
    fn what_must_not_be_kept_is_not() {
        for header in [
            "no-store",
            "private, max-age=600",
            "no-cache",
            "max-age=0",
            "max-age=soon",
            "max-age",
            "public, NO-STORE",
        ] {
            assert_eq!(shared_ttl(Some(header), 86_400), None, "{header}");
        }
        assert_eq!(shared_ttl(None, 0), None, "a zero cap keeps nothing");
    }
}
