//! How a variant may be cached: the config's lifetimes, capped by what the origin allowed for
//! its original. A variant is the original resized, so no cache may keep it longer, or more
//! widely, than the original itself: `no-store` and `private` originals make private variants
//! that the edge does not keep; `no-cache` (or a lifetime already used up) makes variants the
//! edge does not keep and shared caches must revalidate; `s-maxage` / `max-age` cap the edge
//! TTL (minus the original's age), and the browser's.

use super::cache_store::Lifetime;
use tailor_config::CacheTtls;
use tailor_core::origin_ttl::OriginPolicy;

/// What the origin allowed for an original, and the original's age when it was read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct OriginAllowance {
    pub policy: OriginPolicy,
    pub age_seconds: u32,
}

/// The caching a variant gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum VariantCaching {
    /// Kept at the edge for `edge`, and public for browsers for `browser_seconds`.
    Shared {
        edge: Lifetime,
        browser_seconds: u32,
    },
    /// Not kept at the edge; any cache must revalidate before use (the ETag answers 304).
    Revalidate,
    /// Not kept at the edge, nor by any shared cache: `private, no-store`, or, for an original
    /// that is only `private`, `private, max-age=<browser_seconds>`.
    Private { browser_seconds: Option<u32> },
}

/// The caching of a variant made from an original with this allowance.
pub(super) fn decide(cache: &CacheTtls, origin: &OriginAllowance) -> VariantCaching {
    let policy = &origin.policy;
    let left = |lifetime: u32| lifetime.saturating_sub(origin.age_seconds);
    let browser_cap = cache.image_browser_ttl_seconds;
    if !policy.shareable() {
        let browser_seconds =
            (!policy.no_store).then(|| policy.max_age.map_or(0, left).min(browser_cap));
        return VariantCaching::Private { browser_seconds };
    }
    // `None`: the origin names no lifetime, so the config's alone applies.
    let shared_left = policy.shared_lifetime().map(left);
    if policy.no_cache || shared_left == Some(0) {
        return VariantCaching::Revalidate;
    }
    let ttl = shared_left.map_or(cache.image_ttl_seconds, |s| s.min(cache.image_ttl_seconds));
    // Serving stale stays within what the origin allows: its lifetime plus its own
    // stale-while-revalidate.
    let stale = match shared_left {
        None => cache.stale_while_revalidate_seconds,
        Some(s) => s
            .saturating_add(policy.stale_while_revalidate.unwrap_or(0))
            .saturating_sub(ttl)
            .min(cache.stale_while_revalidate_seconds),
    };
    let browser_seconds = policy
        .max_age
        .map(left)
        .or(shared_left)
        .map_or(browser_cap, |b| b.min(browser_cap));
    VariantCaching::Shared {
        edge: Lifetime {
            ttl_seconds: ttl,
            stale_while_revalidate_seconds: stale,
        },
        browser_seconds,
    }
}

impl VariantCaching {
    /// The edge lifetime, when the edge may keep the variant.
    pub(super) fn edge(&self) -> Option<Lifetime> {
        match self {
            Self::Shared { edge, .. } => Some(*edge),
            Self::Revalidate | Self::Private { .. } => None,
        }
    }

    /// `Cache-Control`, and for a shared variant the `Surrogate-Control` a CDN in front
    /// follows (the edge lifetime; browsers, which cannot be purged, get the shorter one).
    pub(super) fn headers(&self) -> Vec<(String, String)> {
        let cache_control = |v: String| ("cache-control".to_owned(), v);
        match self {
            Self::Shared {
                edge,
                browser_seconds,
            } => vec![
                cache_control(format!("public, max-age={browser_seconds}")),
                (
                    "surrogate-control".into(),
                    format!(
                        "max-age={}, stale-while-revalidate={}",
                        edge.ttl_seconds, edge.stale_while_revalidate_seconds
                    ),
                ),
            ],
            Self::Revalidate => vec![cache_control("no-cache".into())],
            Self::Private {
                browser_seconds: None,
            } => vec![cache_control(super::shared_caches::PRIVATE.into())],
            Self::Private {
                browser_seconds: Some(s),
            } => vec![cache_control(format!("private, max-age={s}"))],
        }
    }

    /// Whether the variant carries purge tags (`Surrogate-Key`, `Cache-Tag`): whenever a
    /// shared cache may hold it.
    pub(super) fn tagged(&self) -> bool {
        !matches!(self, Self::Private { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caching(cache_control: &str, age_seconds: u32) -> VariantCaching {
        let cache = tailor_config::Config::from_json(tailor_demo::CONFIG_JSON.as_bytes())
            .map(|c| c.cache)
            .unwrap_or_default();
        let origin = OriginAllowance {
            policy: OriginPolicy::parse(Some(cache_control)),
            age_seconds,
        };
        decide(&cache, &origin)
    }

    fn shared(ttl: u32, stale: u32, browser: u32) -> VariantCaching {
        VariantCaching::Shared {
            edge: Lifetime {
                ttl_seconds: ttl,
                stale_while_revalidate_seconds: stale,
            },
            browser_seconds: browser,
        }
    }

    #[test]
    fn variants_never_outlive_what_the_origin_allows_for_their_original() {
        // No lifetime named: the config's (30 days at the edge, a day for browsers).
        assert_eq!(caching("", 0), shared(2_592_000, 3_600, 86_400));
        assert_eq!(
            caching("public, max-age=31536000, immutable", 0),
            shared(2_592_000, 3_600, 86_400)
        );
        // A short lifetime caps both, less the original's age, with no stale serving
        // beyond what the origin grants.
        assert_eq!(caching("max-age=600", 0), shared(600, 0, 600));
        assert_eq!(caching("max-age=600", 500), shared(100, 0, 100));
        assert_eq!(
            caching("max-age=600, stale-while-revalidate=30", 0),
            shared(600, 30, 600)
        );
        assert_eq!(
            caching("max-age=60, s-maxage=3600", 0),
            shared(3_600, 0, 60)
        );
        assert_eq!(caching("max-age=600", 600), VariantCaching::Revalidate);
        assert_eq!(caching("no-cache", 0), VariantCaching::Revalidate);
        assert_eq!(
            caching("no-store", 0),
            VariantCaching::Private {
                browser_seconds: None
            }
        );
        assert_eq!(
            caching("private, max-age=600", 0),
            VariantCaching::Private {
                browser_seconds: Some(600)
            }
        );
        assert!(caching("no-store", 0).edge().is_none());
        assert_eq!(
            caching("private", 0).headers(),
            [("cache-control".to_owned(), "private, max-age=0".to_owned())]
        );
    }
}
