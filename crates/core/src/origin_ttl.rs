//! How long Tailor may keep what an origin sent, and what is made from it, read from the
//! response's `Cache-Control` as a shared cache reads it (RFC 9111).

/// The directives of an origin's `Cache-Control` that bound what caches may do with the
/// response and with anything made from it (an image variant of an original).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OriginPolicy {
    /// `no-store`: no cache, shared or not, may keep it.
    pub no_store: bool,
    /// `private`: only the browser may keep it.
    pub private: bool,
    /// `no-cache`: caches may keep it but must revalidate before each use.
    pub no_cache: bool,
    /// `max-age`, seconds (the browser's lifetime, and the shared one without `s-maxage`).
    pub max_age: Option<u32>,
    /// `s-maxage`, seconds: shared caches only.
    pub s_maxage: Option<u32>,
    /// `stale-while-revalidate`, seconds: how long past its lifetime a stale copy may serve.
    pub stale_while_revalidate: Option<u32>,
}

impl OriginPolicy {
    /// Reads a `Cache-Control` value; absent means no restriction. A malformed lifetime
    /// counts as 0 (stale at once), as the RFC asks.
    pub fn parse(cache_control: Option<&str>) -> Self {
        let mut policy = Self::default();
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
                "no-store" => policy.no_store = true,
                "private" => policy.private = true,
                "no-cache" => policy.no_cache = true,
                "max-age" => policy.max_age = Some(seconds()),
                "s-maxage" => policy.s_maxage = Some(seconds()),
                "stale-while-revalidate" => policy.stale_while_revalidate = Some(seconds()),
                _ => {}
            }
        }
        policy
    }

    /// Whether a shared cache may keep it at all (revalidating or not).
    pub fn shareable(&self) -> bool {
        !self.no_store && !self.private
    }

    /// The lifetime a shared cache may give it: `s-maxage`, else `max-age`; `None` when the
    /// origin names none.
    pub fn shared_lifetime(&self) -> Option<u32> {
        self.s_maxage.or(self.max_age)
    }

    /// Seconds a shared cache may still keep it when it is `age_s` old, at most `max_s`;
    /// `None` when it must not be kept (`no-store`, `private`, `no-cache`, or used up).
    pub fn keep_seconds(&self, age_s: u32, max_s: u32) -> Option<u32> {
        if !self.shareable() || self.no_cache {
            return None;
        }
        let ttl = self
            .shared_lifetime()
            .map_or(max_s, |lifetime| lifetime.saturating_sub(age_s))
            .min(max_s);
        (ttl > 0).then_some(ttl)
    }
}

/// Seconds to keep a response with this `Cache-Control`, at most `max_s`; `None` when it must
/// not be kept. `s-maxage` wins over `max-age`; `no-store`, `no-cache` and `private` forbid
/// keeping it; a response that names no lifetime is kept `max_s`. A malformed lifetime counts
/// as 0 (stale at once), as the RFC asks.
pub fn shared_ttl(cache_control: Option<&str>, max_s: u32) -> Option<u32> {
    OriginPolicy::parse(cache_control).keep_seconds(0, max_s)
}

#[cfg(test)]
mod tests {
    use super::{shared_ttl, OriginPolicy};

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

    #[test]
    fn policies_read_every_directive_that_bounds_a_variant() {
        let policy = OriginPolicy::parse(Some(
            "Private, max-age=60, s-maxage=\"30\", stale-while-revalidate=10",
        ));
        assert!(policy.private && !policy.shareable());
        assert_eq!(policy.shared_lifetime(), Some(30));
        assert_eq!(policy.max_age, Some(60));
        assert_eq!(policy.stale_while_revalidate, Some(10));
        assert!(OriginPolicy::parse(None).shareable());
        assert_eq!(OriginPolicy::parse(None).shared_lifetime(), None);
        let short = OriginPolicy::parse(Some("max-age=100000"));
        assert_eq!(short.keep_seconds(20_000, 86_400), Some(80_000));
        assert_eq!(short.keep_seconds(100_000, 86_400), None, "used up");
    }
}
