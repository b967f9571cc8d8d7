//! The platform cache as the routes use it: a lookup that may choose this request to fill
//! the entry, and the write that completes the fill. The obligation lives in an [`Entry`]:
//! storing through it completes the fill, and dropping it on any other path (an origin error,
//! an undecodable image, a KV outage, a `?`) gives the fill up at once, so the requests that
//! the platform holds back for this one (Fastly collapses concurrent misses) stop waiting.
//! A failed write is logged and never fails the request — the response is already made, and
//! the next request simply misses.

use tailor_core::cache_key::{surrogate_keys, KeyParts};
use tailor_platform::{
    CacheLookup, CacheWrite, CachedObject, HeadersSuffice, Platform, PlatformError, UnreadBody,
};

/// How long an entry is fresh, and how long past that it may be served stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Lifetime {
    pub ttl_seconds: u32,
    pub stale_while_revalidate_seconds: u32,
}

/// One platform cache key as looked up by this request.
pub(super) struct Entry<'p, P: Platform> {
    platform: &'p P,
    key: String,
    /// What the lookup found: fresh, or stale (`stale`).
    pub object: Option<CachedObject>,
    /// The object's body when the host handed it over unread for the client (the object's
    /// own `body` is then empty): see [`lookup_for_client`].
    pub unread: Option<UnreadBody<P::Body>>,
    pub stale: bool,
    /// The platform chose this request to fill or refresh the entry: it must store or give
    /// the fill up, which dropping the entry does.
    must_fill: bool,
}

impl<P: Platform> std::fmt::Debug for Entry<'_, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("key", &self.key)
            .field("stale", &self.stale)
            .field("must_fill", &self.must_fill)
            .finish()
    }
}

/// Looks `key` up. A cache outage is a miss that nobody waits on.
pub(super) async fn lookup<'p, P: Platform>(platform: &'p P, key: String) -> Entry<'p, P> {
    lookup_headers_first(platform, key, &|_| false).await
}

/// Looks `key` up like [`lookup`], leaving the body unread when `headers_suffice` says the
/// stored headers are all the caller needs.
pub(super) async fn lookup_headers_first<'p, P: Platform>(
    platform: &'p P,
    key: String,
    headers_suffice: HeadersSuffice<'_>,
) -> Entry<'p, P> {
    let found = platform
        .cache_lookup_headers_first(&key, headers_suffice)
        .await;
    let found = found_or_logged(platform, &key, found);
    Entry::of(platform, key, found, None)
}

/// Looks `key` up like [`lookup_headers_first`] for a response that sends the object as it
/// is stored: where the host can, a needed body comes back unread (`Entry::unread`), to go to
/// the client without passing through the instance's memory.
pub(super) async fn lookup_for_client<'p, P: Platform>(
    platform: &'p P,
    key: String,
    headers_suffice: HeadersSuffice<'_>,
) -> Entry<'p, P> {
    let found = platform
        .cache_lookup_for_client(&key, headers_suffice)
        .await;
    let (found, unread) = found_or_logged(platform, &key, found);
    Entry::of(platform, key, found, unread)
}

/// What a lookup found, or, when the cache failed (or did not answer in time), a miss that
/// nobody waits on, logged as a warning.
fn found_or_logged<P: Platform, T: Default>(
    platform: &P,
    key: &str,
    found: Result<T, PlatformError>,
) -> T {
    found.unwrap_or_else(|e| {
        log_failure(platform, "cache_lookup_failed", key, &e);
        T::default()
    })
}

/// A cache call that failed, as a warning: the request goes on without the cache.
fn log_failure<P: Platform>(platform: &P, event: &str, key: &str, error: &PlatformError) {
    let line = serde_json::json!({
        "level": "warn", "event": event, "key": key, "detail": error.to_string(),
    });
    platform.log(super::LOG_ENDPOINT, &line.to_string());
}

/// An entry that was not looked up (the debug cache bypass): storing it is a plain write.
pub(super) fn unlooked<P: Platform>(platform: &P, key: String) -> Entry<'_, P> {
    Entry {
        platform,
        key,
        object: None,
        unread: None,
        stale: false,
        must_fill: false,
    }
}

impl<'p, P: Platform> Entry<'p, P> {
    /// The entry a lookup of `key` answered.
    fn of(
        platform: &'p P,
        key: String,
        found: CacheLookup,
        unread: Option<UnreadBody<P::Body>>,
    ) -> Self {
        Entry {
            platform,
            key,
            object: found.object,
            unread,
            stale: found.stale,
            must_fill: found.must_fill,
        }
    }

    /// Whether this request was chosen to fill or refresh the entry.
    pub(super) fn must_fill(&self) -> bool {
        self.must_fill
    }

    /// Stores `object` under the entry's key, completing this request's fill.
    pub(super) async fn store(
        mut self,
        parts: &KeyParts<'_>,
        object: &CachedObject,
        lifetime: Lifetime,
    ) {
        store(self.platform, &self.key, parts, object, lifetime).await;
        // Whatever became of the write, the fill is over: a refused insert still ends it.
        self.platform.cache_abandon(&self.key);
        self.must_fill = false;
    }
}

impl<P: Platform> Drop for Entry<'_, P> {
    fn drop(&mut self) {
        if self.must_fill {
            self.platform.cache_abandon(&self.key);
        }
    }
}

/// Writes `object` under `platform_key` for keys nobody looked up in this request (siblings
/// made from the same decode, a segment's last good list).
pub(super) async fn store<P: Platform>(
    platform: &P,
    platform_key: &str,
    parts: &KeyParts<'_>,
    object: &CachedObject,
    lifetime: Lifetime,
) {
    let write = CacheWrite {
        ttl_seconds: lifetime.ttl_seconds,
        stale_while_revalidate_seconds: lifetime.stale_while_revalidate_seconds,
        surrogate_keys: surrogate_keys(parts),
    };
    if let Err(e) = platform.cache_insert(platform_key, object, &write).await {
        log_failure(platform, "cache_insert_failed", platform_key, &e);
    }
}
